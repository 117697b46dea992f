// A row of the screen grid, and the small repairs wide characters need after edits.

/// One row of cells. `wrapped` says the row's text continues on the next row (a soft wrap made by
/// autowrap, not by a newline), which resize uses to rejoin and re-wrap lines.
public struct Row: Hashable, Sendable {
    public var cells: [Cell]
    public var wrapped: Bool

    public init(columns: Int, filler: Cell = .blank) {
        cells = [Cell](repeating: filler, count: columns)
        wrapped = false
    }

    public init(cells: [Cell], wrapped: Bool) {
        self.cells = cells
        self.wrapped = wrapped
    }

    /// Fills `range` with `cell`, keeping the capacity.
    mutating func fill(_ range: Range<Int>, with cell: Cell) {
        guard !range.isEmpty else { return }
        cells.withUnsafeMutableBufferPointer { buffer in
            for x in range { buffer[x] = cell }
        }
    }

    /// Blanks the other half of any wide character that `range` cuts, so no cell is left holding
    /// half a character. Call before overwriting or moving the cells in `range`.
    mutating func splitWideCharacters(at range: Range<Int>) {
        guard !range.isEmpty else { return }
        if cells[range.lowerBound].isSpacer && range.lowerBound > 0 {
            cells[range.lowerBound - 1] = Cell.erased(by: cells[range.lowerBound - 1])
        }
        let last = range.upperBound - 1
        if cells[last].isWide && last + 1 < cells.count {
            cells[last + 1] = Cell.erased(by: cells[last + 1])
        }
    }

    /// Blanks any half of a wide character left without its partner, anywhere in the row.
    mutating func repairWideCharacters() {
        let count = cells.count
        for x in 0..<count {
            let cell = cells[x]
            if cell.isWide && (x + 1 == count || !cells[x + 1].isSpacer) {
                cells[x] = Cell.erased(by: cell)
            } else if cell.isSpacer && (x == 0 || !cells[x - 1].isWide) {
                cells[x] = Cell.erased(by: cell)
            }
        }
    }

    /// The number of cells up to and including the last one that is not the default blank.
    var usedWidth: Int {
        var end = cells.count
        while end > 0 && cells[end - 1].isDefaultBlank { end -= 1 }
        return end
    }
}
