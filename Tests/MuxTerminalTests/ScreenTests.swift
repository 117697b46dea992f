// Printing, cursor motion, editing and erasing: table-driven, one row per behaviour.

import MuxTerminal
import Testing

@Suite struct PrintingTests {
    static let cases: [ScreenCase] = [
        ScreenCase(name: "plain text", input: "hello", lines: ["hello"], cursor: (5, 0)),
        ScreenCase(name: "CR LF", input: "ab\r\ncd", lines: ["ab", "cd"], cursor: (2, 1)),
        ScreenCase(name: "LF keeps the column", input: "ab\ncd", lines: ["ab", "  cd"], cursor: (4, 1)),
        ScreenCase(name: "autowrap", input: "0123456789abc", lines: ["0123456789", "abc"], cursor: (3, 1)),
        ScreenCase(
            name: "pending wrap holds at the margin", input: "0123456789", lines: ["0123456789"], cursor: (9, 0)),
        ScreenCase(name: "CR cancels the pending wrap", input: "0123456789\rX", lines: ["X123456789"], cursor: (1, 0)),
        ScreenCase(
            name: "autowrap off overwrites the last column", input: "⎋[?7l0123456789abc", lines: ["012345678c"],
            cursor: (9, 0)),
        ScreenCase(name: "insert mode shifts right", input: "abcdef\r⎋[4hXY", lines: ["XYabcdef"], cursor: (2, 0)),
        ScreenCase(name: "insert mode pushes cells off the edge", input: "0123456789\r⎋[4hX", lines: ["X012345678"]),
        ScreenCase(name: "backspace", input: "abc\u{8}\u{8}X", lines: ["aXc"], cursor: (2, 0)),
        ScreenCase(name: "backspace at column 0 stays", input: "\u{8}X", lines: ["X"]),
        ScreenCase(
            name: "backspace from pending wrap", input: "0123456789\u{8}X", lines: ["01234567X9"], cursor: (9, 0)),
        ScreenCase(
            name: "tab stops every 8", columns: 20, input: "a\tb\tc", lines: ["a       b       c"], cursor: (17, 0)),
        ScreenCase(name: "tab stops at the last column", input: "a\t\t\tb", lines: ["a        b"]),
        ScreenCase(
            name: "tab keeps a pending wrap", input: "0123456789\tX", lines: ["0123456789", "X"], cursor: (1, 1)),
        ScreenCase(
            name: "HTS and TBC", columns: 20, input: "⎋[3g  ⎋H\r\tx\r⎋[2C⎋[g\r\ty", lines: ["  x                y"]),
        ScreenCase(name: "CHT and CBT", columns: 30, input: "⎋[2Ia⎋[2Zb", lines: ["        b       a"]),
        ScreenCase(name: "REP", input: "a⎋[3b", lines: ["aaaa"], cursor: (4, 0)),
        ScreenCase(name: "REP of a wide character", input: "中⎋[2b", lines: ["中中中"], cursor: (6, 0)),
        ScreenCase(name: "DEC special graphics", input: "⎋(0lqk⎋(Bx", lines: ["┌─┐x"]),
        ScreenCase(name: "SO and SI with G1", input: "⎋)0a\u{e}q\u{f}q", lines: ["a─q"]),
        ScreenCase(name: "single shift", input: "⎋*0⎋Nqq", lines: ["─q"]),
        ScreenCase(name: "UK charset", input: "⎋(A#⎋(B#", lines: ["£#"]),
        ScreenCase(name: "DECALN", rows: 2, input: "⎋#8", lines: ["EEEEEEEEEE", "EEEEEEEEEE"], cursor: (0, 0)),
        ScreenCase(name: "C1 code points print nothing", input: "a\u{9B}b", lines: ["ab"]),
    ]

    @Test(arguments: cases) func printing(_ c: ScreenCase) { check(c) }
}

