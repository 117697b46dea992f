// How the renderer changes the terminal: a row's changed cells (wide characters kept whole, short
// clean gaps printed over rather than jumped, a blank end erased with EL), lines scrolled into
// the terminal's scrollback with line feeds at the bottom row, and the alternate screen.

import MuxTerminal

extension ScreenRenderer {
    /// Brings row `y` to `target`.
    mutating func drawRow(_ y: Int, _ target: [ViewCell], out: inout [UInt8]) {
        var current = shown[y]
        if current == target { return }
        let width = columns
        var dirty = [Bool](repeating: false, count: width)
        for x in 0..<width where target[x] != current[x] { dirty[x] = true }
        // Both halves of a wide character, shown or wanted, are written together: writing over
        // one half of a shown one blanks the other.
        var grew = true
        while grew {
            grew = false
            for x in 0..<width where dirty[x] {
                if x > 0 && !dirty[x - 1] && (target[x].width == 0 || current[x].width == 0) {
                    dirty[x - 1] = true
                    grew = true
                }
                if x + 1 < width && !dirty[x + 1] && (target[x].width == 2 || current[x].width == 2) {
                    dirty[x + 1] = true
                    grew = true
                }
            }
        }
        // A blank end of the row, in one look an erase can make, is erased with EL when that is
        // shorter than printing it.
        var end = width
        let last = target[width - 1]
        if last.isBlank && last.look == last.look.erased {
            var tail = width
            while tail > 0 && target[tail - 1] == last { tail -= 1 }
            if let first = (tail..<width).first(where: { dirty[$0] }),
                (first..<width).count(where: { dirty[$0] }) > 3
            {
                end = first
            }
        }
        var x = 0
        while x < end {
            guard dirty[x] else {
                x += 1
                continue
            }
            let cell = target[x]
            if cell.width == 0 {  // its wide character, just before it, wrote it
                current[x] = cell
                x += 1
                continue
            }
            let joins = x > 0 && tables.startsWithJoiner(cell)
            if joins {
                // Printed after its left neighbour it would join it: erase the neighbour, print
                // this cell, then the neighbour again (the snapshot encoder does the same).
                let base = target[x - 1].width == 0 && x > 1 ? x - 2 : x - 1
                moveCursor(base, y, out: &out)
                setPen(.plain, out: &out)
                out.appendCSI(x - base, 0x58)  // ECH
                moveCursor(x, y, out: &out)
                setPen(cell.look, out: &out)
                appendText(cell, out: &out)
                cursorX = x + Int(cell.width) < width ? x + Int(cell.width) : nil
                moveCursor(base, y, out: &out)
                setPen(target[base].look, out: &out)
                appendText(target[base], out: &out)
                for column in base..<x { current[column] = target[column] }
            } else {
                moveCursor(x, y, out: &out)
                setPen(cell.look, out: &out)
                appendText(cell, out: &out)
            }
            current[x] = cell
            if cell.width == 2 { current[x + 1] = target[x + 1] }
            x += Int(cell.width)
            // At the right edge the terminal waits to wrap: the column is not known.
            cursorX = joins ? x - Int(cell.width) : x < width ? x : nil
            // A short clean gap in the pen's look is cheaper printed over than jumped.
            if cursorX != nil {
                var gap = 0
                while x + gap < end && !dirty[x + gap] && gap < 4 { gap += 1 }
                if gap > 0 && gap < 4 && x + gap < end && dirty[x + gap]
                    && (x..<x + gap).allSatisfy({
                        target[$0].width == 1 && target[$0].text < 0x80 && target[$0].look == pen
                    })
                {
                    for skipped in x..<x + gap { dirty[skipped] = true }
                }
            }
        }
        if end < width {
            moveCursor(end, y, out: &out)
            if pen?.background != last.look.background || (pen?.flags ?? 0) & CellAttributes.inverse != 0 {
                setPen(last.look, out: &out)
            }
            out.appendString("\u{1b}[K")
            for x in end..<width { current[x] = last }
        }
        shown[y] = current
    }

