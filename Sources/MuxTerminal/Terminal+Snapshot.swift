// The snapshot: bytes that bring a freshly reset xterm-compatible terminal of the same size (or,
// after the prelude, one left in any state) to this terminal's exact state. The order of the
// steps matters and is explained in docs/snapshot.md; change both together.

import MuxUnicode

extension Terminal {
    /// The prelude: brings a terminal left in any state by an earlier program to a known one
    /// without a full reset (RIS would clear the viewer's own scrollback).
    public static let snapshotPrelude: String = [
        "\u{1b}[?2026l",  // end any synchronized update, so the terminal draws what follows
        "\u{1b}[?1049l",  // back to the primary screen
        "\u{1b}[!p",  // DECSTR: modes, margins, charsets, pen, saved cursor
        "\u{1b}[?1049h\u{1b}[H\u{1b}7\u{1b}[2J\u{1b}[?1049l",  // a blank alternate screen, its saved cursor home
        "\u{1b}[r",  // full scroll region
        "\u{1b}[?6l\u{1b}[?7h\u{1b}[4l\u{1b}[20l",  // origin off, autowrap on, replace, LNM off
        "\u{1b}[0m\u{1b}]8;;\u{1b}\\",  // pen and hyperlink
        "\u{1b}(B\u{1b})B\u{1b}*B\u{1b}+B\u{f}",  // G0–G3 ASCII, G0 in GL
        "\u{1b}[?1l\u{1b}>",  // cursor keys and keypad normal
        "\u{1b}[?9l\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1003l\u{1b}[?1005l\u{1b}[?1006l\u{1b}[?1015l",  // mouse
        "\u{1b}[?1004l\u{1b}[?1007l\u{1b}[?2004l\u{1b}[?5l\u{1b}[?12l\u{1b}[?25h\u{1b}[0 q",
        "\u{1b}[H\u{1b}[2J",  // home and clear
    ].joined()

    /// The snapshot of this terminal's state, preceded by the prelude.
    ///
    /// - Parameter history: how many of the newest history lines to emit first, so that the
    ///   viewer's own scrollback holds them (in order, with their look).
    public func snapshot(history: Int = 0) -> [UInt8] {
        let historyCount = min(max(history, 0), scrollback.count)
        // Room for every cell and some SGR, so the buffer rarely grows while encoding.
        var out = SnapshotEncoder(capacity: columns * (rows * 2 + historyCount) * 2 + 1024)
        out.write(Terminal.snapshotPrelude)

        // 1. History, then the primary screen, printed top to bottom so the history scrolls off.
        // History lines become rows one at a time, so no copy of the whole history is made.
        let firstLine = scrollback.count - historyCount
        emitRows(count: historyCount + rows, visibleFrom: historyCount, into: &out) { index in
            index < historyCount
                ? scrollback[firstLine + index].row(columns: columns) : primary.rows[index - historyCount]
        }

        // 2. The alternate screen, with the primary's saved cursor set by 1049 on the way in; or,
        //    when the primary is shown, the alternate's content and saved cursor where they matter.
        if usingAlternateScreen {
            emitCursorState(primary.savedCursor, on: primary, into: &out)
            out.csi("?1049h")
            clearForRows(into: &out)
            emitRows(count: rows, visibleFrom: 0, into: &out) { alternate.rows[$0] }
            emitCursorState(alternate.savedCursor, on: alternate, into: &out)
            out.write("\u{1b}7")
        } else {
            if alternateMatters {
                out.csi("?47h")
                clearForRows(into: &out)
                emitRows(count: rows, visibleFrom: 0, into: &out) { alternate.rows[$0] }
                emitCursorState(alternate.savedCursor, on: alternate, into: &out)
                out.write("\u{1b}7")
                out.csi("?47l")
            }
            emitCursorState(primary.savedCursor, on: primary, into: &out)
            out.write("\u{1b}7")
        }
        out.forgetPen()
        out.csi("?6l")

        // 3. Tab stops, margins and origin mode; then the cursor, with its pending wrap.
        out.csi("3g")
        for (x, stop) in tabStops.enumerated() where stop {
            out.csi("1;\(x + 1)H")
            out.write("\u{1b}H")
        }
        if scrollTop != 0 || scrollBottom != rows - 1 { out.csi("\(scrollTop + 1);\(scrollBottom + 1)r") }
        var live = SavedCursor()
        live.cursor = cursor
        live.charsets = charsets
        live.origin = modes.origin
        emitCursorState(live, on: screen, marginTop: scrollTop, into: &out, penExtras: penExtras)

        // 4. Modes, cursor shape, titles, colours.
        emitModes(into: &out)
        out.write(titlesAndColors())
        return out.bytes
    }

