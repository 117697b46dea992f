// The history above the primary screen: a ring of lines stored compactly, bounded in lines and in
// bytes. A line of plain text in the default look costs one byte per cell; a line in the default
// look with other characters (CJK, emoji, clusters) four bytes per cell; any other line keeps its
// cells, trimmed. The bytes are counted as lines come and go, never by walking the history.

/// A line that has scrolled off the top of the primary screen.
public struct HistoryLine: Hashable, Sendable {
    /// How the line is stored.
    enum Form: UInt8 {
        /// `text` holds one byte per cell of the row (0 for a never-written cell), of which the
        /// first `length` are the line and the rest are 0.
        case plain
        /// `text` holds a word per cell (see `wideBit`), of which the first `length` are the
        /// line: every cell has the default look.
        case unstyled
        /// `cells` holds the cells up to the last one that is not the default blank.
        case styled
    }

    var text: [UInt8] = []
    var cells: [Cell] = []
    var length: UInt32 = 0
    public var wrapped = false
    var form = Form.plain

    /// The word of an unstyled cell: its content with its shape in two bits that no content uses
    /// (scalars stop at U+10FFFF; cluster indexes stay far below 2^29), the attributes' shape
    /// bits moved up by `shapeShift` (one mask and one shift for both).
    static let shapeShift: UInt32 = 17
    static let wideBit: UInt32 = CellAttributes.wide << shapeShift
    static let spacerBit: UInt32 = CellAttributes.spacer << shapeShift
    static let shapeBits = wideBit | spacerBit

    init(_ row: Row) {
        assign(row)
    }

    /// An empty slot: holds no buffers.
    init() {}

    public static func == (a: HistoryLine, b: HistoryLine) -> Bool {
        a.wrapped == b.wrapped && a.storedCells == b.storedCells
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(wrapped)
        hasher.combine(storedCells)
    }

    /// True when both lines are stored the same way with the same contents, which is quicker to
    /// learn than comparing `storedCells`; false says nothing (the lines may still be equal).
    func isStoredAlike(_ other: HistoryLine) -> Bool {
        guard form == other.form, wrapped == other.wrapped, length == other.length else { return false }
        switch form {
        case .plain: return plainText == other.plainText
        case .unstyled: return text.prefix(Int(length) * 4) == other.text.prefix(Int(length) * 4)
        case .styled: return cells == other.cells
        }
    }

    /// The bytes of a plain line, without the zeros after its end.
    var plainText: ArraySlice<UInt8> { text[0..<Int(length)] }

    /// Stores `row`, reusing this line's buffers when it can. Runs for every line that scrolls
    /// into the history, so each form is one pass over the cells, written in place.
    /// Returns how much `heapBytes` changed (computed only where a buffer may change: a plain
    /// line into a plain slot of its width reads no capacity).
    @discardableResult
    mutating func assign(_ row: Row) -> Int {
        wrapped = row.wrapped
        if !row.mayHaveStyle {
            assert(row.cells.allSatisfy(\.isPlain), "a row marked plain holds a styled cell")
            if cells.isEmpty && form == .plain && text.count == row.cells.count {
                assignPlain(row.cells, extent: row.extent)
                return 0
            }
            let before = heapBytes
            assignPlain(row.cells, extent: row.extent)
            return heapBytes &- before
        }
        let before = heapBytes
        assignStyled(row)
        return heapBytes &- before
    }

    /// `assign` for a row that may have styled cells.
    private mutating func assignStyled(_ row: Row) {
        if assignUnstyled(row.cells, extent: row.extent) { return }
        // A row with styled cells keeps its cells, up to the last that is not blank.
        if form != .styled {
            text = []
            form = .styled
        }
        row.cells.withUnsafeBufferPointer { source in
            var used = min(row.extent, source.count)
            while used > 0 && source[used &- 1].isDefaultBlank { used &-= 1 }
            cells.removeAll(keepingCapacity: true)
            cells.reserveCapacity(source.count)
            cells.append(contentsOf: UnsafeBufferPointer(rebasing: source[0..<used]))
            length = UInt32(used)
        }
    }

