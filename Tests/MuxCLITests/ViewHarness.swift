// What end-to-end view tests compare: the session's screen as `mux capture` reports it, and the
// screen of the terminal `mux attach` draws in, which must show it exactly: the same screen when
// the sizes match, a crop holding the cursor in a smaller window, the whole screen at the top-left
// with the rest marked `·` in a larger one.

import Foundation
import MuxPTY
import MuxTerminal

/// The session's screen from `mux capture --format json`.
struct SessionScreen {
    var lines: [String]
    var cursorX: Int
    var cursorY: Int
    var columns: Int
    var rows: Int

    init(_ server: TestServer, _ name: String) throws {
        let json = try server.capture(name)
        let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
        lines = document["lines"] as? [String] ?? []
        let cursor = document["cursor"] as? [String: Any] ?? [:]
        cursorX = cursor["x"] as? Int ?? -1
        cursorY = cursor["y"] as? Int ?? -1
        columns = document["cols"] as? Int ?? 0
        rows = document["rows"] as? Int ?? 0
    }

    /// Columns `from..<to` of row `y`, trailing blanks trimmed (the capture is ASCII in these tests).
    func text(row y: Int, from: Int, to: Int) -> String {
        let characters = Array(lines[y])
        guard from < characters.count else { return "" }
        return trimmed(String(characters[from..<min(to, characters.count)]))
    }
}

func trimmed(_ text: String) -> String {
    String(text.reversed().drop(while: { $0 == " " }).reversed())
}

extension AttachedClient {
    /// Resizes the client's terminal (the PTY, so the client gets SIGWINCH, and the stand-in
    /// emulator, as a terminal window does).
    func resize(columns: Int, rows: Int) throws {
        pump()
        try process.resize(to: TerminalSize(columns: UInt16(columns), rows: UInt16(rows)))
        terminal.resize(columns: columns, rows: rows)
    }

    /// Cells `from..<to` of row `y` of the client's terminal as text, trailing blanks trimmed.
    func text(row y: Int, from: Int, to: Int) -> String {
        let cells = terminal.terminal.screen.rows[y].cells
        return trimmed(terminal.terminal.text(of: Array(cells[from..<min(to, cells.count)])))
    }

    /// Why the client's terminal does not show `session` exactly; nil when it does.
    func viewMismatch(_ session: SessionScreen) -> String? {
        pump()
        let window = terminal.terminal
        let originX = session.cursorX - window.cursor.x
        let originY = session.cursorY - window.cursor.y
        let maxX = max(session.columns - window.columns, 0)
        let maxY = max(session.rows - window.rows, 0)
        guard (0...maxX).contains(originX), (0...maxY).contains(originY) else {
            return "the cursor (\(window.cursor.x),\(window.cursor.y)) is not where the session's "
                + "(\(session.cursorX),\(session.cursorY)) is in any crop"
        }
        for y in 0..<window.rows {
            let sy = originY + y
            if sy >= session.rows {
                let row = text(row: y, from: 0, to: window.columns)
                if row != String(repeating: "·", count: window.columns) { return "row \(y) is not marked: \(row)" }
                continue
            }
            let shown = text(row: y, from: 0, to: min(window.columns, session.columns - originX))
            let wanted = session.text(row: sy, from: originX, to: originX + window.columns)
            if shown != wanted { return "row \(y) shows \"\(shown)\", the session's row \(sy) \"\(wanted)\"" }
            if window.columns > session.columns {
                let outside = text(row: y, from: session.columns, to: window.columns)
                if outside != String(repeating: "·", count: window.columns - session.columns) {
                    return "row \(y) is not marked right of the session: \(outside)"
                }
            }
        }
        return nil
    }
}