    /// Whether the alternate screen, while not shown, holds anything a later switch would show.
    private var alternateMatters: Bool {
        alternate.savedCursor != SavedCursor() || alternate.rows.contains { $0.cells.contains { !$0.isDefaultBlank } }
    }

    // MARK: rows

    /// Empty cells at the end of a soft-wrapped row: printed as spaces so the row can wrap, and
    /// erased to their background once the next row has begun.
    private typealias Tail = [(x: Int, count: Int, background: Color)]

    /// Prints `rows` from the cursor at the top-left of a cleared screen, one after another; the
    /// first `visibleFrom` scroll on into the viewer's history.
    private func emitRows(
        count: Int, visibleFrom: Int, into out: inout SnapshotEncoder, row rowAt: (Int) -> Row
    ) {
        var tail: Tail = []
        var previousWrapped = false
        var next = rowAt(0)
        for index in 0..<count {
            let row = next
            if index + 1 < count { next = rowAt(index + 1) }
            // A row that scrolls in takes the background of the pen at that moment; it is only
            // known to be blank if the pen had the default background.
            let scrolledIn = index >= self.rows
            // A wide first cell wraps by itself only if its first scalar is wide on its own (a flag
            // or a VS16 sequence starts narrow and widens after).
            let nextStartsWide =
                index + 1 < count && next.cells[0].isWide
                && (!next.cells[0].isCluster || CharacterWidth.of(scalars(of: next.cells[0])[0]) == 2)
            tail = emitRow(
                row, continuing: previousWrapped, previousTail: tail, scrolledIn: scrolledIn,
                nextStartsWide: nextStartsWide, into: &out)
            previousWrapped = row.wrapped
            if index < count - 1 && !row.wrapped {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write("\r\n")
            }
        }
        if previousWrapped {
            wrapBottomRow((count - self.rows..<count).map(rowAt), into: &out)
        }
        if !tail.isEmpty {
            out.csi("\(self.rows);1H")
            patch(tail, returningTo: nil, into: &out)
        }
    }

    /// Makes the bottom row soft-wrapped, which printing alone cannot do without scrolling the
    /// top row away: within a region that spares row 1, wrap past the bottom (row 2 scrolls out
    /// of the region, not into the history), scroll back down with RI, and print row 2 again.
    /// Needs three rows; with fewer the flag is left off (docs/snapshot.md).
    private func wrapBottomRow(_ rows: [Row], into out: inout SnapshotEncoder) {
        guard rows.count >= 3 else { return }
        let bottom = rows.count - 1
        out.csi("2;\(rows.count)r")
        reprintLastCell(of: rows[bottom], row: bottom, into: &out)
        out.setLink(nil)
        out.setLook(Cell.blank, extras: CellExtras())
        out.write(" ")
        out.csi("2;1H")
        out.write("\u{1b}M")
        out.csi("r")
        // Row 2 (index 1) was blanked; print it again, rejoining it to its neighbours' wraps.
        if rows[0].wrapped {
            reprintLastCell(of: rows[0], row: 0, into: &out)
        } else {
            out.csi("2;1H")
        }
        let tail = emitRow(rows[1], continuing: rows[0].wrapped, previousTail: [], scrolledIn: false, into: &out)
        if rows[1].wrapped {
            // Rejoin row 3: print its first cell again, which makes the wrap.
            let next = rows[2]
            if next.cells[0].content != 0 {
                emitCell(next.cells[0], into: &out)
                if !tail.isEmpty { patch(tail, returningTo: next.cells[0].isWide ? 2 : 1, into: &out) }
            } else {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(" \u{8}")
                out.setLook(Cell.erased(by: next.cells[0]), extras: CellExtras())
                out.csi("X")
                if !tail.isEmpty { patch(tail, returningTo: 0, into: &out) }
            }
        } else if !tail.isEmpty {
            patch(tail, returningTo: nil, into: &out)
        }
        if rows[0].wrapped, !rows[0].cells[rows[0].cells.count - 1].isSpacer,
            rows[0].cells[rows[0].cells.count - 1].content == 0
        {
            // The last cell of row 1 was printed as a space to make the wrap.
            out.csi("1;\(rows[0].cells.count)H")
            out.setLook(Cell.erased(by: rows[0].cells[rows[0].cells.count - 1]), extras: CellExtras())
            out.csi("X")
        }
    }