    /// Stores the cells as words if every one has the default look; returns false at the first
    /// that does not (the caller then stores the cells).
    private mutating func assignUnstyled(_ source: [Cell], extent: Int) -> Bool {
        let width = source.count
        let filled = min(extent, width)
        // A styled line usually shows it in its first cells: look there before touching the
        // buffers, so that lines of coloured text keep theirs.
        let styledEarly = source.withUnsafeBufferPointer { source in
            for x in 0..<min(filled, 8) where Self.look(of: source[x]) != 0 { return true }
            return false
        }
        guard !styledEarly else { return false }
        if !cells.isEmpty { cells = [] }
        if form != .unstyled || text.count != width * 4 {
            text = [UInt8](repeating: 0, count: width * 4)
            form = .unstyled
        }
        var looks: UInt32 = 0
        var used = 0
        source.withUnsafeBufferPointer { source in
            let cellWords = UnsafeRawPointer(source.baseAddress!)
            let stride = MemoryLayout<Cell>.stride
            text.withUnsafeMutableBytes { words in
                // Cells are four words: content, foreground, background, attributes (see `Cell`).
                // The shape bits move from the attributes to bits 29 and 30 of the word. Four
                // cells at a time, the cells or-ed whole into `lanes` (masked once at the end)
                // rather than word by word.
                var lanes = SIMD4<UInt32>(repeating: 0)
                var x = 0
                while x &+ 4 <= filled {
                    let at = cellWords + x &* stride
                    let c0 = at.load(as: SIMD4<UInt32>.self)
                    let c1 = at.load(fromByteOffset: stride, as: SIMD4<UInt32>.self)
                    let c2 = at.load(fromByteOffset: 2 &* stride, as: SIMD4<UInt32>.self)
                    let c3 = at.load(fromByteOffset: 3 &* stride, as: SIMD4<UInt32>.self)
                    lanes |= c0 | c1 | c2 | c3
                    let contents = SIMD4(c0[0], c1[0], c2[0], c3[0])
                    let attributes = SIMD4(c0[3], c1[3], c2[3], c3[3])
                    let shaped = contents | (attributes & CellAttributes.shapeMask) &<< Self.shapeShift
                    words.storeBytes(of: shaped, toByteOffset: x &* 4, as: SIMD4<UInt32>.self)
                    x &+= 4
                }
                let masked = lanes & SIMD4(Self.shapeBits, ~0, ~0, ~CellAttributes.shapeMask)
                looks = masked[0] | masked[1] | masked[2] | masked[3]
                while x < filled {
                    let cell = cellWords.load(fromByteOffset: x &* stride, as: SIMD4<UInt32>.self)
                    let attributes = cell[3]
                    looks |= cell[1] | cell[2] | attributes & ~CellAttributes.shapeMask | cell[0] & Self.shapeBits
                    let word = cell[0] | (attributes & CellAttributes.shapeMask) << Self.shapeShift
                    words.storeBytes(of: word, toByteOffset: x &* 4, as: UInt32.self)
                    x &+= 1
                }
                // The stored length ends after the last word that is not 0 (found here rather
                // than tracked in the loop above, which then vectorises without it).
                used = filled
                while used > 0 && words.load(fromByteOffset: (used &- 1) &* 4, as: UInt32.self) == 0 { used &-= 1 }
            }
        }
        guard looks == 0 else { return false }
        length = UInt32(used)
        return true
    }

    /// What makes a cell need the styled form: its look, or content using the shape bits.
    @inline(__always)
    private static func look(of cell: Cell) -> UInt32 {
        cell.foreground.rawValue | cell.background.rawValue | cell.attributes.rawValue & ~CellAttributes.shapeMask
            | cell.content & shapeBits
    }

