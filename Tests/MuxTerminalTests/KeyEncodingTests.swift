// `mux send --key`: names become the bytes a terminal would send in the program's current modes.

import MuxTerminal
import Testing

@Suite struct KeyEncodingTests {
    @Test(arguments: [
        ("Enter", "\r"), ("Tab", "\t"), ("BTab", "⎋[Z"), ("Escape", "⎋"), ("BSpace", "\u{7f}"), ("Space", " "),
        ("C-c", "\u{3}"), ("C-a", "\u{1}"), ("C-[", "⎋"), ("C-@", "\u{0}"), ("C-Space", "\u{0}"), ("C-?", "\u{7f}"),
        ("M-x", "⎋x"), ("M-C-c", "⎋\u{3}"), ("Up", "⎋[A"), ("left", "⎋[D"), ("Home", "⎋[H"), ("End", "⎋[F"),
        ("PageUp", "⎋[5~"), ("Delete", "⎋[3~"), ("F1", "⎋OP"), ("F5", "⎋[15~"), ("F12", "⎋[24~"),
    ])
    func keysInNormalModes(name: String, expected: String) {
        let emulator = makeTerminal()
        #expect(emulator.terminal.keyBytes(named: name) == Array(esc(expected).utf8))
    }

    @Test func cursorKeysFollowApplicationMode() {
        let emulator = makeTerminal(feeding: "⎋[?1h")
        #expect(emulator.terminal.keyBytes(named: "Up") == Array(esc("⎋OA").utf8))
        #expect(emulator.terminal.keyBytes(named: "Home") == Array(esc("⎋OH").utf8))
    }

    @Test func enterFollowsNewlineMode() {
        let emulator = makeTerminal(feeding: "⎋[20h")
        #expect(emulator.terminal.keyBytes(named: "Enter") == [0x0d, 0x0a])
    }

    @Test(arguments: ["", "F13", "C-", "C-ab", "Hyper-x", "C-é"])
    func unknownNamesAreNil(name: String) {
        #expect(makeTerminal().terminal.keyBytes(named: name) == nil)
    }
}