    /// Gives the terminal's scrollback `lines`, then leaves it showing `view`: the screen is
    /// brought to the first rows of `lines + view`, and each line feed at the bottom row pushes
    /// the top row into the scrollback and shows the next one at the bottom.
    mutating func scroll(_ lines: [[ViewCell]], into view: [[ViewCell]], out: inout [UInt8]) {
        let sequence = lines + view
        for y in 0..<rows { drawRow(y, sequence[y], out: &out) }
        for index in rows..<(lines.count + rows) {
            // The line a scroll brings in is erased with the pen's background: make it the default.
            if pen == nil || pen!.background != .default || pen!.flags & CellAttributes.inverse != 0 {
                setPen(.plain, out: &out)
            }
            if cursorY == rows - 1 {
                out.append(contentsOf: [0x0d, 0x0a])
            } else {
                moveCursor(0, rows - 1, out: &out)
                out.append(0x0a)
            }
            cursorX = 0
            cursorY = rows - 1
            shown.removeFirst()
            let target = sequence[index]
            if printOnBlankBottomRow(target, out: &out) {
                shown.append(target)
            } else {
                shown.append([ViewCell](repeating: .blank, count: columns))
                drawRow(rows - 1, target, out: &out)
            }
        }
    }

    /// Prints `target` on the bottom row, just scrolled in blank, with the cursor at its start:
    /// the fast path of a flood, for rows of ASCII. Returns false (printing nothing) for others.
    private mutating func printOnBlankBottomRow(_ target: [ViewCell], out: inout [UInt8]) -> Bool {
        var end = target.count
        while end > 0 && target[end - 1] == .blank { end -= 1 }
        for x in 0..<end where target[x].text >= 0x80 || target[x].width != 1 { return false }
        for x in 0..<end {
            let cell = target[x]
            if pen != cell.look { setPen(cell.look, out: &out) }
            out.append(UInt8(truncatingIfNeeded: cell.text))
        }
        cursorX = end < columns ? end : nil
        return true
    }

    /// Shows the terminal's alternate screen, or its primary, as the replica does.
    mutating func switchScreen(toAlternate alternate: Bool, out: inout [UInt8]) {
        guard alternateShown != alternate else { return }
        if alternate {
            setPen(.plain, out: &out)  // the alternate screen is cleared with the pen's background
            out.appendString("\u{1b}[?1049h")
            if alternateShown == false {
                savedPrimary = shown
                shown = [[ViewCell]](repeating: [ViewCell](repeating: .blank, count: columns), count: rows)
            } else {
                invalidateCells()
            }
        } else {
            // Leaving restores the cursor and pen saved on the way in.
            out.appendString("\u{1b}[?1049l")
            if let saved = savedPrimary, alternateShown == true {
                shown = saved
            } else {
                invalidateCells()
            }
            savedPrimary = nil
            pen = nil
        }
        cursorX = nil
        cursorY = nil
        alternateShown = alternate
    }

    mutating func invalidateCells() {
        shown = [[ViewCell]](repeating: [ViewCell](repeating: .unknown, count: columns), count: rows)
    }

    mutating func moveCursor(_ x: Int, _ y: Int, out: inout [UInt8]) {
        out += CursorMoves.bytes(fromX: cursorX, fromY: cursorY, toX: x, toY: y)
        cursorX = x
        cursorY = y
    }

    mutating func setPen(_ look: Look, out: inout [UInt8]) {
        if pen == look { return }
        SGR.append(from: pen, to: look, into: &out)
        if pen?.link != look.link {
            out.appendString("\u{1b}]8;")
            if look.link != 0 {
                let link = tables.links[Int(look.link)]
                if !link.id.isEmpty { out.appendString("id=" + link.id) }
                out.append(0x3b)
                out.appendString(link.uri)
            } else {
                out.append(0x3b)
            }
            out.appendString("\u{1b}\\")
        }
        pen = look
    }

    func appendText(_ cell: ViewCell, out: inout [UInt8]) {
        if cell.text < 0x80 {
            out.append(UInt8(cell.text))
        } else if cell.text & ViewCell.clusterFlag != 0 {
            for scalar in tables.clusters[Int(cell.text & ~ViewCell.clusterFlag)] {
                out.append(contentsOf: String(Character(scalar)).utf8)
            }
        } else if let scalar = Unicode.Scalar(cell.text) {
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
    }
}