@Suite struct CursorMotionTests {
    static let cases: [ScreenCase] = [
        ScreenCase(name: "CUP is 1-based", input: "⎋[2;3HX", lines: ["", "  X"], cursor: (3, 1)),
        ScreenCase(name: "CUP clamps", input: "⎋[99;99HX", lines: ["", "", "", "         X"], cursor: (9, 3)),
        ScreenCase(name: "CUP defaults to home", input: "abc⎋[HX", lines: ["Xbc"]),
        ScreenCase(name: "CUU CUD CUF CUB", input: "⎋[3;3H⎋[AX⎋[2BY⎋[3CZ⎋[10DW", lines: ["", "  X", "", "W  Y   Z"]),
        ScreenCase(name: "CNL and CPL", input: "ab⎋[2Ec⎋[Fd", lines: ["ab", "d", "c"]),
        ScreenCase(name: "CHA and HPA", input: "⎋[5GX⎋[2`Y", lines: [" Y  X"]),
        ScreenCase(name: "VPA", input: "ab⎋[3dX", lines: ["ab", "", "  X"]),
        ScreenCase(name: "HPR and VPR", input: "⎋[2aX⎋[2eY", lines: ["  X", "", "   Y"]),
        ScreenCase(name: "IND and NEL", input: "ab⎋Dc⎋Ed", lines: ["ab", "  c", "d"]),
        ScreenCase(name: "RI at the top scrolls down", input: "ab⎋Mc", lines: ["  c", "ab"]),
        ScreenCase(name: "LNM makes LF a newline", input: "⎋[20hab\ncd", lines: ["ab", "cd"]),
        ScreenCase(name: "CUU stops at the top margin", input: "⎋[2;4r⎋[3;1H⎋[9AX", lines: ["", "X"]),
        ScreenCase(name: "CUU above the region goes to the top", input: "⎋[3;4r⎋[2;1H⎋[9AX", lines: ["X"]),
        ScreenCase(
            name: "origin mode addresses the region", input: "⎋[2;3r⎋[?6h⎋[1;1HX⎋[9;1HY", lines: ["", "X", "Y"]),
        ScreenCase(name: "origin mode homes on set", input: "⎋[2;3rab⎋[?6hX", lines: ["ab", "X"]),
        ScreenCase(name: "DECSTBM homes the cursor", input: "abc⎋[2;3rX", lines: ["Xbc"]),
        ScreenCase(name: "invalid DECSTBM is ignored", input: "a⎋[3;2r⎋[4;1H\nX", lines: ["", "", "", "X"]),
        ScreenCase(name: "DECSC and DECRC", input: "ab⎋7⎋[3;3Hc⎋8d", lines: ["abd", "", "  c"]),
        ScreenCase(name: "SCOSC and SCORC", input: "ab⎋[s⎋[3;3Hc⎋[ud", lines: ["abd", "", "  c"]),
    ]

    @Test(arguments: cases) func motion(_ c: ScreenCase) { check(c) }

    @Test func savedCursorKeepsPenCharsetsOriginAndPendingWrap() {
        var emulator = makTerminalForSave()
        emulator.feed(esc("⎋[1;31m⎋(0⎋[2;3r⎋[?6h0123456789⎋7⎋[0m⎋(B⎋[?6l⎋[HX⎋8q"))
        // The restored pending wrap wraps the q, which prints as DEC graphics in red.
        #expect(emulator.cell(0, 2).scalars == ["─"])
        #expect(emulator.cell(0, 2).foreground == .palette(1))
        #expect(emulator.terminal.modes.origin)
    }

    private func makTerminalForSave() -> Emulator { makeTerminal(10, 4) }
}