    /// Puts the cursor at the end of `row` (screen row `y`) with a wrap pending, by printing its
    /// last character again (a space if the cell is empty).
    private func reprintLastCell(of row: Row, row y: Int, into out: inout SnapshotEncoder) {
        let cells = row.cells
        let wideAtEnd = cells.count >= 2 && cells[cells.count - 1].isSpacer
        out.csi("\(y + 1);\(wideAtEnd ? cells.count - 1 : cells.count)H")
        let cell = wideAtEnd ? cells[cells.count - 2] : cells[cells.count - 1]
        if cell.content != 0 {
            emitCell(cell, into: &out)
        } else {
            out.setLink(nil)
            out.setLook(Cell.blank, extras: CellExtras())
            out.write(" ")
        }
    }

    /// Prints one row; returns the tail of empty cells it printed as spaces.
    private func emitRow(
        _ row: Row, continuing: Bool, previousTail: Tail, scrolledIn: Bool, nextStartsWide: Bool = false,
        into out: inout SnapshotEncoder
    ) -> Tail {
        let cells = row.cells
        var used = cells.count
        while used > 0 && cells[used - 1].isDefaultBlank { used -= 1 }
        if row.wrapped { used = cells.count }  // the row must end pending at its last column
        var x = 0
        var tail: Tail = []
        let plain = !row.mayHaveStyle
        var rowMayBeDirty = false
        var mustErase = false  // the first run covers the space printed to make the wrap
        // Cells that printing would join to the cell on their left (a mark standing alone after
        // a letter, made by moving the cursor): they are printed first, while their left
        // neighbour is still empty, and skipped when the row is printed.
        let joiners = plain ? [] : joiningCells(cells)
        if continuing {
            // The wrap happens on the first character printed; an empty first cell (or one that
            // would join the last cell of the row above) is begun with a space and BS instead.
            let first = cells[0]
            if first.content != 0 && !startsWithJoiner(first) && joiners.isEmpty {
                emitCell(first, into: &out)
                x = first.isWide ? 2 : 1
                rowMayBeDirty = scrolledIn && !first.background.isDefault
            } else {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(" \u{8}")
                mustErase = first.content == 0
            }
            if !previousTail.isEmpty {
                patch(previousTail, returningTo: x, into: &out)
                if x >= cells.count {
                    // The first cell filled the row (one column, or a wide character in two):
                    // print it again so its wrap is pending once more.
                    out.csi("1G")
                    emitCell(first, into: &out)
                }
            }
        }
        if !joiners.isEmpty {
            for column in joiners {
                out.csi("\(column + 1)G")
                emitCell(cells[column], into: &out)
            }
            out.csi("\(x + 1)G")
        }
        while x < cells.count {
            let cell = cells[x]
            if cell.isSpacer {
                x += 1
                continue
            }
            if cell.content != 0 && joiners.contains(x) {
                let width = cell.isWide ? 2 : 1
                out.csi(width == 1 ? "C" : "2C")
                x += width
                continue
            }
            if cell.content != 0 {
                if plain {
                    // Plain text in the default look: the bytes themselves.
                    var end = x
                    while end < cells.count && cells[end].content != 0 { end += 1 }
                    out.setLink(nil)
                    out.setLook(Cell.blank, extras: CellExtras())
                    out.bytes.append(contentsOf: cells[x..<end].lazy.map { UInt8(truncatingIfNeeded: $0.content) })
                    x = end
                    continue
                }
                // A run of cells with one look: the look is set once, then only text follows.
                emitCell(cell, into: &out)
                x += cell.isWide ? 2 : 1
                let look = cell.attributes.rawValue & ~CellAttributes.shapeMask
                while x < cells.count {
                    let next = cells[x]
                    guard next.content != 0, next.foreground == cell.foreground, next.background == cell.background,
                        next.attributes.rawValue & ~CellAttributes.shapeMask == look, !joiners.contains(x)
                    else { break }
                    if next.isCluster {
                        out.write(scalars: scalars(of: next))
                    } else {
                        out.write(scalar: next.content)
                    }
                    x += next.isWide ? 2 : 1
                }
                continue
            }
            // A run of empty cells with one background.
            var end = x + 1
            while end < cells.count && cells[end].content == 0 && !cells[end].isSpacer
                && cells[end].background == cell.background
            {
                end += 1
            }
            let blankAlready = cell.background.isDefault && !rowMayBeDirty && !mustErase
            if end >= used && blankAlready && !row.wrapped { break }  // the rest is blank already
            if row.wrapped && end == cells.count && end - x == 1 && cell.background.isDefault && nextStartsWide
                && !rowMayBeDirty
            {
                // A wide character that did not fit: printing it at the last column wraps it and
                // leaves that column blank, exactly as it was made.
                break
            }
            if row.wrapped && end == cells.count {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(String(repeating: " ", count: end - x))
                tail.append((x, end - x, cell.background))
            } else if blankAlready {
                out.csi(end - x == 1 ? "C" : "\(end - x)C")
            } else {
                out.setLink(nil)
                out.setLook(Cell.erased(by: cell), extras: CellExtras())
                if end == cells.count {
                    out.csi("K")
                } else {
                    out.csi("\(end - x)X")
                    out.csi(end - x == 1 ? "C" : "\(end - x)C")
                }
            }
            x = end
            mustErase = false
        }
        return tail
    }

