// Cursor motion, scrolling, erasing and insert/delete: the operations of xterm's ctlseqs that move
// the cursor or cells, with the left and right margins of DECLRMM where xterm applies them. Every
// motion clears the pending-wrap flag, as xterm does, except HT and CBT (xterm keeps it there).

extension Terminal {
    // MARK: C0 controls

    /// Executes a C0 control.
    mutating func executeControl(_ control: UInt8) {
        switch control {
        case 0x07: effects.bells += 1
        case 0x08: cursorBackward(1)  // BS: reverse wraparound applies to it as to CUB
        case 0x09: horizontalTab(count: 1)
        case 0x0a, 0x0b, 0x0c: lineFeed()
        case 0x0d: carriageReturn()
        case 0x0e: charsets.gl = 1  // SO
        case 0x0f: charsets.gl = 0  // SI
        default: break
        }
    }

    /// CR: to the left margin, or to the first column from left of it (xterm's CarriageReturn).
    mutating func carriageReturn() {
        cursor.x = leftMargin == 0 || cursor.x >= leftMargin || modes.origin ? leftMargin : 0
        cursor.pendingWrap = false
    }

    /// LF, VT, FF: index, and return the carriage too in LNM.
    mutating func lineFeed() {
        index()
        if modes.linefeedNewline { carriageReturn() }
    }

    /// IND: down a line; at the bottom margin the region scrolls up instead (only when the cursor
    /// is between the left and right margins).
    mutating func index() {
        cursor.pendingWrap = false
        if cursor.y == scrollBottom {
            if !modes.leftRightMargins || isInsideHorizontalMargins(cursor.x) { scrollUp(1) }
        } else if cursor.y < rows - 1 {
            cursor.y += 1
        }
    }

    /// RI: up a line; at the top margin the region scrolls down instead.
    mutating func reverseIndex() {
        cursor.pendingWrap = false
        if cursor.y == scrollTop {
            if !modes.leftRightMargins || isInsideHorizontalMargins(cursor.x) { scrollDown(1) }
        } else if cursor.y > 0 {
            cursor.y -= 1
        }
    }

    /// NEL: carriage return and index.
    mutating func nextLine() {
        carriageReturn()
        index()
    }

    /// DECBI: left a column; at the left margin the columns between the margins scroll right.
    mutating func backIndex() {
        cursor.pendingWrap = false
        if cursor.x == leftMargin {
            if cursor.y >= scrollTop && cursor.y <= scrollBottom {
                shiftColumns(
                    leftMargin...rightMargin, rows: scrollTop...scrollBottom, by: -1,
                    filler: Cell.erased(by: cursor.pen))
            }
        } else if cursor.x > 0 {
            cursor.x -= 1
        }
    }

    /// DECFI: right a column; at the right margin the columns between the margins scroll left.
    mutating func forwardIndex() {
        cursor.pendingWrap = false
        if cursor.x == rightMargin {
            if cursor.y >= scrollTop && cursor.y <= scrollBottom {
                shiftColumns(
                    leftMargin...rightMargin, rows: scrollTop...scrollBottom, by: 1, filler: Cell.erased(by: cursor.pen)
                )
            }
        } else if cursor.x < columns - 1 {
            cursor.x += 1
        }
    }

    // MARK: cursor motion

    /// CUU: up, stopping at the top margin from inside the region.
    mutating func cursorUp(_ count: Int) {
        let limit = cursor.y >= scrollTop ? scrollTop : 0
        cursor.y = max(limit, cursor.y - count)
        cursor.pendingWrap = false
    }

    /// CUD: down, stopping at the bottom margin from inside the region.
    mutating func cursorDown(_ count: Int) {
        let limit = cursor.y <= scrollBottom ? scrollBottom : rows - 1
        cursor.y = min(limit, cursor.y + count)
        cursor.pendingWrap = false
    }

    /// VPR: down, stopping only at the last row (xterm does not stop it at the bottom margin).
    mutating func linePositionRelative(_ count: Int) {
        cursor.y = min(rows - 1, cursor.y + count)
        cursor.pendingWrap = false
    }

    /// CUF / HPR: right, stopping at the right margin from inside the margins.
    mutating func cursorForward(_ count: Int) {
        let limit = cursor.x <= rightMargin ? rightMargin : columns - 1
        cursor.x = min(limit, cursor.x + count)
        cursor.pendingWrap = false
    }

