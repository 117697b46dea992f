// Helpers that read like the spec: build a terminal, feed it bytes written with ⎋ for ESC, and
// compare its screen with the lines expected.

import MuxTerminal
import Testing

/// `text` with every ⎋ turned into ESC, so that test inputs stay readable.
func esc(_ text: String) -> String {
    text.replacingOccurrences(of: "⎋", with: "\u{1b}")
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

/// A fresh emulator of the given size that has been fed `input` (with ⎋ for ESC).
func makeTerminal(_ columns: Int = 80, _ rows: Int = 24, scrollback: Int = 1000, feeding input: String = "") -> Emulator
{
    var emulator = Emulator(columns: columns, rows: rows, scrollbackLimit: scrollback)
    emulator.feed(esc(input))
    return emulator
}

/// Checks the visible rows, trailing empty rows omitted from `expected`.
func assertScreen(
    _ emulator: Emulator, _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation
) {
    var lines = emulator.terminal.visibleLines
    while let last = lines.last, last.isEmpty, lines.count > expected.count { lines.removeLast() }
    #expect(lines == expected, sourceLocation: sourceLocation)
}

/// Checks the cursor position (0-based column and row) and, optionally, the pending-wrap flag.
func assertCursor(
    _ emulator: Emulator, x: Int, y: Int, pendingWrap: Bool? = nil, sourceLocation: SourceLocation = #_sourceLocation
) {
    let cursor = emulator.terminal.cursor
    #expect([cursor.x, cursor.y] == [x, y], "cursor", sourceLocation: sourceLocation)
    if let pendingWrap {
        #expect(cursor.pendingWrap == pendingWrap, "pending wrap", sourceLocation: sourceLocation)
    }
}

extension Emulator {
    /// The cell at column `x`, row `y` of the visible screen, resolved.
    func cell(_ x: Int, _ y: Int) -> ResolvedCell {
        terminal.resolve(terminal.screen.rows[y].cells[x])
    }

    /// Replies queued for the program, as text, draining them.
    mutating func replies() -> String {
        String(decoding: takeEffects().replies, as: UTF8.self)
    }
}

/// A case for the table-driven screen tests: input at a size, and the screen and cursor after.
struct ScreenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var columns = 10
    var rows = 4
    var input: String
    var lines: [String]
    var cursor: (x: Int, y: Int)? = nil

    var testDescription: String { name }
}

func check(_ c: ScreenCase, sourceLocation: SourceLocation = #_sourceLocation) {
    let emulator = makeTerminal(c.columns, c.rows, feeding: c.input)
    assertScreen(emulator, c.lines, sourceLocation: sourceLocation)
    if let cursor = c.cursor {
        assertCursor(emulator, x: cursor.x, y: cursor.y, sourceLocation: sourceLocation)
    }
}