    /// Columns (past the first) whose cell printing would join to the cell on its left.
    private func joiningCells(_ cells: [Cell]) -> [Int] {
        var found: [Int] = []
        var left = 0
        for x in 1..<max(cells.count, 1) {
            let cell = cells[x]
            if cell.isSpacer { continue }
            defer { left = x }
            let before = cells[left]
            guard cell.content != 0, before.content != 0,
                cell.content >= 0x300 || cell.isCluster || before.content >= 0x300 || before.isCluster
            else { continue }
            guard let first = scalars(of: cell).first else { continue }
            let joins: Bool
            if before.isCluster {
                joins = GraphemeBreaker.extends(scalars(of: before), with: first)
            } else {
                joins = ScalarProperties.joins(
                    ScalarProperties(Unicode.Scalar(before.content) ?? " ").breakClass,
                    ScalarProperties(first).breakClass)
            }
            if joins { found.append(x) }
        }
        return found
    }

    /// Whether a cell's first scalar joins whatever precedes it (a mark, a joiner, a second half).
    private func startsWithJoiner(_ cell: Cell) -> Bool {
        guard let first = scalars(of: cell).first, first.value >= 0x300 else { return false }
        switch ScalarProperties(first).breakClass {
        case .extend, .zwj, .spacingMark, .hangulV, .hangulT, .regionalIndicator: return true
        default: return false
        }
    }

    private func emitCell(_ cell: Cell, into out: inout SnapshotEncoder) {
        let cellExtras = cell.attributes.extrasIndex == 0 ? CellExtras() : extras(of: cell)
        out.setLink(cellExtras.hyperlink == 0 ? nil : hyperlink(cellExtras.hyperlink))
        out.setLook(cell, extras: cellExtras)
        if cell.isCluster {
            out.write(scalars: scalars(of: cell))
        } else {
            out.write(scalar: cell.content)
        }
    }

    /// Erases a tail of spaces to its backgrounds: on the row above (then back to column
    /// `column` of this row), or on this row when `column` is nil.
    private func patch(_ tail: Tail, returningTo column: Int?, into out: inout SnapshotEncoder) {
        if column != nil { out.csi("A") }
        for run in tail {
            out.setLink(nil)
            out.setLook(Cell(background: run.background), extras: CellExtras())
            out.csi("\(run.x + 1)G")
            out.csi(run.count == 1 ? "X" : "\(run.count)X")
        }
        if let column {
            out.csi("B")
            out.csi("\(column + 1)G")
        }
    }

    /// Resets the pen and clears the screen to the default background, cursor home.
    private func clearForRows(into out: inout SnapshotEncoder) {
        out.csi("?6l")
        out.write("\u{1b}(B\u{f}")  // ASCII in GL, so what is printed is what is stored
        out.forgetPen()
        out.setLink(nil)
        out.setLook(Cell.blank, extras: CellExtras())
        out.csi("H")
        out.csi("2J")
    }

    // MARK: cursor

