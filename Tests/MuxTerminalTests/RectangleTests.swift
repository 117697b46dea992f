// VT420 rectangles (DECCRA, DECERA, DECFRA, DECSERA, DECCARA, DECRARA, DECSACE) and protection
// (DECSCA with DECSED/DECSEL, SPA/EPA with ED/EL/ECH), as xterm applies them. The screen results
// were checked from inside xterm 379 with DECRQCRA; the rows read "AAA012345678", ... as in
// MarginTests.

import MuxTerminal
import Testing

/// "ab", protected "cd", "ef"; then protected "ghij", "kl" (DECSCA).
let decProtected = "⎋[1;1Hab⎋[1\"qcd⎋[0\"qef⎋[2;1H⎋[1\"qghij⎋[0\"qkl"
/// The same with SPA/EPA (ISO 6429 protected areas).
let isoProtected = "⎋[1;1Hab⎋Vcd⎋Wef⎋[2;1H⎋Vghij⎋Wkl"

@Suite struct ProtectionTests {
    static let cases: [ScreenCase] = [
        ScreenCase(
            name: "DECSEL keeps DEC-protected cells", columns: 12, rows: 3, input: decProtected + "⎋[1;1H⎋[?2K",
            lines: ["  cd", "ghijkl"]),
        ScreenCase(
            name: "DECSED keeps DEC-protected cells", columns: 12, rows: 3, input: decProtected + "⎋[1;1H⎋[?2J",
            lines: ["  cd", "ghij"]),
        ScreenCase(
            name: "EL ignores DEC protection", columns: 12, rows: 3, input: decProtected + "⎋[1;1H⎋[2K",
            lines: ["", "ghijkl"]),
        ScreenCase(
            name: "ED ignores DEC protection", columns: 12, rows: 3, input: decProtected + "⎋[1;1H⎋[2J", lines: []),
        ScreenCase(
            name: "ECH ignores DEC protection", columns: 12, rows: 3, input: decProtected + "⎋[1;1H⎋[6X",
            lines: ["", "ghijkl"]),
        ScreenCase(
            name: "DECSERA keeps DEC-protected cells", columns: 12, rows: 3, input: decProtected + "⎋[1;1;2;12${",
            lines: ["  cd", "ghij"]),
        ScreenCase(
            name: "DECERA erases protected cells too", columns: 12, rows: 3, input: decProtected + "⎋[1;1;2;12$z",
            lines: []),
        ScreenCase(
            name: "EL keeps ISO-protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1H⎋[2K",
            lines: ["  cd", "ghijkl"]),
        ScreenCase(
            name: "ED keeps ISO-protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1H⎋[2J",
            lines: ["  cd", "ghij"]),
        ScreenCase(
            name: "ECH skips ISO-protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1H⎋[6X",
            lines: ["  cd", "ghijkl"]),
        ScreenCase(
            name: "DECSEL keeps ISO-protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1H⎋[?2K",
            lines: ["  cd", "ghijkl"]),
        ScreenCase(
            name: "DECSERA erases ISO-protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1;2;12${",
            lines: []),
        ScreenCase(
            name: "DCH moves protected cells", columns: 12, rows: 3, input: isoProtected + "⎋[1;1H⎋[P",
            lines: ["bcdef", "ghijkl"]),
        ScreenCase(
            name: "DECSCA after SPA makes protection DEC's again", columns: 12, rows: 3,
            input: isoProtected + "⎋[0\"q⎋[1;1H⎋[2K", lines: ["", "ghijkl"]),
        ScreenCase(
            name: "SPA after DECSCA makes protection ISO's", columns: 12, rows: 3,
            input: decProtected + "⎋V⎋W⎋[1;1H⎋[2K", lines: ["  cd", "ghijkl"]),
    ]

    @Test(arguments: cases) func protection(_ c: ScreenCase) { check(c) }

    @Test func sgrResetKeepsProtection() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[1\"q⎋[1m⎋[0ma⎋[?2K")
        assertScreen(emulator, ["a"])
    }

    @Test func decscaIsReportedByDECRQSS() {
        var emulator = makeTerminal(80, 24, feeding: "⎋P$q\"q⎋\\⎋[1\"q⎋P$q\"q⎋\\")
        #expect(emulator.replies() == esc("⎋P1$r0\"q⎋\\⎋P1$r1\"q⎋\\"))
    }

    @Test func softResetUnprotects() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[1\"q⎋[!pa⎋[?2K")
        assertScreen(emulator, [])
    }
}

