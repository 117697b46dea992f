// The diff renderer of a client whose window differs in size from the session (docs/client.md,
// "Views at any size"). It keeps a model of what the user's terminal shows and, given the
// replica's terminal, returns the bytes that bring the terminal to the view: only changed cells,
// SGR from the current pen, the shortest cursor moves; lines that left the view's top go into the
// terminal's own scrollback first. Pure: it writes nothing itself. Written after reading how
// tmux's tty.c and screen-redraw.c do it, not from their code.

import MuxTerminal

public struct ScreenRenderer {
    public private(set) var viewport: Viewport
    /// What the terminal shows, row by row (`ViewCell.unknown` where nothing is known).
    var shown: [[ViewCell]]
    /// The model of the primary screen while the terminal shows its alternate screen.
    var savedPrimary: [[ViewCell]]?
    /// Whether the terminal shows its alternate screen; nil when not known.
    var alternateShown: Bool?
    var pen: Look?
    var cursorX: Int?
    var cursorY: Int?
    var modes: OuterModes?
    /// The margins, origin mode, insert mode, charsets and autowrap are as the renderer needs.
    var terminalPrepared = false
    var tables = ViewTables()
    /// The number of the session's line at the view's top at the last frame, lines being
    /// numbered from the replica's start: the line on screen row r is `pushedCount + r`.
    var topLine: UInt64 = 0
    /// Lines numbered below this went to the terminal's scrollback (or never will).
    var pushedUpTo: UInt64 = 0
    /// Lines to give the terminal's scrollback before the next frame's (gap marks).
    var pendingLines: [[ViewCell]] = []
    /// Whether the area outside the session's screen is marked (off for the last frame before
    /// detaching, so the marks do not stay behind).
    public var marksOutside = true

    public var columns: Int { viewport.columns }
    public var rows: Int { viewport.rows }

    public init(columns: Int, rows: Int) {
        viewport = Viewport(columns: columns, rows: rows)
        shown = []
        invalidate()
    }

    /// Forgets what the terminal shows: the next frame draws every cell and sets every mode.
    public mutating func invalidate() {
        shown = [[ViewCell]](repeating: [ViewCell](repeating: .unknown, count: columns), count: rows)
        savedPrimary = nil
        alternateShown = nil
        pen = nil
        cursorX = nil
        cursorY = nil
        modes = nil
        terminalPrepared = false
    }

    /// The window's new size; everything is drawn again.
    public mutating func resize(columns: Int, rows: Int) {
        viewport.resize(columns: columns, rows: rows)
        invalidate()
    }

    /// The replica was replaced (a snapshot): lines are numbered from its start. With
    /// `keepHistory` (the first attach) the history it came with goes to the terminal's scrollback;
    /// otherwise (a resync) only lines that scroll off from now on do.
    public mutating func replicaReplaced(_ terminal: Terminal, keepHistory: Bool) {
        let top = terminal.scrollback.pushedCount + UInt64(viewport.originY)
        topLine = keepHistory ? 0 : top
        pushedUpTo = topLine
    }

    /// Puts `text` into the terminal's scrollback, dim, before the next frame (a gap mark).
    public mutating func addScrollbackMark(_ text: String) {
        pendingLines.append(markRow(text))
    }

    func markRow(_ text: String) -> [ViewCell] {
        var row = [ViewCell](repeating: .blank, count: columns)
        for (x, scalar) in text.unicodeScalars.prefix(columns).enumerated() {
            row[x] = ViewCell(text: scalar.value, width: 1, look: Look(flags: CellAttributes.faint))
        }
        return row
    }

    /// The bytes that bring the terminal to the view of `terminal`: `status` over the bottom row
    /// (reverse video) when given; mouse reporting follows the session only when `mouse`.
    public mutating func frame(_ terminal: Terminal, status: String? = nil, mouse: Bool = true) -> [UInt8] {
        var out: [UInt8] = []
        out.appendString("\u{1b}[?2026h")
        if tables.isLarge {
            tables = ViewTables()
            invalidate()
        }
        if !terminalPrepared {
            // Full margins (and home), origin, insert and newline modes off, autowrap on, G0 ASCII
            // in GL, no pen, no link.
            out.appendString("\u{1b}[r\u{1b}[?6l\u{1b}[4l\u{1b}[20l\u{1b}[?7h\u{1b}(B\u{0f}\u{1b}[0m\u{1b}]8;;\u{1b}\\")
            pen = .plain
            cursorX = nil
            cursorY = nil
            terminalPrepared = true
        }
        let pushed = terminal.scrollback.pushedCount
        if alternateShown != true {
            // Lines of the session are numbered from the replica's start (pushed + row): those
            // from the view's old top to its new one left it, and go to the scrollback once.
            let oldTop = max(topLine, pushedUpTo)
            if !terminal.usingAlternateScreen {
                viewport.follow(
                    x: terminal.cursor.x, y: terminal.cursor.y, sessionColumns: terminal.columns,
                    sessionRows: terminal.rows)
            }
            let newTop = pushed + UInt64(viewport.originY)
            var lines = pendingLines
            if newTop > oldTop { lines += linesLeaving(terminal, from: oldTop, to: newTop) }
            pushedUpTo = max(pushedUpTo, newTop)
            if !lines.isEmpty {
                let primaryView = view(of: terminal.primary, in: terminal, status: status)
                scroll(lines, into: primaryView, out: &out)
            }
        }
        pendingLines = []
        switchScreen(toAlternate: terminal.usingAlternateScreen, out: &out)
        viewport.follow(
            x: terminal.cursor.x, y: terminal.cursor.y, sessionColumns: terminal.columns,
            sessionRows: terminal.rows)
        topLine = pushed + UInt64(viewport.originY)
        let target = view(of: terminal.screen, in: terminal, status: status)
        for y in 0..<rows { drawRow(y, target[y], out: &out) }
        let x = terminal.cursor.x - viewport.originX
        let y = terminal.cursor.y - viewport.originY
        let inView = x >= 0 && x < columns && y >= 0 && y < rows && !(status != nil && y == rows - 1)
        let wanted = OuterModes(following: terminal, mouse: mouse, cursorShown: inView)
        wanted.appendChanges(from: modes, into: &out)
        modes = wanted
        if inView { moveCursor(x, y, out: &out) }
        out.appendString("\u{1b}[?2026l")
        return out
    }