    /// CUB and BS: left, stopping at the left margin from inside the margins. With autowrap and
    /// reverse wraparound (45, 1045) the motion goes on at the right margin of the row above, as
    /// recent xterm does (45 only into a row that was soft-wrapped and never past the top
    /// margin; 1045 into any row, and from the top margin to the bottom one). A pending wrap
    /// counts as one step there.
    mutating func cursorBackward(_ count: Int) {
        let wraps = modes.autowrap && (modes.reverseWrap || modes.extendedReverseWrap)
        let leftLimit = cursor.x >= leftMargin ? leftMargin : 0
        guard wraps else {
            cursor.x = max(leftLimit, cursor.x - count)
            cursor.pendingWrap = false
            return
        }
        var remaining = count
        if cursor.pendingWrap {
            remaining -= 1
            cursor.pendingWrap = false
        }
        while true {
            let step = min(cursor.x - leftLimit, remaining)
            cursor.x -= step
            remaining -= step
            if remaining == 0 { break }
            if cursor.y == scrollTop {
                guard modes.extendedReverseWrap else { break }
                cursor.y = scrollBottom
            } else if cursor.y == 0 {
                break
            } else {
                if !modes.extendedReverseWrap && !screen.rows[cursor.y - 1].wrapped { break }
                cursor.y -= 1
            }
            cursor.x = rightMargin
            remaining -= 1
        }
    }

    /// CUP / HVP: 1-based row and column, relative to the margins in origin mode.
    mutating func setCursorPosition(row: Int, column: Int) {
        if modes.origin {
            cursor.y = min(scrollTop + row - 1, scrollBottom)
            cursor.x = min(leftMargin + column - 1, rightMargin)
        } else {
            cursor.y = min(row - 1, rows - 1)
            cursor.x = min(column - 1, columns - 1)
        }
        cursor.pendingWrap = false
    }

    /// CHA / HPA: 1-based column, relative to the left margin in origin mode.
    mutating func setCursorColumn(_ column: Int) {
        if modes.origin {
            cursor.x = min(leftMargin + column - 1, rightMargin)
        } else {
            cursor.x = min(column - 1, columns - 1)
        }
        cursor.pendingWrap = false
    }

    /// VPA: 1-based row, relative to the scroll region in origin mode.
    mutating func setCursorRow(_ row: Int) {
        if modes.origin {
            cursor.y = min(scrollTop + row - 1, scrollBottom)
        } else {
            cursor.y = min(row - 1, rows - 1)
        }
        cursor.pendingWrap = false
    }

    /// HT / CHT: to the `count`th next tab stop, or the right margin (the last column from right
    /// of it). Like xterm, a pending wrap survives: a tab at the margin leaves the next character
    /// to wrap; with the more(1) fix (?41) it wraps first.
    mutating func horizontalTab(count: Int) {
        if modes.moreFix && cursor.pendingWrap && modes.autowrap {
            cursor.pendingWrap = false
            index()
            cursor.x = 0
        }
        let limit = cursor.x <= rightMargin ? rightMargin : columns - 1
        var x = cursor.x
        for _ in 0..<count {
            x += 1
            while x < limit && !tabStops[x] { x += 1 }
            if x >= limit {
                x = limit
                break
            }
        }
        if x != cursor.x { cursor.pendingWrap = false }
        cursor.x = x
    }

    /// CBT: to the `count`th previous tab stop, or the left margin (the first column from left of
    /// it). A pending wrap survives, as in xterm: the next character still wraps.
    mutating func backTab(count: Int) {
        let limit = cursor.x >= leftMargin ? leftMargin : 0
        var x = cursor.x
        for _ in 0..<count {
            x -= 1
            while x > limit && !tabStops[x] { x -= 1 }
            if x <= limit {
                x = limit
                break
            }
        }
        cursor.x = x
    }

    /// HTS.
    mutating func setTabStop() { tabStops[cursor.x] = true }

    /// TBC: 0 clears the stop at the cursor, 3 clears them all.
    mutating func clearTabStops(_ mode: Int) {
        switch mode {
        case 0: tabStops[cursor.x] = false
        case 3: tabStops = [Bool](repeating: false, count: columns)
        default: break
        }
    }

    // MARK: scrolling

