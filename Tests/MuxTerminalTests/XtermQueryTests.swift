// What a program that tests its terminal from inside gets back: DECRQCRA checksums, DECRQM,
// DECDSR, DECRQSS, DA and the window reports. Every expected reply below was read from xterm 379
// (Debian's, default resources, under Xvfb, window operations allowed) with the same input on an
// 80x24 screen, unless a comment says why mux answers otherwise.

import MuxTerminal
import Testing

/// `CSI Pi ; 1 ; Pt ; Pl ; Pb ; Pr * y`, 1-based and inclusive.
func checksumQuery(_ top: Int, _ left: Int, _ bottom: Int, _ right: Int, id: Int = 1) -> String {
    "⎋[\(id);1;\(top);\(left);\(bottom);\(right)*y"
}

@Suite struct ChecksumTests {
    @Test(arguments: [
        ("a never-written cell counts as a space", "", checksumQuery(1, 1, 1, 1), "FFE0"),
        ("one letter", "A", checksumQuery(1, 1, 1, 1), "FFBF"),
        ("the blanks after the text are trimmed", "A", checksumQuery(1, 1, 1, 80), "FFBF"),
        ("a blank screen counts one space", "", "⎋[1;1*y", "FFE0"),
        ("two letters", "AB", checksumQuery(1, 1, 1, 2), "FF7D"),
        ("an untouched cell between letters counts nothing", "A⎋[CB", checksumQuery(1, 1, 1, 3), "FF7D"),
        ("a printed space counts", "A B", checksumQuery(1, 1, 1, 3), "FF5D"),
        ("a printed space at the end counts", "A ", checksumQuery(1, 1, 1, 2), "FF9F"),
        ("bold adds 0x80", "⎋[1mA", checksumQuery(1, 1, 1, 1), "FF3F"),
        ("underline adds 0x10", "⎋[4mA", checksumQuery(1, 1, 1, 1), "FFAF"),
        ("inverse adds 0x20", "⎋[7mA", checksumQuery(1, 1, 1, 1), "FF9F"),
        ("blink adds 0x40", "⎋[5mA", checksumQuery(1, 1, 1, 1), "FF7F"),
        ("invisible text counts as a space", "⎋[8mA", checksumQuery(1, 1, 1, 1), "FFE0"),
        ("colours count nothing", "⎋[31;41mA", checksumQuery(1, 1, 1, 1), "FFBF"),
        ("erased cells with a background count as spaces", "⎋[41m⎋[K", checksumQuery(1, 1, 1, 80), "F600"),
        ("protection counts nothing", "⎋[1\"qA", checksumQuery(1, 1, 1, 1), "FFBF"),
        ("Latin-1", "é", checksumQuery(1, 1, 1, 1), "FF17"),
        ("a wide character counts its low byte and 0xFF for its right half", "中", checksumQuery(1, 1, 1, 2), "FED4"),
        ("the left half alone", "中", checksumQuery(1, 1, 1, 1), "FFD3"),
        ("a rectangle starting at the right half counts the character whole", "中", checksumQuery(1, 2, 1, 2), "FED4"),
        ("line drawing counts its low byte", "⎋(0q⎋(B", checksumQuery(1, 1, 1, 1), "0000"),
        ("two rows", "A\r\nB", checksumQuery(1, 1, 2, 1), "FF7D"),
        ("trimming spans rows", "A\r\n B", checksumQuery(1, 1, 2, 2), "FF5D"),
        ("in origin mode the rectangle is relative to the margins", "⎋[2;3r⎋[?6hA", checksumQuery(1, 1, 1, 1), "FFBF"),
        ("an empty rectangle", "A", checksumQuery(2, 1, 1, 1), "0000"),
        ("a rectangle past the screen is clipped", "A", checksumQuery(1, 1, 999, 999), "FFBF"),
        ("an erased cell", "A⎋[1;1H⎋[X", checksumQuery(1, 1, 1, 1), "FFE0"),
        ("DECALN's E", "⎋#8", checksumQuery(1, 1, 1, 1), "FFBB"),
    ])
    func checksum(_ name: String, _ setup: String, _ query: String, _ expected: String) {
        var emulator = makeTerminal(80, 24, feeding: setup)
        _ = emulator.replies()
        emulator.feed(esc(query))
        #expect(emulator.replies() == esc("⎋P1!~\(expected)⎋\\"), "\(name)")
    }