    /// The session's lines numbered `from..<to` (see `topLine`), cut to the window's width from
    /// column 0 (docs/client.md says why); lines the replica no longer holds are counted in a mark.
    mutating func linesLeaving(_ terminal: Terminal, from: UInt64, to: UInt64) -> [[ViewCell]] {
        let history = terminal.scrollback.count
        let pushed = terminal.scrollback.pushedCount
        // Line n is at position n - pushed + history of the history followed by the screen.
        let oldest = pushed - UInt64(history)
        var lines: [[ViewCell]] = []
        if from < oldest {
            let lost = min(to, oldest) - from
            addScrollbackMark("-- mux: \(groupedThousands(lost)) lines not shown --")
            lines = pendingLines
            pendingLines = []
        }
        guard to > max(from, oldest) else { return lines }
        lines.reserveCapacity(lines.count + Int(to - max(from, oldest)))
        var tables = self.tables
        for number in max(from, oldest)..<to {
            let position = Int(number - oldest)
            // A history line's stored cells end at its last one that is not blank.
            let cells =
                position < history
                ? terminal.scrollback[position].storedCells
                : terminal.primary.rows[position - history].cells
            var line = [ViewCell](repeating: .blank, count: columns)
            for x in 0..<min(columns, cells.count) {
                let source = cells[x]
                if source.isPlain {
                    if source.content != 0 { line[x].text = source.content }
                    continue
                }
                var cell = tables.viewCell(source, in: terminal)
                if cell.width == 2 && x == columns - 1 { cell = .blank(cell.look) }
                line[x] = cell
            }
            lines.append(line)
        }
        self.tables = tables
        return lines
    }

    /// The window's rows showing `screen` of `terminal` from the viewport's origin, the area
    /// outside the session marked, and `status` over the bottom row.
    mutating func view(of screen: Screen, in terminal: Terminal, status: String?) -> [[ViewCell]] {
        let filler = marksOutside ? ViewCell.outside : .blank
        var result: [[ViewCell]] = []
        result.reserveCapacity(rows)
        for wy in 0..<rows {
            let sy = viewport.originY + wy
            guard sy < terminal.rows else {
                result.append([ViewCell](repeating: filler, count: columns))
                continue
            }
            var line = [ViewCell](repeating: filler, count: columns)
            screen.rows[sy].cells.withUnsafeBufferPointer { cells in
                let visible = min(columns, terminal.columns - viewport.originX)
                for wx in 0..<visible {
                    var cell = tables.viewCell(cells[viewport.originX + wx], in: terminal)
                    // Half a wide character, cut by an edge of the view, shows as a blank.
                    if (cell.width == 0 && wx == 0) || (cell.width == 2 && wx == columns - 1) {
                        cell = .blank(cell.look)
                    }
                    line[wx] = cell
                }
            }
            result.append(line)
        }
        if let status {
            var line = [ViewCell](repeating: .blank, count: columns)
            let reverse = Look(flags: CellAttributes.inverse)
            for (x, scalar) in status.unicodeScalars.prefix(max(columns - 1, 1)).enumerated() {
                line[x] = ViewCell(text: scalar.value, width: 1, look: reverse)
            }
            result[rows - 1] = line
        }
        return result
    }
}

/// `value` with a comma between each group of three digits, as the gap mark shows counts.
public func groupedThousands(_ value: UInt64) -> String {
    let digits = Array(String(value))
    var text = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { text.append(",") }
        text.append(digit)
    }
    return text
}

extension ScreenRenderer {
    /// The bytes that draw row `y` of `terminal`'s screen from column 0 of whatever row the
    /// cursor is on, starting from a reset pen and ending with the pen reset, without absolute
    /// moves: for a pass-through client erasing a status line it drew.
    public static func rowBytes(_ y: Int, of terminal: Terminal) -> [UInt8] {
        var renderer = ScreenRenderer(columns: terminal.columns, rows: 1)
        renderer.pen = .plain
        renderer.cursorX = 0
        renderer.cursorY = 0
        var tables = ViewTables()
        var target: [ViewCell] = []
        target.reserveCapacity(terminal.columns)
        for cell in terminal.screen.rows[y].cells { target.append(tables.viewCell(cell, in: terminal)) }
        renderer.tables = tables
        var out: [UInt8] = []
        renderer.drawRow(0, target, out: &out)
        if renderer.pen?.link ?? 0 != 0 { out.appendString("\u{1b}]8;;\u{1b}\\") }
        out.appendString("\u{1b}[0m")
        return out
    }

    /// The last row of the terminal's primary screen that shows something (-1: none), as the
    /// renderer last drew it: where a closing line goes after detaching.
    public var lastUsedPrimaryRow: Int {
        let primary = savedPrimary ?? shown
        for y in stride(from: primary.count - 1, through: 0, by: -1)
        where primary[y].contains(where: { !$0.isBlank || $0.look.background != .default }) {
            return y
        }
        return -1
    }
}