    /// Scrolls the region up by `count`: its top rows leave (into the history when the region
    /// starts at the top of the primary screen and spans its width) and blank rows enter at its
    /// bottom. With left and right margins only the columns between them move.
    /// Once per line of output that scrolls: each screen is reached directly (not through
    /// `screen`), and the row leaving the primary screen goes to the history without a copy.
    mutating func scrollUp(_ count: Int) {
        let height = scrollBottom - scrollTop + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
        if modes.leftRightMargins && hasHorizontalMargins {
            shiftRows(scrollTop...scrollBottom, columns: leftMargin...rightMargin, by: n, filler: filler)
            return
        }
        let region = scrollTop...scrollBottom
        let columns = columns
        if usingAlternateScreen {
            for _ in 0..<n { alternate.rows.scrollUp(region, columns: columns, filler: filler) }
        } else if scrollTop == 0 {
            for _ in 0..<n { primary.rows.scrollUp(region, columns: columns, filler: filler, into: &scrollback) }
        } else {
            for _ in 0..<n { primary.rows.scrollUp(region, columns: columns, filler: filler) }
        }
    }

    /// Scrolls the region down by `count`: blank rows enter at its top.
    mutating func scrollDown(_ count: Int) {
        let height = scrollBottom - scrollTop + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
        if modes.leftRightMargins && hasHorizontalMargins {
            shiftRows(scrollTop...scrollBottom, columns: leftMargin...rightMargin, by: -n, filler: filler)
            return
        }
        for _ in 0..<n {
            screen.rows.rotateDown(scrollTop...scrollBottom)
            clearRow(scrollTop, with: filler)
        }
        if n > 0 && scrollTop > 0 { screen.rows[scrollTop - 1].wrapped = false }
    }

    /// DECSTBM: 1-based top and bottom; 0 means the screen's edge. Homes the cursor.
    mutating func setScrollRegion(top: Int, bottom: Int) {
        let t = max(top, 1) - 1
        let b = (bottom == 0 ? rows : min(bottom, rows)) - 1
        guard t < b else { return }
        scrollTop = t
        scrollBottom = b
        setCursorPosition(row: 1, column: 1)
    }

    // MARK: insert and delete

    /// ICH: inserts `count` blank cells at the cursor, shifting the rest of the row up to the
    /// right margin right. Nothing happens with the cursor outside the margins.
    mutating func insertBlankCells(count: Int) {
        guard isInsideHorizontalMargins(cursor.x) else { return }
        let x = cursor.x
        let n = min(count, rightMargin - x + 1)
        let filler = Cell.erased(by: cursor.pen)
        let y = cursor.y
        if rightMargin == columns - 1 {
            screen.rows[y].splitWideCharacters(at: x..<(x + 1))
            screen.rows[y].replaceCells { cells in
                cells.removeLast(n)
                cells.insert(contentsOf: repeatElement(filler, count: n), at: x)
            }
            screen.rows[y].repairWideCharacters()
        } else {
            shiftColumns(x...rightMargin, rows: y...y, by: -n, filler: filler)
        }
        cursor.pendingWrap = false
    }

    /// DCH: deletes `count` cells at the cursor, shifting the rest of the row up to the right
    /// margin left. Nothing happens with the cursor outside the margins.
    mutating func deleteCharacters(_ count: Int) {
        guard isInsideHorizontalMargins(cursor.x) else { return }
        let x = cursor.x
        let n = min(count, rightMargin - x + 1)
        let filler = Cell.erased(by: cursor.pen)
        let y = cursor.y
        if rightMargin == columns - 1 {
            screen.rows[y].splitWideCharacters(at: x..<(x + n))
            screen.rows[y].replaceCells { cells in
                cells.removeSubrange(x..<(x + n))
                cells.append(contentsOf: repeatElement(filler, count: n))
            }
            screen.rows[y].repairWideCharacters()
            screen.rows[y].wrapped = false
        } else {
            shiftColumns(x...rightMargin, rows: y...y, by: n, filler: filler)
        }
        cursor.pendingWrap = false
    }

    /// ECH: blanks `count` cells from the cursor without moving anything (margins do not stop
    /// it). In ISO protection mode (SPA) protected cells are kept.
    mutating func eraseCharacters(_ count: Int) {
        let x = cursor.x
        let n = min(max(count, 1), columns - x)
        eraseCells(x..<(x + n), row: cursor.y, keepingProtected: protectionMode == .iso, endingWrap: false)
        cursor.pendingWrap = false
    }