    @Test func theIdIsEchoed() {
        var emulator = makeTerminal(80, 24, feeding: "A" + checksumQuery(1, 1, 1, 1, id: 7))
        #expect(emulator.replies() == esc("⎋P7!~FFBF⎋\\"))
    }

    /// XTCHECKSUM 31 (positive, no attributes, no trimming, drawn or not, the whole character)
    /// makes one cell's checksum its code point: how a test can read the screen back exactly.
    @Test func xtchecksumReadsCodePoints() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[1m中a⎋[31#y")
        emulator.feed(esc(checksumQuery(1, 1, 1, 1) + checksumQuery(1, 2, 1, 2) + checksumQuery(1, 3, 1, 3)))
        emulator.feed(esc(checksumQuery(1, 4, 1, 4)))
        #expect(emulator.replies() == esc("⎋P1!~4E2D⎋\\⎋P1!~FFFF⎋\\⎋P1!~0061⎋\\⎋P1!~0000⎋\\"))
    }
}

@Suite struct ModeReportTests {
    /// xterm's answers at power-on: set, reset, and the permanent ones.
    @Test(arguments: [
        (1, 2), (2, 1), (3, 2), (4, 2), (5, 2), (6, 2), (7, 1), (8, 4), (9, 2), (10, 0), (12, 2), (14, 3), (25, 1),
        (35, 1), (38, 2), (40, 2), (41, 2), (42, 2), (44, 2), (45, 2), (46, 4), (47, 2), (66, 2), (67, 2), (69, 2),
        (80, 2), (1000, 2), (1001, 2), (1002, 2), (1003, 2), (1004, 2), (1005, 2), (1006, 2), (1007, 2), (1010, 1),
        (1015, 2), (1016, 2), (1034, 1), (1035, 1), (1040, 1), (1047, 2), (1048, 1), (1049, 2), (1070, 1),
        (2004, 2), (8452, 2), (9999, 0),
    ])
    func privateModeAtPowerOn(mode: Int, state: Int) {
        var emulator = makeTerminal(80, 24, feeding: "⎋[?\(mode)$p")
        #expect(emulator.replies() == esc("⎋[?\(mode);\(state)$y"))
    }

    @Test(arguments: [(1, 4), (2, 2), (3, 2), (4, 2), (5, 4), (12, 1), (13, 4), (20, 2), (21, 0)])
    func ansiModeAtPowerOn(mode: Int, state: Int) {
        var emulator = makeTerminal(80, 24, feeding: "⎋[\(mode)$p")
        #expect(emulator.replies() == esc("⎋[\(mode);\(state)$y"))
    }

    @Test(arguments: [45, 1045, 69, 41, 40, 1034, 1010, 2005])
    func settableModesReportWhatWasSet(mode: Int) {
        var emulator = makeTerminal(80, 24, feeding: "⎋[?\(mode)h⎋[?\(mode)$p⎋[?\(mode)l⎋[?\(mode)$p")
        #expect(emulator.replies() == esc("⎋[?\(mode);1$y⎋[?\(mode);2$y"))
    }

