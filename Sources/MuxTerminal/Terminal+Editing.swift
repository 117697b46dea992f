// Cursor motion, scrolling, erasing and insert/delete: the operations of xterm's ctlseqs that move
// the cursor or cells. Every motion clears the pending-wrap flag, as xterm does.

extension Terminal {
    // MARK: C0 controls

    /// Executes a C0 control.
    mutating func executeControl(_ control: UInt8) {
        switch control {
        case 0x07: effects.bells += 1
        case 0x08: backspace()
        case 0x09: horizontalTab(count: 1)
        case 0x0a, 0x0b, 0x0c: lineFeed()
        case 0x0d: carriageReturn()
        case 0x0e: charsets.gl = 1  // SO
        case 0x0f: charsets.gl = 0  // SI
        default: break
        }
    }

    mutating func backspace() {
        cursor.pendingWrap = false
        if cursor.x > 0 { cursor.x -= 1 }
    }

    mutating func carriageReturn() {
        cursor.x = 0
        cursor.pendingWrap = false
    }

    /// LF, VT, FF: index, and return the carriage too in LNM.
    mutating func lineFeed() {
        index()
        if modes.linefeedNewline { carriageReturn() }
    }

    /// IND: down a line; at the bottom margin the region scrolls up instead.
    mutating func index() {
        cursor.pendingWrap = false
        if cursor.y == scrollBottom {
            scrollUp(1)
        } else if cursor.y < rows - 1 {
            cursor.y += 1
        }
    }

    /// RI: up a line; at the top margin the region scrolls down instead.
    mutating func reverseIndex() {
        cursor.pendingWrap = false
        if cursor.y == scrollTop {
            scrollDown(1)
        } else if cursor.y > 0 {
            cursor.y -= 1
        }
    }

    /// NEL: carriage return and index.
    mutating func nextLine() {
        carriageReturn()
        index()
    }

    // MARK: cursor motion

    /// CUU.
    mutating func cursorUp(_ count: Int) {
        let limit = cursor.y >= scrollTop ? scrollTop : 0
        cursor.y = max(limit, cursor.y - count)
        cursor.pendingWrap = false
    }

    /// CUD.
    mutating func cursorDown(_ count: Int) {
        let limit = cursor.y <= scrollBottom ? scrollBottom : rows - 1
        cursor.y = min(limit, cursor.y + count)
        cursor.pendingWrap = false
    }

    /// CUF.
    mutating func cursorForward(_ count: Int) {
        cursor.x = min(columns - 1, cursor.x + count)
        cursor.pendingWrap = false
    }

    /// CUB.
    mutating func cursorBackward(_ count: Int) {
        cursor.x = max(0, cursor.x - count)
        cursor.pendingWrap = false
    }

    /// CUP / HVP: 1-based row and column, relative to the scroll region in origin mode.
    mutating func setCursorPosition(row: Int, column: Int) {
        if modes.origin {
            cursor.y = min(scrollTop + row - 1, scrollBottom)
        } else {
            cursor.y = min(row - 1, rows - 1)
        }
        cursor.x = min(column - 1, columns - 1)
        cursor.pendingWrap = false
    }

    /// CHA / HPA: 1-based column.
    mutating func setCursorColumn(_ column: Int) {
        cursor.x = min(column - 1, columns - 1)
        cursor.pendingWrap = false
    }

    /// VPA: 1-based row, relative to the scroll region in origin mode.
    mutating func setCursorRow(_ row: Int) {
        setCursorPosition(row: row, column: cursor.x + 1)
    }

    /// HT / CHT: to the `count`th next tab stop, or the last column. Like xterm, a pending wrap
    /// survives: a tab at the margin leaves the next character to wrap.
    mutating func horizontalTab(count: Int) {
        var x = cursor.x
        for _ in 0..<count {
            x += 1
            while x < columns - 1 && !tabStops[x] { x += 1 }
            if x >= columns - 1 {
                x = columns - 1
                break
            }
        }
        if x != cursor.x { cursor.pendingWrap = false }
        cursor.x = x
    }

