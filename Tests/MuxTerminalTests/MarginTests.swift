// Left and right margins (DECLRMM ?69, DECSLRM `CSI Pl ; Pr s`) and what they bound, as xterm does
// it. Each expectation was checked from inside xterm 379 (Xvfb, default resources), reading the
// screen back with DECRQCRA one cell at a time and the cursor with CPR; the cases run on a 12x6
// terminal whose rows read "AAA012345678", "BBB012345678", ... with margins at columns 3 and 8.

import MuxTerminal
import Testing

/// Six full rows, "AAA012345678" to "FFF012345678".
let marginFill = (1...6).map { row in
    "⎋[\(row);1H" + String(repeating: String(UnicodeScalar(UInt8(64 + row))), count: 3) + "012345678"
}.joined()
/// The rows of `marginFill` with the first ones replaced by `first`.
func filled(_ first: String...) -> [String] {
    first
        + (1...6).map { String(repeating: String(UnicodeScalar(UInt8(64 + $0))), count: 3) + "012345678" }
        .dropFirst(first.count)
}
/// DECLRMM on, margins at columns 3 and 8.
let leftRight = "⎋[?69h⎋[3;8s"

@Suite struct MarginTests {
    static let cases: [ScreenCase] = [
        ScreenCase(
            name: "DECSLRM without DECLRMM is ignored", columns: 12, rows: 6, input: "⎋[3;8sX", lines: ["X"],
            cursor: (1, 0)),
        ScreenCase(
            name: "DECSLRM homes the cursor", columns: 12, rows: 6, input: marginFill + "⎋[4;4H" + leftRight + "X",
            lines: ["XAA012345678", "BBB012345678", "CCC012345678", "DDD012345678", "EEE012345678", "FFF012345678"],
            cursor: (1, 0)),
        ScreenCase(
            name: "CR goes to the left margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;6H\rX", lines: filled("AAA012345678", "BBX012345678"), cursor: (3, 1)),
        ScreenCase(
            name: "CR left of the left margin goes to the first column", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;2H\rX", lines: filled("AAA012345678", "XBB012345678"), cursor: (1, 1)),
        ScreenCase(
            name: "autowrap at the right margin goes on at the left margin", columns: 12, rows: 6,
            input: leftRight + "⎋[1;3HABCDEFGHIJ", lines: ["  ABCDEF", "  GHIJ"], cursor: (6, 1)),
        ScreenCase(
            name: "right of the right margin, printing wraps at the last column", columns: 12, rows: 6,
            input: leftRight + "⎋[1;10HABCDEFGHIJ", lines: ["         ABC", "  DEFGHI", "  J"], cursor: (3, 2)),
        ScreenCase(
            name: "CUF stops at the right margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4H⎋[20CX", lines: filled("AAA012345678", "BBB0123X5678"),
            cursor: (7, 1)),
        ScreenCase(
            name: "CUF right of the right margin stops at the last column", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;9H⎋[20CX", lines: filled("AAA012345678", "BBB01234567X"),
            cursor: (11, 1)),
        ScreenCase(
            name: "CUB stops at the left margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;6H⎋[20DX", lines: filled("AAA012345678", "BBX012345678"),
            cursor: (3, 1)),
        ScreenCase(
            name: "CUB left of the left margin stops at the first column", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;2H⎋[20DX", lines: filled("AAA012345678", "XBB012345678"),
            cursor: (1, 1)),
        ScreenCase(
            name: "origin mode addresses within both margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5r⎋[?6h⎋[1;1HX⎋[9;9HY",
            lines: filled("AAA012345678", "BBX012345678", "CCC012345678", "DDD012345678", "EEE0123Y5678"),
            cursor: (7, 4)),
        ScreenCase(
            name: "IL moves only the columns between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋[2L",
            lines: ["AAA012345678", "BB      5678", "CC      5678", "DDB012345678", "EEC012345678", "FFD012345678"],
            cursor: (2, 1)),
        ScreenCase(
            name: "IL outside the margins does nothing", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;2H⎋[2L",
            lines: ["AAA012345678", "BBB012345678", "CCC012345678", "DDD012345678", "EEE012345678", "FFF012345678"],
            cursor: (1, 1)),
        ScreenCase(
            name: "DL moves only the columns between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋[2M",
            lines: ["AAA012345678", "BBD012345678", "CCE012345678", "DDF012345678", "EE      5678", "FF      5678"],
            cursor: (2, 1)),
        ScreenCase(
            name: "ICH shifts up to the right margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋[2@", lines: filled("AAA012345678", "BBB0  125678"), cursor: (4, 1)),
        ScreenCase(
            name: "ICH right of the right margin does nothing", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;10H⎋[2@", lines: filled("AAA012345678", "BBB012345678"), cursor: (9, 1)
        ),
        ScreenCase(
            name: "DCH pulls in blanks at the right margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋[2P", lines: filled("AAA012345678", "BBB034  5678"), cursor: (4, 1)),
        ScreenCase(
            name: "ECH is not stopped by the right margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋[9X", lines: filled("AAA012345678", "BBB0"), cursor: (4, 1)),
        ScreenCase(
            name: "SU scrolls the columns between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[S",
            lines: ["AAA012345678", "BBC012345678", "CCD012345678", "DD      5678", "EEE012345678", "FFF012345678"],
            cursor: (0, 0)),
        ScreenCase(
            name: "SD scrolls the columns between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[T",
            lines: ["AAA012345678", "BB      5678", "CCB012345678", "DDC012345678", "EEE012345678", "FFF012345678"],
            cursor: (0, 0)),
        ScreenCase(
            name: "IND at the bottom margin scrolls between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[4;5H⎋D",
            lines: filled("AAA012345678", "BBC012345678", "CCD012345678", "DD      5678", "EEE012345678"),
            cursor: (4, 3)),
        ScreenCase(
            name: "IND at the bottom margin outside the margins does nothing", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[4;2H⎋D",
            lines: filled("AAA012345678", "BBB012345678", "CCC012345678", "DDD012345678"), cursor: (1, 3)),
        ScreenCase(
            name: "RI at the top margin scrolls between the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[2;5H⎋M",
            lines: filled("AAA012345678", "BB      5678", "CCB012345678", "DDC012345678"), cursor: (4, 1)),
        ScreenCase(
            name: "NEL returns to the left margin and scrolls", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[4;6H⎋EX",
            lines: filled("AAA012345678", "BBC012345678", "CCD012345678", "DDX     5678"), cursor: (3, 3)),
        ScreenCase(
            name: "DECBI at the left margin scrolls the margins right", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;3H⎋6X",
            lines: ["AA A01235678", "BBXB01235678", "CC C01235678", "DD D01235678", "EE E01235678", "FF F01235678"],
            cursor: (3, 1)),
        ScreenCase(
            name: "DECFI at the right margin scrolls the margins left", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;8H⎋9⎋9",
            lines: ["AA1234  5678", "BB1234  5678", "CC1234  5678", "DD1234  5678", "EE1234  5678", "FF1234  5678"],
            cursor: (7, 1)),
        ScreenCase(
            name: "DECFI inside the margins moves right", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;5H⎋9X", lines: filled("AAA012345678", "BBB01X345678"), cursor: (6, 1)),
        ScreenCase(
            name: "DECBI at the first column without margins scrolls the screen right", columns: 12, rows: 6,
            input: marginFill + "⎋[2;1H⎋6",
            lines: [" AAA01234567", " BBB01234567", " CCC01234567", " DDD01234567", " EEE01234567", " FFF01234567"],
            cursor: (0, 1)),
        ScreenCase(
            name: "DECIC inserts columns in the scroll region", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[3;5H⎋[2'}",
            lines: filled("AAA012345678", "BBB0  125678", "CCC0  125678", "DDD0  125678", "EEE012345678"),
            cursor: (4, 2)),
        ScreenCase(
            name: "DECDC deletes columns in the scroll region", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[3;5H⎋[2'~",
            lines: filled("AAA012345678", "BBB034  5678", "CCC034  5678", "DDD034  5678", "EEE012345678"),
            cursor: (4, 2)),
        ScreenCase(
            name: "DECIC outside the margins does nothing", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4r⎋[3;2H⎋[2'}",
            lines: filled("AAA012345678", "BBB012345678", "CCC012345678", "DDD012345678"), cursor: (1, 2)),
        ScreenCase(
            name: "SL scrolls the screen left", columns: 12, rows: 2, input: "ABC012345678\r\nDEF012345678⎋[2 @",
            lines: ["C012345678", "F012345678"]),
        ScreenCase(
            name: "SR scrolls the screen right", columns: 12, rows: 2, input: "ABC012345678\r\nDEF012345678⎋[2 A",
            lines: ["  ABC0123456", "  DEF0123456"]),
        ScreenCase(
            name: "SL within the margins", columns: 12, rows: 6, input: marginFill + leftRight + "⎋[2;4r⎋[3;5H⎋[2 @",
            lines: filled("AAA012345678", "BB1234  5678", "CC1234  5678", "DD1234  5678", "EEE012345678")),
        ScreenCase(
            name: "ED and EL ignore the margins", columns: 12, rows: 6, input: marginFill + leftRight + "⎋[3;5H⎋[J",
            lines: ["AAA012345678", "BBB012345678", "CCC0"]),
        ScreenCase(
            name: "a tab stops at the right margin", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[2;4H\t\tX",
            lines: filled("AAA012345678", "BBB0123X5678")),
        ScreenCase(
            name: "resetting DECLRMM resets the margins", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[?69l⎋[2;1H⎋[20CX", lines: filled("AAA012345678", "BBB01234567X")),
        ScreenCase(
            name: "without DECLRMM CSI s saves the cursor", columns: 12, rows: 6, input: "⎋[2;5H⎋[sX⎋[uY",
            lines: ["", "    Y"], cursor: (5, 1)),
    ]

    @Test(arguments: cases) func margins(_ c: ScreenCase) { check(c) }

    @Test func printingToTheRightMarginLeavesTheWrapPending() {
        let emulator = makeTerminal(12, 6, feeding: leftRight + "⎋[1;3HABCDEF")
        assertCursor(emulator, x: 7, y: 0, pendingWrap: true)
        #expect(!emulator.terminal.screen.rows[0].wrapped, "a wrap at a margin is not a soft wrap of the row")
    }

    @Test func cursorPositionReportIsRelativeToBothMarginsInOriginMode() {
        var emulator = makeTerminal(12, 6, feeding: leftRight + "⎋[2;5r⎋[?6h⎋[2;3H⎋[6n")
        #expect(emulator.replies() == esc("⎋[2;3R"))
        #expect(emulator.terminal.cursor.x == 4 && emulator.terminal.cursor.y == 2)
    }

    @Test func marginsAreReportedByDECRQSS() {
        var emulator = makeTerminal(80, 24, feeding: "⎋P$qs⎋\\" + "⎋[?69h⎋[5;20s⎋P$qs⎋\\")
        #expect(emulator.replies() == esc("⎋P1$r1;80s⎋\\⎋P1$r5;20s⎋\\"))
    }

    @Test func aResizeResetsTheMargins() {
        var emulator = makeTerminal(12, 6, feeding: leftRight)
        emulator.resize(columns: 20, rows: 6)
        #expect(emulator.terminal.leftMargin == 0 && emulator.terminal.rightMargin == 19)
    }
}
