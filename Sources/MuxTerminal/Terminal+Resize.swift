// Resizing. The primary screen reflows: soft-wrapped rows (history included) rejoin into logical
// lines and wrap again at the new width, the cursor staying on its character; the screen keeps the
// bottom of the text, giving lines back from the history when it grows taller. The alternate
// screen is cut or padded, never reflowed. Margins reset; tab stops keep their columns.

extension Terminal {
    public mutating func resize(columns newColumns: Int, rows newRows: Int) {
        precondition(newColumns > 0 && newRows > 0, "a terminal needs at least one cell")
        guard newColumns != columns || newRows != rows else { return }

        // The primary cursor is the live one, or the one saved by 1049 while the alternate is up.
        var primaryCursor = usingAlternateScreen ? primary.savedCursor.cursor : cursor
        reflowPrimary(columns: newColumns, rows: newRows, cursor: &primaryCursor)
        if usingAlternateScreen {
            primary.savedCursor.cursor = primaryCursor
        } else {
            cursor = primaryCursor
        }

        var alternateRows = alternate.rows.prefix(newRows).map { resizedRow($0, columns: newColumns) }
        while alternateRows.count < newRows { alternateRows.append(Row(columns: newColumns)) }
        alternate.rows = ScreenRows(alternateRows)
        if usingAlternateScreen { cursor = clamped(cursor, columns: newColumns, rows: newRows) }
        alternate.savedCursor.cursor = clamped(alternate.savedCursor.cursor, columns: newColumns, rows: newRows)
        if !usingAlternateScreen {
            primary.savedCursor.cursor = clamped(primary.savedCursor.cursor, columns: newColumns, rows: newRows)
        }

        if newColumns < columns {
            tabStops.removeLast(columns - newColumns)
        } else {
            tabStops += (columns..<newColumns).map { $0 % 8 == 0 }
        }
        columns = newColumns
        rows = newRows
        scrollTop = 0
        scrollBottom = newRows - 1
        leftMargin = 0
        rightMargin = newColumns - 1
    }

    private func clamped(_ cursor: Cursor, columns: Int, rows: Int) -> Cursor {
        var result = cursor
        result.x = min(cursor.x, columns - 1)
        result.y = min(cursor.y, rows - 1)
        result.pendingWrap = cursor.pendingWrap && result.x == columns - 1
        return result
    }

    private func resizedRow(_ row: Row, columns newColumns: Int) -> Row {
        var result = row
        if newColumns < row.cells.count {
            result.replaceCells { $0.removeLast(row.cells.count - newColumns) }
            result.wrapped = false
        } else {
            result.replaceCells { $0 += repeatElement(Cell.blank, count: newColumns - row.cells.count) }
        }
        result.repairWideCharacters()
        return result
    }

    private mutating func reflowPrimary(columns newColumns: Int, rows newRows: Int, cursor: inout Cursor) {
        // 1. Every physical line, oldest first: the history, then the screen down to its last
        //    written row or the cursor's row, whichever is lower.
        var lastRow = cursor.y
        for y in stride(from: rows - 1, to: cursor.y, by: -1) where primary.rows[y].usedWidth > 0 {
            lastRow = y
            break
        }
        var physical: [Row] = scrollback.allLines.map { $0.row(columns: columns) }
        let cursorLine = physical.count + cursor.y
        physical += primary.rows[0...lastRow]

        // 2. Join soft-wrapped rows into logical lines; find the cursor's offset in its line.
        var lines: [[Cell]] = []
        var cursorLineIndex = 0
        var cursorOffset = 0
        var current: [Cell] = []
        for (index, row) in physical.enumerated() {
            if index == cursorLine {
                cursorLineIndex = lines.count
                // With a wrap pending, the cursor stands just after the last column's character.
                cursorOffset = current.count + cursor.x + (cursor.pendingWrap ? 1 : 0)
            }
            if row.wrapped {
                current += row.cells
            } else {
                current += row.cells[0..<row.usedWidth]
                lines.append(current)
                current = []
            }
        }
        if !current.isEmpty { lines.append(current) }
        // The cursor may sit past the text; its line must reach it.
        let reach = cursorOffset + (cursor.pendingWrap ? 0 : 1)
        if cursorLineIndex < lines.count && lines[cursorLineIndex].count < reach {
            lines[cursorLineIndex] += repeatElement(Cell.blank, count: reach - lines[cursorLineIndex].count)
        }

        // 3. Wrap each logical line at the new width, keeping wide characters whole.
        var rewrapped: [Row] = []
        var newCursorRow = 0
        var newCursorX = 0
        var newPendingWrap = false
        for (lineIndex, line) in lines.enumerated() {
            var start = 0
            repeat {
                var end = min(start + newColumns, line.count)
                if end < line.count && end > start && line[end - 1].isWide { end -= 1 }
                if end == start { end = min(start + newColumns, line.count) }  // one column: split
                var row = Row(columns: newColumns)
                for x in start..<end { row.set(x - start, line[x]) }
                row.wrapped = end < line.count
                if lineIndex == cursorLineIndex && cursorOffset >= start
                    && (cursorOffset < end || end == line.count)
                {
                    newCursorRow = rewrapped.count
                    newCursorX = cursorOffset - start
                    newPendingWrap = newCursorX >= newColumns
                    newCursorX = min(newCursorX, newColumns - 1)
                }
                row.repairWideCharacters()
                rewrapped.append(row)
                start = end
            } while start < line.count
        }

        // 4. The screen shows the bottom of the text, always including the cursor's row.
        var top = max(0, rewrapped.count - newRows)
        top = min(top, newCursorRow)
        top = max(top, newCursorRow - newRows + 1)
        scrollback.replace(with: rewrapped[0..<top].map { HistoryLine($0) })
        var screenRows = Array(rewrapped[top..<min(top + newRows, rewrapped.count)])
        while screenRows.count < newRows { screenRows.append(Row(columns: newColumns)) }
        primary.rows = ScreenRows(screenRows)
        cursor.y = newCursorRow - top
        cursor.x = newCursorX
        cursor.pendingWrap = newPendingWrap
    }
}