    /// Sets position, pending wrap, pen, character sets and origin mode to `saved`, on the screen
    /// whose rows are `screen`. Origin mode must be off when this starts; `marginTop` is the top
    /// margin in force (cursor addressing in origin mode is relative to it).
    private func emitCursorState(
        _ saved: SavedCursor, on screen: Screen, marginTop: Int = 0, into out: inout SnapshotEncoder,
        penExtras: CellExtras? = nil
    ) {
        let state = saved.cursor
        out.write("\u{1b}(B\u{f}")  // ASCII in GL for the reprint below; the sets come last
        out.csi(saved.origin ? "?6h" : "?6l")
        let top = saved.origin ? marginTop : 0
        if state.pendingWrap && columns >= 1 {
            // The only way to a pending wrap is to print the last column: print what is there.
            let cells = screen.rows[state.y].cells
            let wideAtEnd = columns >= 2 && cells[columns - 1].isSpacer
            out.csi("\(state.y - top + 1);\(wideAtEnd ? columns - 1 : columns)H")
            let printed = wideAtEnd ? cells[columns - 2] : cells[columns - 1]
            out.setLink(hyperlink(extras(of: printed).hyperlink))
            out.setLook(printed, extras: extras(of: printed))
            let scalars = scalars(of: printed)
            out.write(scalars: scalars.isEmpty ? [" "] : scalars)
        } else {
            out.csi("\(state.y - top + 1);\(state.x + 1)H")
        }
        let extras = penExtras ?? self.extras(of: state.pen)
        out.setLink(hyperlink(extras.hyperlink))
        out.setLook(state.pen, extras: extras)
        out.write(charsetSequence(saved.charsets))
    }

    private func charsetSequence(_ charsets: CharsetState) -> String {
        var text = ""
        for (slot, intermediate) in ["(", ")", "*", "+"].enumerated() {
            text += "\u{1b}\(intermediate)\(charsets[slot].designator)"
        }
        switch charsets.gl {
        case 1: text += "\u{e}"
        case 2: text += "\u{1b}n"
        case 3: text += "\u{1b}o"
        default: text += "\u{f}"
        }
        return text
    }

    // MARK: modes and strings

    private func emitModes(into out: inout SnapshotEncoder) {
        var set: [String] = []
        var reset: [String] = []
        func mode(_ number: Int, _ on: Bool, default initial: Bool) {
            guard on != initial else { return }
            if on {
                set.append("\(number)")
            } else {
                reset.append("\(number)")
            }
        }
        mode(1, modes.applicationCursorKeys, default: false)
        mode(5, modes.reverseVideo, default: false)
        mode(7, modes.autowrap, default: true)
        mode(12, modes.cursorBlink, default: false)
        mode(25, modes.cursorVisible, default: true)
        mode(1004, modes.focusEvents, default: false)
        mode(1007, modes.alternateScroll, default: false)
        mode(2004, modes.bracketedPaste, default: false)
        if modes.mouseTracking != .none { set.append("\(modes.mouseTracking.rawValue)") }
        if modes.mouseEncoding != .x10 { set.append("\(modes.mouseEncoding.rawValue)") }
        if !set.isEmpty { out.csi("?" + set.joined(separator: ";") + "h") }
        if !reset.isEmpty { out.csi("?" + reset.joined(separator: ";") + "l") }
        if modes.applicationKeypad { out.write("\u{1b}=") }
        if modes.insert { out.csi("4h") }
        if modes.linefeedNewline { out.csi("20h") }
        if cursorShape != .default { out.csi("\(cursorShape.rawValue) q") }
    }

    private func titlesAndColors() -> String {
        let st = "\u{1b}\\"
        var text = ""
        for saved in titleStack {
            text += "\u{1b}]1;\(saved.iconName)\(st)\u{1b}]2;\(saved.title)\(st)\u{1b}[22t"
        }
        if !title.isEmpty || !iconName.isEmpty || !titleStack.isEmpty {
            text += "\u{1b}]1;\(iconName)\(st)\u{1b}]2;\(title)\(st)"
        }
        if !workingDirectory.isEmpty { text += "\u{1b}]7;\(workingDirectory)\(st)" }
        for (index, color) in paletteOverrides.sorted(by: { $0.key < $1.key }) {
            if let (r, g, b) = color.rgb { text += "\u{1b}]4;\(index);\(xParseColorString((r, g, b)))\(st)" }
        }
        for (which, color) in dynamicColors.sorted(by: { $0.key < $1.key }) {
            if let (r, g, b) = color.rgb { text += "\u{1b}]\(which + 10);\(xParseColorString((r, g, b)))\(st)" }
        }
        return text
    }
}
