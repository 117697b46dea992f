// A row of the screen grid, and the small repairs wide characters need after edits.

/// One row of cells. `wrapped` says the row's text continues on the next row (a soft wrap made by
/// autowrap, not by a newline), which resize uses to rejoin and re-wrap lines.
public struct Row: Hashable, Sendable {
    public internal(set) var cells: [Cell]
    public var wrapped: Bool
    /// False only when every cell is plain (ASCII or empty, default look), which lets the history
    /// store the row as bytes without looking at each cell's look. Whoever writes a cell that is
    /// not plain sets it; only a whole-row fill clears it.
    var mayHaveStyle: Bool
    /// Every cell from this column on is the default blank (an upper bound kept by every write),
    /// so finding a row's used width does not scan its empty end.
    var extent: Int

    public init(columns: Int, filler: Cell = .blank) {
        cells = [Cell](repeating: filler, count: columns)
        wrapped = false
        mayHaveStyle = !filler.isPlain
        extent = filler.isDefaultBlank ? 0 : columns
    }

    public init(cells: [Cell], wrapped: Bool) {
        self.cells = cells
        self.wrapped = wrapped
        mayHaveStyle = !cells.allSatisfy(\.isPlain)
        extent = cells.count
    }

    /// A row of cells known to be plain (a plain history line given back).
    init(plainCells: [Cell]) {
        cells = plainCells
        wrapped = false
        mayHaveStyle = false
        extent = plainCells.count
    }

    public static func == (a: Row, b: Row) -> Bool { a.wrapped == b.wrapped && a.cells == b.cells }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(cells)
        hasher.combine(wrapped)
    }

    /// Fills `range` with `cell`, keeping the capacity. Inlined: scrolling clears a row with it
    /// once per line.
    @inline(__always)
    mutating func fill(_ range: Range<Int>, with cell: Cell) {
        guard !range.isEmpty else { return }
        // Cells from the old extent on are blank already: a blank fill stops there.
        let blankFrom = extent
        if range.count == cells.count {
            mayHaveStyle = !cell.isPlain
            extent = cell.isDefaultBlank ? 0 : cells.count
        } else {
            if !cell.isPlain { mayHaveStyle = true }
            if !cell.isDefaultBlank { extent = max(extent, range.upperBound) }
        }
        cells.withUnsafeMutableBufferPointer { buffer in
            let start = buffer.baseAddress! + range.lowerBound
            if cell == .blank {
                let count = min(range.upperBound, max(blankFrom, range.lowerBound)) - range.lowerBound
                UnsafeMutableRawPointer(start).initializeMemory(
                    as: UInt8.self, repeating: 0, count: count * MemoryLayout<Cell>.stride)
            } else {
                start.update(repeating: cell, count: range.count)
            }
        }
    }

    /// Writes one cell.
    @inline(__always)
    mutating func set(_ x: Int, _ cell: Cell) {
        cells[x] = cell
        if !cell.isPlain { mayHaveStyle = true }
        if x >= extent && !cell.isDefaultBlank { extent = x + 1 }
    }

    /// Replaces the cells; for edits that move cells around (ICH, DCH, resize).
    mutating func replaceCells(_ body: (inout [Cell]) -> Void) {
        body(&cells)
        mayHaveStyle = !cells.allSatisfy(\.isPlain)
        extent = cells.count
    }

    /// Blanks the other half of any wide character that `range` cuts, so no cell is left holding
    /// half a character. Call before overwriting or moving the cells in `range`.
    @inline(__always)
    mutating func splitWideCharacters(at range: Range<Int>) {
        guard !range.isEmpty else { return }
        let shapes = cells[range.lowerBound].attributes.rawValue | cells[range.upperBound - 1].attributes.rawValue
        guard shapes & CellAttributes.shapeMask != 0 else { return }
        if cells[range.lowerBound].isSpacer && range.lowerBound > 0 {
            set(range.lowerBound - 1, Cell.erased(by: cells[range.lowerBound - 1]))
        }
        let last = range.upperBound - 1
        if cells[last].isWide && last + 1 < cells.count {
            set(last + 1, Cell.erased(by: cells[last + 1]))
        }
    }

    /// Blanks any half of a wide character left without its partner, anywhere in the row.
    mutating func repairWideCharacters() {
        let count = cells.count
        for x in 0..<count {
            let cell = cells[x]
            if cell.isWide && (x + 1 == count || !cells[x + 1].isSpacer) {
                set(x, Cell.erased(by: cell))
            } else if cell.isSpacer && (x == 0 || !cells[x - 1].isWide) {
                set(x, Cell.erased(by: cell))
            }
        }
    }

    /// Whether any cell is protected (DECSCA, SPA).
    var hasProtectedCells: Bool {
        mayHaveStyle && cells[0..<min(extent, cells.count)].contains { $0.attributes.has(CellAttributes.protected) }
    }

    /// The number of cells up to and including the last one that is not the default blank.
    var usedWidth: Int {
        var end = min(extent, cells.count)
        while end > 0 && cells[end - 1].isDefaultBlank { end -= 1 }
        return end
    }
}
