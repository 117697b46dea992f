// The terminal's contents as text and styled runs: for tests, `mux render`, `mux capture`.

extension Terminal {
    /// A row's text: a wide character once, nothing for its spacer, a space for an empty cell,
    /// combining marks with their base, trailing blanks trimmed except those before column
    /// `keepingBlanksBefore` (the cursor's, on its row: what was typed or printed up to it).
    public func text(of cells: [Cell], keepingBlanksBefore column: Int = 0) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpaces = 0
        var end = 0  // just past the last cell with something in it
        for (x, cell) in cells.enumerated() where !cell.isSpacer {
            if cell.content == 0 || cell.content == 0x20 {
                pendingSpaces += 1
                continue
            }
            for _ in 0..<pendingSpaces { scalars.append(" ") }
            pendingSpaces = 0
            end = x + 1
            if cell.content < 0x80 {
                scalars.append(Unicode.Scalar(UInt8(cell.content)))
            } else {
                scalars.append(contentsOf: self.scalars(of: cell))
            }
        }
        if end < min(column, cells.count) {
            for cell in cells[end..<min(column, cells.count)] where !cell.isSpacer { scalars.append(" ") }
        }
        return String(scalars)
    }

    /// The visible rows as text.
    public var visibleLines: [String] { screen.rows.map { text(of: $0.cells) } }

    /// The visible rows as a user sees them: like `visibleLines`, but the cursor's row keeps its
    /// blanks up to the cursor, so a prompt that ends in a space (`$ `) still ends in one.
    public var displayedLines: [String] {
        screen.rows.enumerated().map { y, row in
            text(of: row.cells, keepingBlanksBefore: y == cursor.y ? cursor.x : 0)
        }
    }

    /// The history, oldest first, as text.
    public var historyLines: [String] {
        (0..<scrollback.count).map { text(of: scrollback[$0].storedCells) }
    }

    /// The runs of cells in `cells` whose look is not the default, merged where equal.
    public func styledRuns(of cells: [Cell]) -> [StyledRun] {
        var runs: [StyledRun] = []
        for (x, cell) in cells.enumerated() {
            let look = cell.with(content: 0, shape: 0)
            if look == Cell.blank { continue }
            if var last = runs.last, last.to == x, last.look == look {
                last.to = x + 1
                runs[runs.count - 1] = last
            } else {
                runs.append(StyledRun(from: x, to: x + 1, look: look, extras: extras(of: cell)))
            }
        }
        return runs
    }
}

/// Cells `from..<to` of a row sharing one non-default look.
public struct StyledRun: Hashable, Sendable {
    public var from: Int
    public var to: Int
    /// A cell with the run's colours and attributes, and no content.
    public var look: Cell
    public var extras: CellExtras
}