@Suite struct RectangleTests {
    static let cases: [ScreenCase] = [
        ScreenCase(
            name: "DECCRA copies a rectangle", columns: 12, rows: 6, input: marginFill + "⎋[1;1;2;3;1;4;5;1$v",
            lines: ["AAA012345678", "BBB012345678", "CCC012345678", "DDD0AAA45678", "EEE0BBB45678", "FFF012345678"]),
        ScreenCase(
            name: "DECCRA copies an overlapping rectangle as if through a buffer", columns: 12, rows: 6,
            input: marginFill + "⎋[1;1;3;6;1;2;2;1$v",
            lines: ["AAA012345678", "BAAA01245678", "CBBB01245678", "DCCC01245678", "EEE012345678", "FFF012345678"]),
        ScreenCase(
            name: "DECCRA drops what falls off the screen", columns: 12, rows: 6,
            input: marginFill + "⎋[1;1;2;12;1;5;8;1$v",
            lines: ["AAA012345678", "BBB012345678", "CCC012345678", "DDD012345678", "EEE0123AAA01", "FFF0123BBB01"]),
        ScreenCase(
            name: "DECERA erases a rectangle", columns: 12, rows: 6, input: marginFill + "⎋[2;2;4;5$z",
            lines: ["AAA012345678", "B    2345678", "C    2345678", "D    2345678", "EEE012345678", "FFF012345678"]),
        ScreenCase(
            name: "DECFRA fills a rectangle", columns: 12, rows: 6, input: marginFill + "⎋[35;2;2;4;5$x",
            lines: ["AAA012345678", "B####2345678", "C####2345678", "D####2345678", "EEE012345678", "FFF012345678"]),
        ScreenCase(
            name: "DECFRA with a control character does nothing", columns: 12, rows: 2,
            input: "AAA012345678\r\nBBB012345678⎋[10;1;1;2;3$x", lines: ["AAA012345678", "BBB012345678"]),
        ScreenCase(
            name: "DECFRA with a Latin-1 character", columns: 12, rows: 2, input: "AAA012345678⎋[255;1;2;1;3$x",
            lines: ["Aÿÿ012345678"]),
        ScreenCase(
            name: "DECFRA goes through the character set in GL", columns: 6, rows: 1, input: "⎋(0⎋[113;1;1;1;3$x",
            lines: ["───"]),
        ScreenCase(
            name: "rectangles are relative to the scroll region in origin mode", columns: 12, rows: 6,
            input: marginFill + "⎋[2;5r⎋[?6h⎋[1;1;1;1$z⎋[?6l", lines: filled("AAA012345678", " BB012345678")),
        ScreenCase(
            name: "rectangles are relative to the left margin in origin mode", columns: 12, rows: 6,
            input: marginFill + leftRight + "⎋[?6h⎋[1;1;2;2$z⎋[?6l", lines: filled("AA  12345678", "BB  12345678")),
        ScreenCase(
            name: "DECERA over half a wide character erases all of it", columns: 6, rows: 1, input: "中文⎋[1;2;1;2$z",
            lines: ["  文"]),
    ]

    @Test(arguments: cases) func rectangles(_ c: ScreenCase) { check(c) }

    @Test func decfraUsesThePen() {
        let emulator = makeTerminal(12, 2, feeding: "⎋[1;31m⎋[120;1;1;1;2$x⎋[0m")
        #expect(emulator.cell(0, 0).scalars == ["x"])
        #expect(emulator.cell(1, 0).foreground == .palette(1))
        #expect(emulator.cell(1, 0).attributes & CellAttributes.bold != 0)
    }

    @Test func deccaraActsOnAStreamUnlessDECSACESaysRectangle() {
        // Stream (the default): from row 1 column 3 to the end of the row, then row 2 up to column 2.
        let stream = makeTerminal(6, 3, feeding: "⎋[1;3;2;2;1$r")
        #expect(stream.cell(5, 0).attributes & CellAttributes.bold != 0)
        #expect(stream.cell(0, 1).attributes & CellAttributes.bold != 0)
        #expect(stream.cell(2, 1).attributes & CellAttributes.bold == 0)
        #expect(stream.cell(1, 0).attributes & CellAttributes.bold == 0)
        // Rectangle: only columns 2 and 3 of rows 1 and 2.
        let rectangle = makeTerminal(6, 3, feeding: "⎋[2*x⎋[1;2;2;3;1;4$r")
        #expect(rectangle.cell(1, 1).attributes & CellAttributes.bold != 0)
        #expect(CellAttributes(rawValue: rectangle.cell(2, 0).attributes).underline == .single)
        #expect(rectangle.cell(3, 0).attributes & CellAttributes.bold == 0)
        #expect(rectangle.cell(0, 1).attributes & CellAttributes.bold == 0)
    }

    @Test func deccaraClearsAndDecraraReverses() {
        var emulator = makeTerminal(6, 2, feeding: "⎋[2*x⎋[1;7mabc⎋[0m⎋[1;1;1;3;0$r")
        #expect(emulator.cell(0, 0).attributes & (CellAttributes.bold | CellAttributes.inverse) == 0)
        emulator.feed(esc("⎋[1;1;1;2;7$t"))
        #expect(emulator.cell(0, 0).attributes & CellAttributes.inverse != 0)
        #expect(emulator.cell(2, 0).attributes & CellAttributes.inverse == 0)
        emulator.feed(esc("⎋[1;1;1;1;7$t"))
        #expect(emulator.cell(0, 0).attributes & CellAttributes.inverse == 0)
    }
}