@Suite struct EditingTests {
    static let cases: [ScreenCase] = [
        ScreenCase(name: "ICH", input: "abcdef⎋[1;3H⎋[2@", lines: ["ab  cdef"], cursor: (2, 0)),
        ScreenCase(name: "DCH", input: "abcdef⎋[1;3H⎋[2P", lines: ["abef"]),
        ScreenCase(name: "ECH", input: "abcdef⎋[1;2H⎋[3X", lines: ["a   ef"]),
        ScreenCase(name: "EL 0", input: "abcdef⎋[1;3H⎋[K", lines: ["ab"]),
        ScreenCase(name: "EL 1", input: "abcdef⎋[1;3H⎋[1K", lines: ["   def"]),
        ScreenCase(name: "EL 2", input: "abcdef⎋[2K", lines: [""]),
        ScreenCase(name: "ED 0", input: "ab\r\ncd\r\nef⎋[2;2H⎋[J", lines: ["ab", "c"]),
        ScreenCase(name: "ED 1", input: "ab\r\ncd\r\nef⎋[2;1H⎋[1J", lines: ["", " d", "ef"]),
        ScreenCase(name: "ED 2", input: "ab\r\ncd⎋[2J", lines: []),
        ScreenCase(name: "IL inside the region", input: "a\r\nb\r\nc\r\nd⎋[2;3r⎋[2;1H⎋[L", lines: ["a", "", "b", "d"]),
        ScreenCase(name: "DL inside the region", input: "a\r\nb\r\nc\r\nd⎋[2;3r⎋[2;1H⎋[M", lines: ["a", "c", "", "d"]),
        ScreenCase(name: "IL outside the region does nothing", input: "a\r\nb⎋[2;3r⎋[4;1H⎋[L", lines: ["a", "b"]),
        ScreenCase(name: "SU and SD", input: "a\r\nb\r\nc⎋[S", lines: ["b", "c"]),
        ScreenCase(name: "SD", input: "a\r\nb⎋[2T", lines: ["", "", "a", "b"]),
        ScreenCase(
            name: "scroll region scrolls alone", input: "a\r\nb\r\nc\r\nd⎋[2;3r⎋[3;1H\nx", lines: ["a", "c", "x", "d"]),
        ScreenCase(
            name: "LF below the region at the bottom stays", input: "⎋[1;2r⎋[4;1Hx\ny", lines: ["", "", "", "xy"]),
        ScreenCase(name: "RIS", input: "abc⎋[?7l⎋c", lines: [], cursor: (0, 0)),
    ]

    @Test(arguments: cases) func editing(_ c: ScreenCase) { check(c) }

    @Test func eraseUsesTheBackground() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[44m⎋[2J⎋[0mx")
        #expect(emulator.cell(5, 1).background == .palette(4))
        #expect(emulator.cell(5, 1).scalars.isEmpty)
        #expect(emulator.cell(0, 0).background == .default)
    }

    @Test func scrolledInLinesTakeTheBackground() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[41m\n\n\n")
        #expect(emulator.cell(3, 1).background == .palette(1))
    }

    @Test func softResetKeepsTheScreen() {
        let emulator = makeTerminal(10, 3, feeding: "⎋[?25l⎋[4h⎋[2;3r⎋[1mab⎋[!p")
        assertScreen(emulator, ["ab"])
        #expect(emulator.terminal.modes.cursorVisible)
        #expect(!emulator.terminal.modes.insert)
        #expect(emulator.terminal.scrollTop == 0 && emulator.terminal.scrollBottom == 2)
        #expect(emulator.terminal.cursor.pen == Cell.blank)
    }
}

/// Rows as a user sees them (`mux wait --match`): trailing blanks go, except on the cursor's row
/// up to the cursor.
@Suite struct DisplayedLinesTests {
    @Test func theCursorsRowKeepsItsBlanksUpToTheCursor() {
        let prompt = makeTerminal(20, 3, feeding: "out  \r\n$ ")
        #expect(prompt.terminal.displayedLines == ["out", "$ ", ""])
        #expect(prompt.terminal.visibleLines == ["out", "$", ""])
        // Moved right over nothing (CUF), the blanks passed count; those after the cursor do not.
        let moved = makeTerminal(20, 3, feeding: "ab   ⎋[3C⎋[1;3H")
        #expect(moved.terminal.displayedLines == ["ab", "", ""])
        let beyond = makeTerminal(20, 3, feeding: "ab⎋[3C")
        #expect(beyond.terminal.displayedLines == ["ab   ", "", ""])
    }

    @Test func aWideCharacterBeforeTheCursorCountsOnce() {
        let wide = makeTerminal(20, 2, feeding: "漢 ")
        #expect(wide.terminal.displayedLines == ["漢 ", ""])
        let blank = makeTerminal(20, 2, feeding: "⎋[2;5H")
        #expect(blank.terminal.displayedLines == ["", "    "])
    }
}
