// The history above the primary screen: a bounded ring of lines stored compactly. A line of plain
// text in the default look costs one byte per cell; any other line keeps its cells, trimmed.

/// A line that has scrolled off the top of the primary screen.
public struct HistoryLine: Hashable, Sendable {
    /// Plain lines: one byte per cell of the row (0 for a never-written cell), of which the first
    /// `length` are the line and the rest are 0; empty when `cells` is used.
    var text: [UInt8] = []
    /// Other lines: the cells up to the last one that is not the default blank.
    var cells: [Cell] = []
    var length: UInt32 = 0
    public var wrapped = false

    init(_ row: Row) {
        assign(row)
    }

    public static func == (a: HistoryLine, b: HistoryLine) -> Bool {
        a.wrapped == b.wrapped && a.cells == b.cells && a.plainText.elementsEqual(b.plainText)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wrapped)
        hasher.combine(cells)
        for byte in plainText { hasher.combine(byte) }
    }

    /// The bytes of a plain line, without the zeros after its end.
    var plainText: ArraySlice<UInt8> { text[0..<Int(length)] }

    /// Stores `row`, reusing this line's buffers when it can. Runs for every line that scrolls
    /// into the history, so the plain case is one pass over the cells, written in place.
    mutating func assign(_ row: Row) {
        wrapped = row.wrapped
        if !row.mayHaveStyle {
            assert(row.cells.allSatisfy(\.isPlain), "a row marked plain holds a styled cell")
            assignPlain(row.cells, extent: row.extent)
            return
        }
        // A row that may hold styled cells keeps its cells, up to the last that is not blank.
        text = []
        length = 0
        row.cells.withUnsafeBufferPointer { source in
            var used = min(row.extent, source.count)
            while used > 0 && source[used &- 1].isDefaultBlank { used &-= 1 }
            cells.removeAll(keepingCapacity: true)
            cells.reserveCapacity(source.count)
            cells.append(contentsOf: UnsafeBufferPointer(rebasing: source[0..<used]))
        }
    }

    /// Stores cells known to be plain as one byte each, straight into this slot's buffer, which
    /// keeps its size (the row's width) from line to line.
    private mutating func assignPlain(_ source: [Cell], extent: Int) {
        if !cells.isEmpty { cells = [] }
        let width = source.count
        if text.count != width {
            text = [UInt8](repeating: 0, count: width)
            length = 0
        }
        let previous = Int(length)
        var used = 0
        source.withUnsafeBufferPointer { source in
            text.withUnsafeMutableBufferPointer { bytes in
                let filled = min(extent, width)
                // A plain cell's content is its byte and its other words are 0: gather the low
                // byte of each cell's first word, eight cells to a store.
                let cellWords = UnsafeRawPointer(source.baseAddress!)
                let stride = MemoryLayout<Cell>.stride
                let target = UnsafeMutableRawPointer(bytes.baseAddress!)
                var x = 0
                while x &+ 8 <= filled {
                    var word: UInt64 = 0
                    var k = 0
                    while k < 8 {
                        let content = cellWords.load(fromByteOffset: (x &+ k) &* stride, as: UInt32.self)
                        word |= UInt64(truncatingIfNeeded: content) << (k &* 8)
                        k &+= 1
                    }
                    target.storeBytes(of: word.littleEndian, toByteOffset: x, as: UInt64.self)
                    x &+= 8
                }
                while x < filled {
                    bytes[x] = UInt8(truncatingIfNeeded: source[x].content)
                    x &+= 1
                }
                // The previous line's bytes past this one's end go back to 0.
                if previous > filled {
                    (target + filled).initializeMemory(as: UInt8.self, repeating: 0, count: previous &- filled)
                }
                used = filled
                while used > 0 && bytes[used &- 1] == 0 { used &-= 1 }
            }
        }
        length = UInt32(used)
    }

    /// The line's cells, padded with blanks (or cut) to `columns`.
    public func row(columns: Int) -> Row {
        var row: Row
        if cells.isEmpty {
            let cells = [Cell](unsafeUninitializedCapacity: columns) { buffer, count in
                let stored = min(Int(length), columns)
                text.withUnsafeBufferPointer { text in
                    for x in 0..<stored { buffer[x] = Cell(content: UInt32(text[x])) }
                }
                for x in stored..<columns { buffer[x] = .blank }
                count = columns
            }
            row = Row(plainCells: cells)
        } else {
            var padded = Array(cells.prefix(columns))
            if padded.count < columns { padded += repeatElement(Cell.blank, count: columns - padded.count) }
            row = Row(cells: padded, wrapped: false)
            row.repairWideCharacters()
        }
        row.wrapped = wrapped
        return row
    }

    /// The cells stored, without padding.
    public var storedCells: [Cell] {
        if cells.isEmpty { return plainText.map { Cell(content: UInt32($0)) } }
        return cells
    }

    /// Bytes of memory this line holds beyond its slot in the ring (for the memory benchmark).
    var heapBytes: Int { text.capacity + cells.capacity * MemoryLayout<Cell>.stride }
}

/// A ring of at most `limit` history lines, oldest first.
public struct Scrollback: Sendable {
    public private(set) var limit: Int
    private var lines: [HistoryLine] = []
    private var start = 0

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    public var count: Int { lines.count }
    public var isEmpty: Bool { lines.isEmpty }

    /// Line `index`, 0 being the oldest.
    public subscript(index: Int) -> HistoryLine {
        lines[(start + index) % lines.count]
    }

    /// Adds `row` as the newest line, dropping the oldest when full.
    mutating func push(_ row: Row) {
        guard limit > 0 else { return }
        if lines.count < limit {
            lines.append(HistoryLine(row))
        } else {
            lines[start].assign(row)
            start = (start + 1) % lines.count
        }
    }

    /// Calls `body` on every stored cell (plain lines hold no table references and are skipped).
    mutating func forEachCell(_ body: (inout Cell) -> Void) {
        for index in lines.indices where !lines[index].cells.isEmpty {
            lines[index].cells.withUnsafeMutableBufferPointer { for x in $0.indices { body(&$0[x]) } }
        }
    }

    mutating func removeAll() {
        lines = []
        start = 0
    }

    /// Replaces the whole history, keeping the newest `limit` lines.
    mutating func replace(with newLines: [HistoryLine]) {
        lines = Array(newLines.suffix(limit))
        start = 0
    }

    /// All lines, oldest first.
    public var allLines: [HistoryLine] {
        var result: [HistoryLine] = []
        result.reserveCapacity(lines.count)
        for index in 0..<lines.count { result.append(self[index]) }
        return result
    }

    /// Bytes of heap memory the history holds (slots plus line buffers).
    public var retainedBytes: Int {
        lines.capacity * MemoryLayout<HistoryLine>.stride + lines.reduce(0) { $0 + $1.heapBytes }
    }
}
