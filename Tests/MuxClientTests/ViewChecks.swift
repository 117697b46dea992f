// Helpers for the renderer's tests: a session's emulator, a fresh emulator standing for the
// user's terminal, and a cell-by-cell comparison of what the terminal shows with the crop of the
// session it should show, computed here from the session's cells alone.

import MuxClient
import MuxTerminal
import MuxUnicode
import Testing

/// What a user sees in one cell: its text (a blank as a space), its shape and its look.
struct SeenCell: Equatable, CustomStringConvertible {
    var text: String
    var shape: String
    var foreground: Color
    var background: Color
    var flags: UInt32
    var underlineColor: Color
    var link: String

    init(_ cell: Cell, in terminal: Terminal, cut: Bool = false) {
        let scalars = terminal.scalars(of: cell)
        text = cut || cell.isSpacer || scalars.isEmpty ? " " : String(String.UnicodeScalarView(scalars))
        if !cut && !cell.isWide && !cell.isSpacer && !scalars.isEmpty && CharacterWidth.of(cluster: scalars) == 2 {
            // Printed in the session's last column, where it did not fit: a terminal with room
            // would print it wide, so the view shows its first scalar if narrow, else a blank.
            text = scalars.count > 1 && CharacterWidth.of(scalars[0]) == 1 ? String(Character(scalars[0])) : " "
        }
        shape = cut ? "" : cell.isWide ? "wide" : cell.isSpacer ? "spacer" : ""
        foreground = cell.foreground
        background = cell.background
        flags = cell.attributes.rawValue & 0xfff & ~(CellAttributes.wide | CellAttributes.spacer)
        let extras = terminal.extras(of: cell)
        underlineColor = extras.underlineColor
        link = terminal.hyperlink(extras.hyperlink)?.uri ?? ""
    }

    init(text: String, faint: Bool) {
        self.text = text
        shape = ""
        foreground = .default
        background = .default
        flags = faint ? CellAttributes.faint : 0
        underlineColor = .default
        link = ""
    }

    var description: String { "\"\(text)\"\(shape) fg \(foreground) bg \(background) flags \(flags) link \(link)" }
}

/// The differences between what `window` shows and the view of `session` from `origin`: the
/// session's cells where the window overlaps it (half a wide character cut by an edge as a
/// blank), a faint `·` outside it, and the cursor where the session has it.
func viewDifferences(window: Terminal, session: Terminal, originX: Int, originY: Int) -> [String] {
    var differences: [String] = []
    for wy in 0..<window.rows {
        for wx in 0..<window.columns {
            let seen = SeenCell(window.screen.rows[wy].cells[wx], in: window)
            let sx = originX + wx
            let sy = originY + wy
            let expected: SeenCell
            if sx < session.columns && sy < session.rows {
                let cell = session.screen.rows[sy].cells[sx]
                let cut = (cell.isSpacer && wx == 0) || (cell.isWide && wx == window.columns - 1)
                expected = SeenCell(cell, in: session, cut: cut)
            } else {
                expected = SeenCell(text: "·", faint: true)
            }
            if seen != expected { differences.append("(\(wx),\(wy)): shows \(seen), wanted \(expected)") }
            if differences.count > 5 { return differences }
        }
    }
    let x = session.cursor.x - originX
    let y = session.cursor.y - originY
    if x >= 0 && x < window.columns && y >= 0 && y < window.rows {
        if (window.cursor.x, window.cursor.y) != (x, y) {
            differences.append("cursor at (\(window.cursor.x),\(window.cursor.y)), wanted (\(x),\(y))")
        }
        if window.modes.cursorVisible != session.modes.cursorVisible { differences.append("cursor visibility") }
    } else if window.modes.cursorVisible {
        differences.append("the cursor shows outside the session's cursor")
    }
    if window.usingAlternateScreen != session.usingAlternateScreen { differences.append("alternate screen") }
    return differences
}

/// A session, a renderer for a window of another size and the fresh terminal standing for the
/// window: each `frame()` feeds what the renderer writes to the window's terminal.
struct RenderedView {
    var session: Emulator
    var renderer: ScreenRenderer
    var window: Emulator
    /// Bytes the renderer wrote, over all frames.
    var written = 0

    init(session columns: Int, _ rows: Int, window windowColumns: Int, _ windowRows: Int, scrollback: Int = 1000) {
        session = Emulator(columns: columns, rows: rows, scrollbackLimit: scrollback)
        renderer = ScreenRenderer(columns: windowColumns, rows: windowRows)
        window = Emulator(columns: windowColumns, rows: windowRows, scrollbackLimit: scrollback)
    }

    mutating func feed(_ text: String) { session.feed(text) }
    mutating func feed(_ bytes: [UInt8]) { session.feed(bytes) }

    @discardableResult
    mutating func frame(status: String? = nil) -> [UInt8] {
        let bytes = renderer.frame(session.terminal, status: status)
        written += bytes.count
        window.feed(bytes)
        _ = window.takeEffects()
        return bytes
    }

    var differences: [String] {
        viewDifferences(
            window: window.terminal, session: session.terminal, originX: renderer.viewport.originX,
            originY: renderer.viewport.originY)
    }

    /// The window's history as text, oldest first.
    var windowHistory: [String] { window.terminal.historyLines }
}