    /// IL: inserts `count` blank rows at the cursor's row, inside the scroll region and the
    /// margins; the cursor goes to the left margin.
    mutating func insertLines(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom && isInsideHorizontalMargins(cursor.x) else { return }
        if hasHorizontalMargins {
            let n = min(count, scrollBottom - cursor.y + 1)
            shiftRows(
                cursor.y...scrollBottom, columns: leftMargin...rightMargin, by: -n, filler: Cell.erased(by: cursor.pen))
        } else {
            let savedTop = scrollTop
            scrollTop = cursor.y
            scrollDown(count)
            scrollTop = savedTop
        }
        cursor.x = leftMargin
        cursor.pendingWrap = false
    }

    /// DL: deletes `count` rows at the cursor's row, inside the scroll region and the margins;
    /// the cursor goes to the left margin.
    mutating func deleteLines(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom && isInsideHorizontalMargins(cursor.x) else { return }
        let height = scrollBottom - cursor.y + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
        if hasHorizontalMargins {
            shiftRows(cursor.y...scrollBottom, columns: leftMargin...rightMargin, by: n, filler: filler)
        } else {
            for _ in 0..<n {
                screen.rows.rotateUp(cursor.y...scrollBottom)
                clearRow(scrollBottom, with: filler)
            }
        }
        cursor.x = leftMargin
        cursor.pendingWrap = false
    }

    /// DECIC (insert) and DECDC (delete, negative `count`): columns at the cursor, in every row of
    /// the scroll region, between the cursor and the right margin. Nothing happens with the
    /// cursor outside the region.
    mutating func insertColumns(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom && isInsideHorizontalMargins(cursor.x) else { return }
        let filler = Cell.erased(by: cursor.pen)
        shiftColumns(cursor.x...rightMargin, rows: scrollTop...scrollBottom, by: -count, filler: filler)
        cursor.pendingWrap = false
    }

    /// SL (positive `count`, scroll left) and SR (negative): the columns between the margins of
    /// every row of the scroll region. Nothing happens with the cursor outside the region.
    mutating func scrollColumns(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom && isInsideHorizontalMargins(cursor.x) else { return }
        let filler = Cell.erased(by: cursor.pen)
        shiftColumns(leftMargin...rightMargin, rows: scrollTop...scrollBottom, by: count, filler: filler)
    }

    // MARK: erasing

    /// ED: 0 below (from the cursor), 1 above (to the cursor), 2 all, 3 the history. DECSED
    /// (`selective`) keeps protected cells; plain ED keeps them only in ISO protection mode.
    mutating func eraseDisplay(_ mode: Int, selective: Bool = false) {
        let keep = selective || protectionMode == .iso
        switch mode {
        case 0:
            eraseLine(0, selective: selective)
            for y in (cursor.y + 1)..<rows { eraseCells(0..<columns, row: y, keepingProtected: keep, endingWrap: true) }
        case 1:
            eraseLine(1, selective: selective)
            for y in 0..<cursor.y { eraseCells(0..<columns, row: y, keepingProtected: keep, endingWrap: true) }
        case 2:
            for y in 0..<rows { eraseCells(0..<columns, row: y, keepingProtected: keep, endingWrap: true) }
        case 3:
            if !selective { scrollback.removeAll() }
        default:
            break
        }
        cursor.pendingWrap = false
    }

    /// EL: 0 to the right (from the cursor), 1 to the left (to the cursor), 2 the whole row.
    /// DECSEL (`selective`) keeps protected cells; plain EL keeps them only in ISO mode.
    mutating func eraseLine(_ mode: Int, selective: Bool = false) {
        let keep = selective || protectionMode == .iso
        let y = cursor.y
        switch mode {
        case 0: eraseCells(cursor.x..<columns, row: y, keepingProtected: keep, endingWrap: true)
        case 1: eraseCells(0..<(cursor.x + 1), row: y, keepingProtected: keep, endingWrap: false)
        case 2: eraseCells(0..<columns, row: y, keepingProtected: keep, endingWrap: true)
        default: break
        }
        cursor.pendingWrap = false
    }

    /// Blanks cells `range` of row `y` to the pen's background, skipping protected cells when
    /// asked; `endingWrap` also ends the row's soft wrap (as erasing to its end does).
    mutating func eraseCells(_ range: Range<Int>, row y: Int, keepingProtected: Bool, endingWrap: Bool) {
        guard !range.isEmpty else { return }
        let filler = Cell.erased(by: cursor.pen)
        modifyRow(y) { row in
            if keepingProtected && row.hasProtectedCells {
                row.splitWideCharacters(at: range)
                for x in range where !row.cells[x].attributes.has(CellAttributes.protected) { row.set(x, filler) }
                row.repairWideCharacters()
            } else {
                row.splitWideCharacters(at: range)
                row.fill(range, with: filler)
            }
            if endingWrap { row.wrapped = false }
        }
    }