    /// Stores cells known to be plain as one byte each, straight into this slot's buffer, which
    /// keeps its size (the row's width) from line to line.
    private mutating func assignPlain(_ source: [Cell], extent: Int) {
        if !cells.isEmpty { cells = [] }
        let width = source.count
        if form != .plain || text.count != width {
            form = .plain
            text = [UInt8](repeating: 0, count: width)
            length = 0
        }
        let previous = Int(length)
        var used = 0
        source.withUnsafeBufferPointer { source in
            text.withUnsafeMutableBufferPointer { bytes in
                let filled = min(extent, width)
                // A plain cell's content is its byte: copy the low byte of each cell's first word,
                // eight cells to a turn (a byte load and a byte store each; gathering them into a
                // word first costs a shift and an or more per cell).
                let cellWords = UnsafeRawPointer(source.baseAddress!)
                let stride = MemoryLayout<Cell>.stride
                let target = UnsafeMutableRawPointer(bytes.baseAddress!)
                var x = 0
                while x &+ 8 <= filled {
                    let from = cellWords + x &* stride
                    let to = target + x
                    for k in 0..<8 {
                        to.storeBytes(
                            of: UInt8(truncatingIfNeeded: from.load(fromByteOffset: k &* stride, as: UInt32.self)),
                            toByteOffset: k, as: UInt8.self)
                    }
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
        if form == .plain {
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
            var padded = Array(storedCells.prefix(columns))
            if padded.count < columns { padded += repeatElement(Cell.blank, count: columns - padded.count) }
            row = Row(cells: padded, wrapped: false)
            row.repairWideCharacters()
        }
        row.wrapped = wrapped
        return row
    }

    /// The cells stored, without padding.
    public var storedCells: [Cell] {
        switch form {
        case .plain: return plainText.map { Cell(content: UInt32($0)) }
        case .unstyled: return (0..<Int(length)).map { unstyledCell($0) }
        case .styled: return cells
        }
    }

    /// Cell `x` of an unstyled line.
    private func unstyledCell(_ x: Int) -> Cell {
        let word = text.withUnsafeBytes { $0.load(fromByteOffset: x * 4, as: UInt32.self) }
        var shape: UInt32 = 0
        if word & Self.wideBit != 0 { shape = CellAttributes.wide }
        if word & Self.spacerBit != 0 { shape = CellAttributes.spacer }
        return Cell(
            content: word & ~(Self.wideBit | Self.spacerBit), attributes: CellAttributes(rawValue: shape))
    }

    /// Calls `body` on every stored cell that can refer to a table (clusters, extras): those of
    /// styled and unstyled lines. An unstyled line takes back what `body` leaves, which must
    /// still be unstyled (a renumbered cluster).
    mutating func forEachCell(_ body: (inout Cell) -> Void) {
        switch form {
        case .plain: return
        case .styled:
            cells.withUnsafeMutableBufferPointer { for x in $0.indices { body(&$0[x]) } }
        case .unstyled:
            for x in 0..<Int(length) {
                var cell = unstyledCell(x)
                body(&cell)
                assert(cell.attributes.style == 0, "an unstyled history cell was given a look")
                var word = cell.content
                if cell.isWide { word |= Self.wideBit }
                if cell.isSpacer { word |= Self.spacerBit }
                text.withUnsafeMutableBytes { $0.storeBytes(of: word, toByteOffset: x * 4, as: UInt32.self) }
            }
        }
    }

    /// Bytes of memory this line holds beyond its slot in the ring (for the memory benchmark).
    var heapBytes: Int { text.capacity + cells.capacity * MemoryLayout<Cell>.stride }
}

/// A ring of at most `limit` history lines and about `byteLimit` bytes, oldest first.
public struct Scrollback: Sendable {
    public private(set) var limit: Int
    /// The most bytes the lines may hold (`storedBytes`); past it the oldest lines go. A single
    /// line larger than this is still kept, alone.
    public private(set) var byteLimit: Int
    /// The slots of the ring: `count` lines from `start` on (wrapping), then empty slots. The
    /// ring grows by doubling up to `limit`, so a history that bytes keep short stays small.
    private var slots: [HistoryLine] = []
    private var start = 0
    public private(set) var count = 0
    /// The bytes the lines hold: each line's buffers (`HistoryLine.heapBytes`) and its slot.
    /// Kept as lines come and go.
    public private(set) var storedBytes = 0

    /// No byte bound beyond what `limit` lines can hold.
    public static let unlimitedBytes = Int.max

    public init(limit: Int, byteLimit: Int = Scrollback.unlimitedBytes) {
        self.limit = max(0, limit)
        self.byteLimit = max(0, byteLimit)
    }

    public var isEmpty: Bool { count == 0 }
    /// Lines ever pushed, whether kept or dropped by the limit: a monotonic count that a viewer
    /// compares over time to learn how many lines scrolled off the top of the screen meanwhile.
    /// Not part of the snapshot (a replica counts from its own start).
    public private(set) var pushedCount: UInt64 = 0

    static let slotBytes = MemoryLayout<HistoryLine>.stride

    /// Line `index`, 0 being the oldest.
    public subscript(index: Int) -> HistoryLine {
        slots[(start + index) % slots.count]
    }

    /// Adds `row` as the newest line, dropping the oldest when full (by lines, or by bytes).
    /// Inlined into scrolling: the steady state (a full ring) is a handful of instructions around
    /// the copy; growing and byte-bounded rings take `pushSlowly`.
    @inline(__always)
    mutating func push(_ row: Row) {
        pushedCount &+= 1
        if count == limit && count == slots.count && count > 0 {
            // Full ring: the oldest line becomes the newest in its own slot, its buffers reused in
            // place (no allocation when they fit, no retain or release).
            storedBytes &+= slots[start].assign(row)
            start = start &+ 1 == count ? 0 : start &+ 1
            if storedBytes > byteLimit { dropOldest(toBytes: byteLimit, keeping: 1) }
        } else {
            pushSlowly(row)
        }
    }

    /// `push` into a ring that is still growing or that its byte bound keeps short.
    private mutating func pushSlowly(_ row: Row) {
        guard limit > 0 else { return }
        if count == limit || (count > 0 && storedBytes >= byteLimit) {
            // Full: the oldest line's buffers take the new one (no allocation when they fit),
            // and its slot moves to the newest end.
            var line = HistoryLine()
            swap(&line, &slots[start])
            storedBytes -= line.heapBytes
            line.assign(row)
            storedBytes += line.heapBytes
            slots[(start + count) % slots.count] = line
            start = (start + 1) % slots.count
        } else {
            if count == slots.count { grow() }
            let slot = (start + count) % slots.count
            slots[slot].assign(row)
            storedBytes += slots[slot].heapBytes + Self.slotBytes
            count += 1
        }
        if storedBytes > byteLimit { dropOldest(toBytes: byteLimit, keeping: 1) }
    }

    /// Doubles the ring (up to `limit` slots), its lines first in order.
    private mutating func grow() {
        let capacity = min(limit, max(16, slots.count * 2))
        if start != 0 {
            slots = Array(slots[start...] + slots[..<start])
            start = 0
        }
        slots += repeatElement(HistoryLine(), count: capacity - slots.count)
    }

    /// Changes the byte bound, dropping the oldest lines past it now (the newest one stays).
    mutating func setByteLimit(_ bytes: Int) {
        byteLimit = max(0, bytes)
        dropOldest(toBytes: byteLimit, keeping: min(count, 1))
    }

    /// Drops the oldest lines until the history holds at most `bytes` (or only `keeping` lines
    /// are left), releasing their memory. Returns how many lines went.
    @discardableResult
    mutating func dropOldest(toBytes bytes: Int, keeping: Int = 0) -> Int {
        var dropped = 0
        while storedBytes > bytes && count > keeping {
            storedBytes -= slots[start].heapBytes + Self.slotBytes
            slots[start] = HistoryLine()
            start = (start + 1) % slots.count
            count -= 1
            dropped += 1
        }
        if count == 0 { start = 0 }
        return dropped
    }

    /// Calls `body` on every stored cell (plain lines hold no table references and are skipped).
    mutating func forEachCell(_ body: (inout Cell) -> Void) {
        for index in 0..<count {
            let slot = (start + index) % slots.count
            if slots[slot].form != .plain { slots[slot].forEachCell(body) }
        }
    }

    mutating func removeAll() {
        slots = []
        start = 0
        count = 0
        storedBytes = 0
    }

    /// Replaces the whole history, keeping the newest `limit` lines within `byteLimit`.
    mutating func replace(with newLines: [HistoryLine]) {
        slots = Array(newLines.suffix(limit))
        start = 0
        count = slots.count
        storedBytes = slots.reduce(0) { $0 + $1.heapBytes + Self.slotBytes }
        dropOldest(toBytes: byteLimit, keeping: min(count, 1))
    }

    /// All lines, oldest first.
    public var allLines: [HistoryLine] {
        var result: [HistoryLine] = []
        result.reserveCapacity(count)
        for index in 0..<count { result.append(self[index]) }
        return result
    }

    /// Bytes of heap memory the history holds (the whole ring plus line buffers); a walk, for
    /// the memory benchmark and tests. `storedBytes` is the running count of the lines' share.
    public var retainedBytes: Int {
        slots.capacity * Self.slotBytes + slots.reduce(0) { $0 + $1.heapBytes }
    }
}
