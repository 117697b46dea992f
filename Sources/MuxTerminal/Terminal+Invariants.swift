// Invariants that hold after any input: checked by the fuzzer and by tests after random streams.

extension Terminal {
    /// Every broken invariant, described; empty when the state is sound.
    public func invariantViolations() -> [String] {
        var found: [String] = []
        if cursor.x < 0 || cursor.x >= columns || cursor.y < 0 || cursor.y >= rows {
            found.append("cursor (\(cursor.x), \(cursor.y)) outside \(columns)x\(rows)")
        }
        // A pending wrap sits at the right margin or the last column, or where CBT moved it (xterm
        // keeps the wrap pending there).
        if !(0 <= scrollTop && scrollTop < scrollBottom && scrollBottom < rows)
            && !(rows == 1 && scrollTop == 0 && scrollBottom == 0)
        {
            found.append("scroll region \(scrollTop)...\(scrollBottom) in \(rows) rows")
        }
        if !(0 <= leftMargin && leftMargin < rightMargin && rightMargin < columns)
            && !(columns == 1 && leftMargin == 0 && rightMargin == 0)
        {
            found.append("left and right margins \(leftMargin)...\(rightMargin) in \(columns) columns")
        }
        if !modes.leftRightMargins && (leftMargin != 0 || rightMargin != columns - 1) {
            found.append("margins \(leftMargin)...\(rightMargin) without DECLRMM")
        }
        if tabStops.count != columns { found.append("\(tabStops.count) tab stops for \(columns) columns") }
        if scrollback.count > scrollback.limit {
            found.append("history holds \(scrollback.count) lines, limit \(scrollback.limit)")
        }
        for (name, screen) in [("primary", primary), ("alternate", alternate)] {
            if screen.rows.count != rows { found.append("\(name) has \(screen.rows.count) rows, not \(rows)") }
            for (y, row) in screen.rows.enumerated() {
                if row.cells.count != columns {
                    found.append("\(name) row \(y) has \(row.cells.count) cells, not \(columns)")
                    continue
                }
                found += wideCharacterViolations(row.cells, where: "\(name) row \(y)")
                if row.cells[min(row.extent, row.cells.count)...].contains(where: { !$0.isDefaultBlank }) {
                    found.append("\(name) row \(y) holds a cell past its extent \(row.extent)")
                }
                if !row.mayHaveStyle && !row.cells.allSatisfy(\.isPlain) {
                    found.append("\(name) row \(y) is marked plain but holds a styled cell")
                }
                for cell in row.cells where cell.isCluster && Int(cell.content & ~Cell.clusterFlag) >= clusters.count {
                    found.append("\(name) row \(y) refers to a missing cluster")
                }
                for cell in row.cells where cell.attributes.extrasIndex >= extras.count {
                    found.append("\(name) row \(y) refers to missing extras")
                }
            }
        }
        for index in 0..<scrollback.count {
            found += wideCharacterViolations(
                scrollback[index].storedCells, where: "history line \(index)", trimmed: true)
        }
        return found
    }

    /// `place` is described only when something is wrong: the fuzzer checks every row of every
    /// input four times, and would otherwise build a name for each.
    private func wideCharacterViolations(
        _ cells: [Cell], where place: @autoclosure () -> String, trimmed: Bool = false
    ) -> [String] {
        var found: [String] = []
        for (x, cell) in cells.enumerated() {
            if cell.isWide && cell.isSpacer { found.append("\(place()) column \(x) is both wide and a spacer") }
            if cell.isWide && (x + 1 == cells.count ? !trimmed : !cells[x + 1].isSpacer) {
                found.append("\(place()) column \(x): a wide character without its spacer")
            }
            if cell.isSpacer && (x == 0 || !cells[x - 1].isWide) {
                found.append("\(place()) column \(x): a spacer without its wide character")
            }
        }
        return found
    }
}