    /// CBT: to the `count`th previous tab stop, or the first column.
    mutating func backTab(count: Int) {
        var x = cursor.x
        for _ in 0..<count {
            x -= 1
            while x > 0 && !tabStops[x] { x -= 1 }
            if x <= 0 {
                x = 0
                break
            }
        }
        cursor.x = x
        cursor.pendingWrap = false
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
    /// starts at the top of the primary screen) and blank rows enter at its bottom.
    mutating func scrollUp(_ count: Int) {
        let height = scrollBottom - scrollTop + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
        let keepsHistory = scrollTop == 0 && !usingAlternateScreen
        for _ in 0..<n {
            if keepsHistory { scrollback.push(primary.rows[scrollTop]) }
            screen.rows.rotateUp(scrollTop...scrollBottom)
            clearRow(scrollBottom, with: filler)
        }
    }

    /// Scrolls the region down by `count`: blank rows enter at its top.
    mutating func scrollDown(_ count: Int) {
        let height = scrollBottom - scrollTop + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
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

    /// ICH: inserts `count` blank cells at the cursor, shifting the rest of the row right.
    mutating func insertBlankCells(count: Int) {
        let x = cursor.x
        let n = min(count, columns - x)
        let filler = Cell.erased(by: cursor.pen)
        let y = cursor.y
        screen.rows[y].splitWideCharacters(at: x..<(x + 1))
        screen.rows[y].replaceCells { cells in
            cells.removeLast(n)
            cells.insert(contentsOf: repeatElement(filler, count: n), at: x)
        }
        screen.rows[y].repairWideCharacters()
        cursor.pendingWrap = false
    }

    /// DCH: deletes `count` cells at the cursor, shifting the rest of the row left.
    mutating func deleteCharacters(_ count: Int) {
        let x = cursor.x
        let n = min(count, columns - x)
        let filler = Cell.erased(by: cursor.pen)
        let y = cursor.y
        screen.rows[y].splitWideCharacters(at: x..<(x + n))
        screen.rows[y].replaceCells { cells in
            cells.removeSubrange(x..<(x + n))
            cells.append(contentsOf: repeatElement(filler, count: n))
        }
        screen.rows[y].repairWideCharacters()
        screen.rows[y].wrapped = false
        cursor.pendingWrap = false
    }

    /// ECH: blanks `count` cells from the cursor without moving anything.
    mutating func eraseCharacters(_ count: Int) {
        let x = cursor.x
        let n = min(max(count, 1), columns - x)
        screen.rows[cursor.y].splitWideCharacters(at: x..<(x + n))
        screen.rows[cursor.y].fill(x..<(x + n), with: Cell.erased(by: cursor.pen))
        cursor.pendingWrap = false
    }

    /// IL: inserts `count` blank rows at the cursor's row, inside the scroll region.
    mutating func insertLines(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom else { return }
        let savedTop = scrollTop
        scrollTop = cursor.y
        scrollDown(count)
        scrollTop = savedTop
        cursor.x = 0
        cursor.pendingWrap = false
    }

    /// DL: deletes `count` rows at the cursor's row, inside the scroll region.
    mutating func deleteLines(_ count: Int) {
        guard cursor.y >= scrollTop && cursor.y <= scrollBottom else { return }
        let height = scrollBottom - cursor.y + 1
        let n = min(count, height)
        let filler = Cell.erased(by: cursor.pen)
        for _ in 0..<n {
            screen.rows.rotateUp(cursor.y...scrollBottom)
            clearRow(scrollBottom, with: filler)
        }
        cursor.x = 0
        cursor.pendingWrap = false
    }

    // MARK: erasing

    /// ED: 0 below (from the cursor), 1 above (to the cursor), 2 all, 3 the history.
    mutating func eraseDisplay(_ mode: Int) {
        let filler = Cell.erased(by: cursor.pen)
        switch mode {
        case 0:
            eraseLine(0)
            for y in (cursor.y + 1)..<rows { clearRow(y, with: filler) }
        case 1:
            eraseLine(1)
            for y in 0..<cursor.y { clearRow(y, with: filler) }
        case 2:
            for y in 0..<rows { clearRow(y, with: filler) }
        case 3:
            scrollback.removeAll()
        default:
            break
        }
        cursor.pendingWrap = false
    }

    /// EL: 0 to the right (from the cursor), 1 to the left (to the cursor), 2 the whole row.
    mutating func eraseLine(_ mode: Int) {
        let filler = Cell.erased(by: cursor.pen)
        let y = cursor.y
        switch mode {
        case 0:
            screen.rows[y].splitWideCharacters(at: cursor.x..<columns)
            screen.rows[y].fill(cursor.x..<columns, with: filler)
            screen.rows[y].wrapped = false
        case 1:
            screen.rows[y].splitWideCharacters(at: 0..<(cursor.x + 1))
            screen.rows[y].fill(0..<(cursor.x + 1), with: filler)
        case 2:
            clearRow(y, with: filler)
        default:
            break
        }
        cursor.pendingWrap = false
    }

    mutating func clearRow(_ y: Int, with filler: Cell) {
        let columns = columns
        modifyRow(y) { row in
            row.fill(0..<columns, with: filler)
            row.wrapped = false
        }
    }

    /// DECALN: fills the screen with E, resets the margins and homes the cursor.
    mutating func screenAlignmentPattern() {
        scrollTop = 0
        scrollBottom = rows - 1
        modes.origin = false
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
        cursor.pendingWrap = saved.cursor.pendingWrap && cursor.x == columns - 1
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

    // MARK: resets

    /// RIS: back to the power-on state. The history goes too, as in xterm; the size, the
    /// environment and what the owner has not drained yet (effects, answered queries) stay.
    mutating func fullReset() {
        var fresh = Terminal(columns: columns, rows: rows, scrollbackLimit: scrollback.limit)
        fresh.environment = environment
        fresh.commandState = commandState  // the shell's, not the terminal's: a reset keeps it
        fresh.effects = effects
        fresh.answeredQueries = answeredQueries  // what the owner has yet to cut from this read
        fresh.effects.titleChanged = fresh.effects.titleChanged || !title.isEmpty || !iconName.isEmpty
        self = fresh
    }

    /// DECSTR: the soft reset of VT220 and xterm: modes, margins, pen and charsets, not the screen.
    mutating func softReset() {
        modes.cursorVisible = true
        modes.insert = false
        modes.origin = false
        modes.autowrap = true
        modes.applicationCursorKeys = false
        modes.applicationKeypad = false
        scrollTop = 0
        scrollBottom = rows - 1
        charsets = CharsetState()
        cursor.pen = .blank
        penExtras = CellExtras()
        cursor.pendingWrap = false
        primary.savedCursor = SavedCursor()
        alternate.savedCursor = SavedCursor()
    }
}