    @Test func permanentModesDoNotChange() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[?8h⎋[?8$p⎋[?2l⎋[?2$p")
        #expect(emulator.replies() == esc("⎋[?8;4$y⎋[?2;1$y"))
    }

    @Test func xtsaveAndXtrestore() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[?1h⎋[?1s⎋[?1l⎋[?1$p⎋[?1r⎋[?1$p")
        #expect(emulator.replies() == esc("⎋[?1;2$y⎋[?1;1$y"))
    }

    @Test func xtsaveKeepsTheScreenAndDECSTRResetsDECLRMM() {
        var emulator = makeTerminal(
            80, 24, feeding: "⎋[?1049s⎋[?1049h⎋[?1049r⎋[?1049$p⎋[?69h⎋[3;8s⎋[!p⎋[?69$p⎋P$qs⎋\\")
        #expect(emulator.replies() == esc("⎋[?1049;2$y⎋[?69;2$y⎋P1$r1;80s⎋\\"))
    }

    @Test func xtrestoreOfAnUnsavedModeChangesNothing() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[?7l⎋[?7r⎋[?7$p")
        #expect(emulator.replies() == esc("⎋[?7;2$y"))
    }
}

@Suite struct StatusReportTests {
    @Test(arguments: [
        ("⎋[?15n", "⎋[?13n"), ("⎋[?25n", "⎋[?20n"), ("⎋[?26n", "⎋[?27;1;0;0n"), ("⎋[?62n", "⎋[0000*{"),
        ("⎋[?63;5n", "⎋P5!~0000⎋\\"), ("⎋[?75n", "⎋[?70n"), ("⎋[?85n", "⎋[?83n"), ("⎋[?6n", "⎋[?1;1;1R"),
        // xterm answers "locator available" (?53n, ?57;0n); mux has no DEC locator and says so.
        ("⎋[?53n", "⎋[?50n"), ("⎋[?55n", "⎋[?50n"), ("⎋[?56n", "⎋[?57;0n"),
    ])
    func decDeviceStatus(query: String, expected: String) {
        var emulator = makeTerminal(80, 24, feeding: query)
        #expect(emulator.replies() == esc(expected))
    }

    @Test(arguments: [
        ("⎋P$q\"p⎋\\", "⎋P1$r64;1\"p⎋\\"), ("⎋[62;1\"p⎋P$q\"p⎋\\", "⎋P1$r62;1\"p⎋\\"),
        ("⎋P$q\"q⎋\\", "⎋P1$r0\"q⎋\\"), ("⎋P$qs⎋\\", "⎋P1$r1;80s⎋\\"), ("⎋P$q*|⎋\\", "⎋P1$r24*|⎋\\"),
        ("⎋P$q q⎋\\", "⎋P1$r2 q⎋\\"), ("⎋[5 q⎋P$q q⎋\\", "⎋P1$r5 q⎋\\"), ("⎋P$qr⎋\\", "⎋P1$r1;24r⎋\\"),
        ("⎋P$qm⎋\\", "⎋P1$r0m⎋\\"), ("⎋P$qt⎋\\", "⎋P1$r24t⎋\\"), ("⎋P$q$|⎋\\", "⎋P1$r80$|⎋\\"),
        ("⎋P$q*x⎋\\", "⎋P0$r⎋\\"), ("⎋[38;2;1;2;3;48:2::4:5:6m⎋P$qm⎋\\", "⎋P1$r0;38:2::1:2:3;48:2::4:5:6m⎋\\"),
        ("⎋[38;5;100;48;5;200;2;21m⎋P$qm⎋\\", "⎋P1$r0;2;21;38:5:100;48:5:200m⎋\\"),
    ])
    func decrqss(query: String, expected: String) {
        var emulator = makeTerminal(80, 24, feeding: query)
        #expect(emulator.replies() == esc(expected))
    }

    @Test func attributesAndIdentification() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[c⎋Z⎋[>c")
        // xterm says ?64;1;2;6;9;15;16;17;18;21;22;28: mux drops what it lacks (132 columns, a
        // printer, national sets, technical characters, a locator, user windows).
        #expect(emulator.replies() == esc("⎋[?64;6;17;21;22;28c⎋[?64;6;17;21;22;28c⎋[>41;379;0c"))
    }

    @Test func windowReports() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.cellWidth = 6
        emulator.environment.cellHeight = 13
        emulator.environment.screenWidth = 1600
        emulator.environment.screenHeight = 1200
        emulator.feed(esc("⎋[11t⎋[13t⎋[14t⎋[15t⎋[16t⎋[18t⎋[19t"))
        #expect(
            emulator.replies()
                == esc("⎋[1t⎋[3;0;0t⎋[4;312;480t⎋[5;1200;1600t⎋[6;13;6t⎋[8;24;80t⎋[9;92;266t"))
    }

    @Test func screenSizeReportsWithoutAScreenGiveTheTerminal() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[19t")
        #expect(emulator.replies() == esc("⎋[9;24;80t"))
    }

    @Test func titleReports() {
        var emulator = makeTerminal(80, 24, feeding: "⎋]2;hello⎋\\⎋]1;icon⎋\\⎋[21t⎋[20t")
        #expect(emulator.replies() == esc("⎋]lhello⎋\\⎋]Licon⎋\\"))
    }

    @Test func movingTheWindowIsIgnored() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[3;10;10t⎋[8;10;10t⎋[2t")
        #expect(emulator.replies() == "")
        #expect(emulator.terminal.columns == 80 && emulator.terminal.rows == 24)
    }
}
