// The terminal's contents as text and styled runs: for tests, `mux render`, `mux capture`.

extension Terminal {
    /// A row's text: a wide character once, nothing for its spacer, a space for an empty cell,
    /// combining marks with their base, trailing blanks trimmed.
    public func text(of cells: [Cell]) -> String {
        var scalars = String.UnicodeScalarView()
        var pendingSpaces = 0
        for cell in cells where !cell.isSpacer {
            if cell.content == 0 || cell.content == 0x20 {
                pendingSpaces += 1
                continue
            }
            for _ in 0..<pendingSpaces { scalars.append(" ") }
            pendingSpaces = 0
            if cell.content < 0x80 {
                scalars.append(Unicode.Scalar(UInt8(cell.content)))
            } else {
                scalars.append(contentsOf: self.scalars(of: cell))
            }
        }
        return String(scalars)
    }

    /// The visible rows as text.
    public var visibleLines: [String] { screen.rows.map { text(of: $0.cells) } }

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
