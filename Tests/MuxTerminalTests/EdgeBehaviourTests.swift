// xterm's behaviour at the edges: REP, VPR, a pending wrap under CBT, BS and HT, DECALN, reverse
// wraparound, DECCOLM and the more(1) fix. Checked from inside xterm 379 unless a comment names
// the newer behaviour followed (issue 17: where recent xterm changed, follow the recent one).

import MuxTerminal
import Testing

@Suite struct EdgeBehaviourTests {
    static let cases: [ScreenCase] = [
        ScreenCase(name: "REP repeats the character just printed", input: "a⎋[3b", lines: ["aaaa"], cursor: (4, 0)),
        ScreenCase(name: "REP after CR repeats nothing", input: "a\r⎋[3b", lines: ["a"], cursor: (0, 0)),
        ScreenCase(name: "REP after SGR repeats nothing", input: "a⎋[1m⎋[3b", lines: ["a"], cursor: (1, 0)),
        ScreenCase(name: "REP after a cursor move repeats nothing", input: "a⎋[2;1H⎋[3b", lines: ["a"], cursor: (0, 1)),
        ScreenCase(name: "REP after BEL repeats nothing", input: "a\u{7}⎋[2b", lines: ["a"], cursor: (1, 0)),
        ScreenCase(name: "REP after a string repeats nothing", input: "a⎋]2;x\u{7}⎋[2b", lines: ["a"], cursor: (1, 0)),
        ScreenCase(name: "REP after REP repeats nothing", input: "a⎋[2b⎋[2b", lines: ["aaa"], cursor: (3, 0)),
        ScreenCase(name: "REP repeats a wide character", input: "中⎋[2b", lines: ["中中中"], cursor: (6, 0)),
        ScreenCase(
            name: "VPR is not stopped by the bottom margin", rows: 8, input: "⎋[1;3r⎋[2;1H⎋[5eX",
            lines: ["", "", "", "", "", "", "X"], cursor: (1, 6)),
        ScreenCase(
            name: "CUD is stopped by the bottom margin", rows: 8, input: "⎋[1;3r⎋[2;1H⎋[5BX", lines: ["", "", "X"],
            cursor: (1, 2)),
        ScreenCase(
            name: "CBT keeps a pending wrap", input: "0123456789⎋[ZX", lines: ["0123456789", "X"], cursor: (1, 1)),
        ScreenCase(
            name: "BS clears a pending wrap", input: "0123456789\u{8}X", lines: ["01234567X9"], cursor: (9, 0)),
        ScreenCase(
            name: "HT keeps a pending wrap", input: "0123456789\tX", lines: ["0123456789", "X"], cursor: (1, 1)),
        ScreenCase(
            name: "SGR keeps a pending wrap", input: "0123456789⎋[1mX", lines: ["0123456789", "X"], cursor: (1, 1)),
        ScreenCase(
            name: "the more(1) fix wraps before a tab", input: "⎋[?41h0123456789\tX",
            lines: ["0123456789", "        X"],
            cursor: (9, 1)),
        ScreenCase(
            name: "reverse wraparound goes back into a soft-wrapped row", input: "⎋[?45h0123456789ab\u{8}\u{8}\u{8}X",
            lines: ["012345678X", "ab"], cursor: (9, 0)),
        ScreenCase(
            // Recent xterm (and ghostty after it) stop at a row that was not soft-wrapped; xterm 379
            // still went back. Issue 17 asks for the recent behaviour.
            name: "reverse wraparound stops at a row that ended in a newline", input: "⎋[?45hab\r\n\u{8}\u{8}X",
            lines: ["ab", "X"], cursor: (1, 1)),
        ScreenCase(
            name: "reverse wraparound needs autowrap", input: "⎋[?45h⎋[?7l0123456789ab\r⎋[3DX",
            lines: ["X12345678b"], cursor: (1, 0)),
        ScreenCase(
            name: "reverse wraparound stops at the top", input: "⎋[?45h\u{8}\u{8}X", lines: ["X"], cursor: (1, 0)),
        ScreenCase(
            name: "CUB wraps back too", input: "⎋[?45h0123456789ab\r⎋[2DX", lines: ["01234567X9", "ab"],
            cursor: (9, 0)),
        ScreenCase(
            name: "extended reverse wraparound goes back into any row", input: "⎋[?1045hab\r\n\u{8}\u{8}X",
            lines: ["ab      X"], cursor: (9, 0)),
        ScreenCase(
            name: "extended reverse wraparound goes from the top to the bottom", rows: 3, input: "⎋[?1045h\u{8}\u{8}X",
            lines: ["", "", "        X"], cursor: (9, 2)),
        ScreenCase(
            name: "a pending wrap takes one step of reverse wraparound", input: "⎋[?45h0123456789\u{8}X",
            lines: ["012345678X"], cursor: (9, 0)),
        ScreenCase(
            name: "DECCOLM without mode 40 is ignored", input: "abc⎋[?3h", lines: ["abc"], cursor: (3, 0)),
        ScreenCase(
            name: "DECCOLM with mode 40 clears and homes", input: "abc⎋[2;2H⎋[?40h⎋[?3h", lines: [], cursor: (0, 0)),
    ]

    @Test(arguments: cases) func edges(_ c: ScreenCase) { check(c) }

    @Test func decalnResetsTheMarginsAndTheRendition() {
        var emulator = makeTerminal(10, 4, feeding: "⎋[31;1m⎋[2;3r⎋[?69h⎋[2;5s⎋[3;3H⎋#8⎋P$qm⎋\\⎋P$qr⎋\\⎋P$qs⎋\\")
        #expect(emulator.replies() == esc("⎋P1$r0m⎋\\⎋P1$r1;4r⎋\\⎋P1$r1;10s⎋\\"))
        assertCursor(emulator, x: 0, y: 0, pendingWrap: false)
        assertScreen(emulator, ["EEEEEEEEEE", "EEEEEEEEEE", "EEEEEEEEEE", "EEEEEEEEEE"])
        #expect(emulator.cell(0, 0).foreground == .default)
    }

    @Test func deccolmReportsItsModeButKeepsTheSessionsWidth() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[3;10r⎋[?40h⎋[?3h⎋[?3$p⎋[18t⎋P$qr⎋\\")
        #expect(emulator.replies() == esc("⎋[?3;1$y⎋[8;24;80t⎋P1$r1;24r⎋\\"))
    }

    @Test func cbtWithAPendingWrapLeavesTheCursorAtTheStop() {
        var emulator = makeTerminal(20, 2, feeding: "01234567890123456789⎋[Z⎋[6n")
        #expect(emulator.replies() == esc("⎋[1;17R"))
        #expect(emulator.terminal.cursor.pendingWrap)
    }
}