    mutating func clearRow(_ y: Int, with filler: Cell) {
        let columns = columns
        modifyRow(y) { row in
            row.fill(0..<columns, with: filler)
            row.wrapped = false
        }
    }

    /// DECALN: fills the screen with E; resets the margins, origin mode and SGR; homes the cursor.
    mutating func screenAlignmentPattern() {
        scrollTop = 0
        scrollBottom = rows - 1
        resetHorizontalMargins()
        modes.origin = false
        resetPen()
        for y in 0..<rows { clearRow(y, with: Cell(content: 0x45)) }
        cursor.x = 0
        cursor.y = 0
        cursor.pendingWrap = false
    }

    // MARK: saved cursor and screens

    /// DECSC: saves the cursor, its pen, the character sets and origin mode for this screen.
    mutating func saveCursor() {
        var saved = SavedCursor()
        saved.cursor = cursor
        saved.charsets = charsets
        saved.origin = modes.origin
        screen.savedCursor = saved
    }

    /// DECRC: restores what DECSC saved on this screen (the power-on state if nothing was).
    mutating func restoreCursor() {
        let saved = screen.savedCursor
        cursor = saved.cursor
        cursor.x = min(cursor.x, columns - 1)
        cursor.y = min(cursor.y, rows - 1)
        cursor.pendingWrap = saved.cursor.pendingWrap && cursor.x == saved.cursor.x
        charsets = saved.charsets
        modes.origin = saved.origin
        penExtras = extras[cursor.pen.attributes.extrasIndex]
    }

    /// Switches to the alternate screen, clearing it first when asked (1047, 1049).
    mutating func enterAlternateScreen(clear: Bool) {
        if !usingAlternateScreen {
            usingAlternateScreen = true
        }
        if clear {
            let filler = Cell.erased(by: cursor.pen)
            for y in 0..<rows { clearRow(y, with: filler) }
        }
    }

    /// Switches back to the primary screen, clearing the alternate first when asked (1047).
    mutating func leaveAlternateScreen(clear: Bool) {
        guard usingAlternateScreen else { return }
        if clear {
            let filler = Cell.erased(by: cursor.pen)
            for y in 0..<rows { clearRow(y, with: filler) }
        }
        usingAlternateScreen = false
    }

    /// DECCOLM (?3) with ?40 set: xterm clears the screen, resets the margins and homes the
    /// cursor. The width itself stays the session's (the lead client's window decides it).
    mutating func selectColumnMode(_ wide: Bool) {
        guard modes.allowColumnSwitch else { return }
        modes.columnMode = wide
        scrollTop = 0
        scrollBottom = rows - 1
        resetHorizontalMargins()
        let filler = Cell.erased(by: cursor.pen)
        for y in 0..<rows { clearRow(y, with: filler) }
        cursor.x = 0
        cursor.y = 0
        cursor.pendingWrap = false
    }

    // MARK: resets

    /// RIS: back to the power-on state. The history goes too, as in xterm; the size, the
    /// environment and what the owner has not drained yet (effects, answered queries) stay.
    mutating func fullReset() {
        var fresh = Terminal(
            columns: columns, rows: rows, scrollbackLimit: scrollback.limit, scrollbackBytes: scrollback.byteLimit)
        fresh.environment = environment
        fresh.commandState = commandState  // the shell's, not the terminal's: a reset keeps it
        fresh.effects = effects
        fresh.answeredQueries = answeredQueries  // what the owner has yet to cut from this read
        fresh.effects.titleChanged = fresh.effects.titleChanged || !title.isEmpty || !iconName.isEmpty
        self = fresh
    }

    /// DECSTR: the soft reset of VT220 and xterm: modes, margins, pen, protection and charsets,
    /// not the screen.
    mutating func softReset() {
        modes.cursorVisible = true
        modes.insert = false
        modes.origin = false
        modes.autowrap = true
        modes.applicationCursorKeys = false
        modes.applicationKeypad = false
        scrollTop = 0
        scrollBottom = rows - 1
        modes.leftRightMargins = false  // xterm's DECSTR resets DECLRMM too
        resetHorizontalMargins()
        charsets = CharsetState()
        cursor.pen = .blank
        penExtras = CellExtras()
        protectionMode = .dec
        cursor.pendingWrap = false
        primary.savedCursor = SavedCursor()
        alternate.savedCursor = SavedCursor()
    }
}
