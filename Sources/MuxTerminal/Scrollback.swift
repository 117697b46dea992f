// The history above the primary screen: a bounded ring of lines stored compactly. A line of plain
// text in the default look costs one byte per cell; any other line keeps its cells, trimmed.

/// A line that has scrolled off the top of the primary screen.
public struct HistoryLine: Hashable, Sendable {
    /// Plain lines: one byte per cell, 0 for a never-written cell; empty when `cells` is used.
    var text: [UInt8] = []
    /// Other lines: the cells up to the last one that is not the default blank.
    var cells: [Cell] = []
    public var wrapped = false

    init(_ row: Row) {
        assign(row)
    }

    /// Stores `row`, reusing this line's buffers when it can. Runs for every line that scrolls
    /// into the history, so the plain case is one pass over the cells and one copy.
    mutating func assign(_ row: Row) {
        wrapped = row.wrapped
        if !row.mayHaveStyle {
            assert(row.cells.allSatisfy(\.isPlain), "a row marked plain holds a styled cell")
            assignPlain(row.cells, extent: row.extent)
            return
        }
        // A row that may hold styled cells keeps its cells, up to the last that is not blank.
        text = []
        row.cells.withUnsafeBufferPointer { source in
            var used = min(row.extent, source.count)
            while used > 0 && source[used &- 1].isDefaultBlank { used &-= 1 }
            cells.removeAll(keepingCapacity: true)
            cells.reserveCapacity(source.count)
            cells.append(contentsOf: UnsafeBufferPointer(rebasing: source[0..<used]))
        }
    }

    /// Stores cells known to be plain as one byte each: gathered into a stack buffer, then copied
    /// into this slot's buffer, which keeps its capacity from line to line.
    private mutating func assignPlain(_ source: [Cell], extent: Int) {
        if !cells.isEmpty { cells = [] }
        source.withUnsafeBufferPointer { source in
            var used = min(extent, source.count)
            while used > 0 && source[used &- 1].content == 0 { used &-= 1 }
            text.removeAll(keepingCapacity: true)
            text.reserveCapacity(source.count)  // the row width: a slot then never regrows
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(used, 1)) { bytes in
                var x = 0
                while x < used {
                    bytes[x] = UInt8(truncatingIfNeeded: source[x].content)
                    x &+= 1
                }
                text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<used]))
            }
        }
    }

    /// The line's cells, padded with blanks (or cut) to `columns`.
    public func row(columns: Int) -> Row {
        var row: Row
        if cells.isEmpty {
            let cells = [Cell](unsafeUninitializedCapacity: columns) { buffer, count in
                let stored = min(text.count, columns)
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
        if cells.isEmpty { return text.map { Cell(content: UInt32($0)) } }
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
