// The snapshot: bytes that bring a freshly reset xterm-compatible terminal of the same size (or,
// after the prelude, one left in any state) to this terminal's exact state. The order of the
// steps matters and is explained in docs/snapshot.md; change both together.

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
        "\u{1b}[?69l\u{1b}[?45l\u{1b}[?1045l\u{1b}[?41l",  // no left/right margins, no reverse wrap
        "\u{1b}[0\"q\u{1b}[0#y\u{1b}[1*x",  // DEC protection, unprotected pen; checksum; DECSACE
        "\u{1b}[H",  // home; the screen is then erased row by row (`snapshot`)
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
        // Each row erased with EL rather than the screen with ED: terminals that keep a cleared
        // screen in their history (tmux's scroll-on-clear, VTE) would otherwise get the old screen
        // there again on every snapshot (a resync, a resize, the lease moving).
        for y in 1...rows {
            out.csi("\(y)H")
            out.csi("2K")
        }
        out.csi("H")
        // DECSCL soft-resets, so it comes first; then the modes XTSAVE holds, each set, saved and
        // put back to its power-on value (the real values come at the end).
        if conformanceLevel != 64 { out.csi("\(conformanceLevel);1\"p") }
        emitSavedModes(into: &out)

        // 1. History, then the primary screen, printed top to bottom so the history scrolls off.
        // History lines become rows one at a time, so no copy of the whole history is made.
        let firstLine = scrollback.count - historyCount
        emitRows(count: historyCount + rows, into: &out) { index in
            index < historyCount
                ? scrollback[firstLine + index].row(columns: columns) : primary.rows[index - historyCount]
        }
        emitBlankAttributes(of: primary, into: &out)

        // 2. The alternate screen, with the primary's saved cursor set by 1049 on the way in; or,
        //    when the primary is shown, the alternate's content and saved cursor where they matter.
        if usingAlternateScreen {
            emitCursorState(primary.savedCursor, on: primary, into: &out)
            out.csi("?1049h")
            clearForRows(into: &out)
            emitRows(count: rows, into: &out) { alternate.rows[$0] }
            emitBlankAttributes(of: alternate, into: &out)
            emitCursorState(alternate.savedCursor, on: alternate, into: &out)
            out.write("\u{1b}7")
        } else {
            if alternateMatters {
                out.csi("?47h")
                clearForRows(into: &out)
                emitRows(count: rows, into: &out) { alternate.rows[$0] }
                emitBlankAttributes(of: alternate, into: &out)
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
        if modes.leftRightMargins {
            out.csi("?69h")
            if hasHorizontalMargins { out.csi("\(leftMargin + 1);\(rightMargin + 1)s") }
        }
        var live = SavedCursor()
        live.cursor = cursor
        live.charsets = charsets
        live.origin = modes.origin
        emitCursorState(
            live, on: screen, marginTop: scrollTop, marginLeft: leftMargin, into: &out, penExtras: penExtras)
        // Protection: DECSCA (emitted with each protected cell and the pen) leaves DEC mode; SPA
        // switches to ISO mode and protects the pen, EPA unprotects it again.
        if protectionMode == .iso {
            out.write(cursor.pen.attributes.has(CellAttributes.protected) ? "\u{1b}V" : "\u{1b}V\u{1b}W")
        }

        // 4. Modes, cursor shape, titles, colours.
        emitModes(into: &out)
        out.write(titlesAndColors())
        return out.bytes
    }

    /// Whether the alternate screen, while not shown, holds anything a later switch would show.
    private var alternateMatters: Bool {
        alternate.savedCursor != SavedCursor() || alternate.rows.contains { $0.cells.contains { !$0.isDefaultBlank } }
    }

    // MARK: cursor

    /// Sets position, pending wrap, pen, character sets and origin mode to `saved`, on the screen
    /// whose rows are `screen`. Origin mode must be off when this starts; `marginTop` is the top
    /// margin in force (cursor addressing in origin mode is relative to it).
    func emitCursorState(
        _ saved: SavedCursor, on screen: Screen, marginTop: Int = 0, marginLeft: Int = 0,
        into out: inout SnapshotEncoder, penExtras: CellExtras? = nil
    ) {
        let state = saved.cursor
        out.write("\u{1b}(B\u{f}")  // ASCII in GL for the reprint below; the sets come last
        out.csi(saved.origin ? "?6h" : "?6l")
        let top = saved.origin ? marginTop : 0
        let left = saved.origin ? marginLeft : 0
        if state.pendingWrap && columns >= 1 {
            // The way to a pending wrap is to print the last column (or the right margin, which
            // is in force by now for the live cursor): print what is there.
            let cells = screen.rows[state.y].cells
            let x = state.x
            let wideAtEnd = x >= 1 && cells[x].isSpacer
            out.csi("\(state.y - top + 1);\((wideAtEnd ? x : x + 1) - left)H")
            let printed = wideAtEnd ? cells[x - 1] : cells[x]
            out.setLink(hyperlink(extras(of: printed).hyperlink))
            out.setLook(printed, extras: extras(of: printed))
            let scalars = scalars(of: printed)
            out.write(scalars: scalars.isEmpty ? [" "] : scalars)
        } else {
            out.csi("\(state.y - top + 1);\(state.x - left + 1)H")
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
        mode(40, modes.allowColumnSwitch, default: false)
        mode(41, modes.moreFix, default: false)
        mode(45, modes.reverseWrap, default: false)
        mode(1045, modes.extendedReverseWrap, default: false)
        for (number, on) in modes.changedOtherModes {
            mode(Int(number), on, default: !on)
        }
        if modes.mouseTracking != .none { set.append("\(modes.mouseTracking.rawValue)") }
        if modes.mouseEncoding != .x10 { set.append("\(modes.mouseEncoding.rawValue)") }
        if !set.isEmpty { out.csi("?" + set.joined(separator: ";") + "h") }
        if !reset.isEmpty { out.csi("?" + reset.joined(separator: ";") + "l") }
        if modes.applicationKeypad { out.write("\u{1b}=") }
        if modes.insert { out.csi("4h") }
        if modes.linefeedNewline { out.csi("20h") }
        if cursorShape != .default { out.csi("\(cursorShape.rawValue) q") }
        if attributeChangeRectangle { out.csi("2*x") }
        if checksumFlags != 0 { out.csi("\(checksumFlags)#y") }
    }

    /// Gives empty cells the SGR attributes DECCARA or DECRARA put on them (printing cannot: an
    /// erase leaves only a background), with DECCARA over each run, in rectangle mode.
    private func emitBlankAttributes(of screen: Screen, into out: inout SnapshotEncoder) {
        let mask =
            CellAttributes.bold | CellAttributes.blink | CellAttributes.inverse | CellAttributes.invisible
            | CellAttributes.underlineMask
        var started = false
        for y in 0..<rows {
            let cells = screen.rows[y].cells
            var x = 0
            while x < columns {
                let flags = cells[x].attributes.rawValue & mask
                guard cells[x].content == 0 && !cells[x].isSpacer && flags != 0 else {
                    x += 1
                    continue
                }
                var end = x + 1
                while end < columns && cells[end].content == 0 && !cells[end].isSpacer
                    && cells[end].attributes.rawValue & mask == flags
                {
                    end += 1
                }
                if !started {
                    out.csi("2*x")
                    started = true
                }
                let attributes = cells[x].attributes
                var parameters: [String] = []
                if attributes.has(CellAttributes.bold) { parameters.append("1") }
                if attributes.underline != UnderlineStyle.none { parameters.append("4") }
                if attributes.has(CellAttributes.blink) { parameters.append("5") }
                if attributes.has(CellAttributes.inverse) { parameters.append("7") }
                if attributes.has(CellAttributes.invisible) { parameters.append("8") }
                out.csi("\(y + 1);\(x + 1);\(y + 1);\(end);\(parameters.joined(separator: ";"))$r")
                x = end
            }
        }
        if started { out.csi("1*x") }
    }

    /// XTSAVE's modes: each set to its saved value, saved, and put back to its power-on value.
    private func emitSavedModes(into out: inout SnapshotEncoder) {
        guard !savedModes.isEmpty else { return }
        let fresh = Terminal(columns: 1, rows: 1, scrollbackLimit: 0)
        for (mode, on) in savedModes.sorted(by: { $0.key < $1.key }) {
            out.csi("?\(mode)\(on ? "h" : "l")")
            out.csi("?\(mode)s")
            out.csi("?\(mode)\(fresh.modeState(Int(mode), dec: true) == 1 ? "h" : "l")")
        }
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
        // The phase only: a watcher (`mux wait --command-done`) attaching mid-command must know a
        // command runs; the last status is history, not state a terminal shows.
        if !commandState.mark.isEmpty { text += "\u{1b}]133;\(commandState.mark)\(st)" }
        for (index, color) in paletteOverrides.sorted(by: { $0.key < $1.key }) {
            if let (r, g, b) = color.rgb { text += "\u{1b}]4;\(index);\(xParseColorString((r, g, b)))\(st)" }
        }
        for (which, color) in specialColors.sorted(by: { $0.key < $1.key }) {
            if let (r, g, b) = color.rgb { text += "\u{1b}]5;\(which);\(xParseColorString((r, g, b)))\(st)" }
        }
        for (which, color) in dynamicColors.sorted(by: { $0.key < $1.key }) {
            if let (r, g, b) = color.rgb { text += "\u{1b}]\(which + 10);\(xParseColorString((r, g, b)))\(st)" }
        }
        return text
    }
}
