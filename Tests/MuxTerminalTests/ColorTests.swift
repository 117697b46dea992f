// OSC 4, 5 and 10–19 set, query and reset colours as xterm does, and colour specifications are
// read as X11's XParseColor reads them. The replies were read from xterm 379 (whose answers give
// each 8-bit component twice, as mux's do) except where a comment says otherwise.

import MuxTerminal
import Testing

@Suite struct ColorTests {
    /// Sets palette entry 1 to `spec` and asks for it back.
    @Test(arguments: [
        ("#123", "rgb:1010/2020/3030"),  // X scales #rgb by its high bits, not to the full range
        ("#fff", "rgb:f0f0/f0f0/f0f0"),
        ("#123456789", "rgb:1212/4545/7878"),
        ("#1234", "rgb:cdcd/0000/0000"),  // not three equal parts: ignored
        ("rgb:f/ff/fff", "rgb:ffff/ffff/ffff"),
        ("rgb:1/2/3", "rgb:1111/2222/3333"),
        ("red", "rgb:ffff/0000/0000"),
        ("DarkSlateGray", "rgb:2f2f/4f4f/4f4f"),
        ("gray50", "rgb:7f7f/7f7f/7f7f"),
        ("Light Goldenrod Yellow", "rgb:fafa/fafa/d2d2"),
        ("no such colour", "rgb:cdcd/0000/0000"),
        // Device-independent forms: X goes through the screen's colour characterization (Xvfb's
        // gave rgbi:1/0/0.5 as ffff/0000/bbbb); mux takes intensities as linear sRGB.
        ("rgbi:1/0/0.5", "rgb:ffff/0000/8080"),
        ("CIEXYZ:0.9505/1.0/1.089", "rgb:ffff/ffff/ffff"),
        ("CIExyY:0.3127/0.3290/1", "rgb:ffff/ffff/ffff"),
        ("CIEuvY:0.1978/0.4683/1", "rgb:ffff/ffff/ffff"),
        ("CIELab:100/0/0", "rgb:ffff/ffff/ffff"),
        ("CIELuv:100/0/0", "rgb:ffff/ffff/ffff"),
        ("CIELab:0/0/0", "rgb:0000/0000/0000"),
        ("TekHVC:0/0/0", "rgb:0000/0000/0000"),
        ("TekHVC:0/100/0", "rgb:ffff/ffff/ffff"),  // the white point (D65 in mux)
        ("TekHVC:0/50/0", "rgb:2f2f/2f2f/2f2f"),  // grey of L* 50, in linear intensity
        ("TekHVC:0/101/0", "rgb:cdcd/0000/0000"),  // X refuses a value past 100: ignored
        ("TekHVC:0/50/-1", "rgb:cdcd/0000/0000"),  // and a negative chroma
    ])
    func specification(spec: String, reply: String) {
        var emulator = makeTerminal(80, 24, feeding: "⎋]4;1;\(spec)⎋\\⎋]4;1;?⎋\\")
        #expect(emulator.replies() == esc("⎋]4;1;\(reply)⎋\\"))
    }

    @Test func defaultsFollowTheForegroundAndBackground() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.foreground = (0, 0, 0)
        emulator.environment.background = (255, 255, 255)
        emulator.environment.cursorColor = (0, 0, 0)
        emulator.feed(esc((10...19).map { "⎋]\($0);?⎋\\" }.joined()))
        let black = "rgb:0000/0000/0000"
        let white = "rgb:ffff/ffff/ffff"
        let expected = [black, white, black, black, white, black, white, black, black, white]
        #expect(
            emulator.replies() == esc(expected.enumerated().map { "⎋]\($0.offset + 10);\($0.element)⎋\\" }.joined()))
    }

    @Test func specialColorsAreOSC5AndPaletteEntries256To260() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.foreground = (0, 0, 0)
        emulator.feed(esc("⎋]5;0;?⎋\\⎋]4;260;?⎋\\⎋]5;1;#ff0000⎋\\⎋]4;257;?⎋\\⎋]4;256;blue⎋\\⎋]5;0;?\u{7}"))
        #expect(
            emulator.replies()
                == esc(
                    "⎋]5;0;rgb:0000/0000/0000⎋\\⎋]4;260;rgb:0000/0000/0000⎋\\⎋]4;257;rgb:ffff/0000/0000⎋\\"
                        + "⎋]5;0;rgb:0000/0000/ffff\u{7}"))
    }

    @Test func severalQueriesInOneString() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.foreground = (0, 0, 0)
        emulator.feed(esc("⎋]10;DarkSlateGray⎋\\⎋]10;?;?;?⎋\\⎋]4;1;?;2;?⎋\\"))
        #expect(
            emulator.replies()
                == esc(
                    "⎋]10;rgb:2f2f/4f4f/4f4f⎋\\⎋]11;rgb:0000/0000/0000⎋\\⎋]12;rgb:e5e5/e5e5/e5e5⎋\\"
                        + "⎋]4;1;rgb:cdcd/0000/0000⎋\\⎋]4;2;rgb:0000/cdcd/0000⎋\\"))
    }

    @Test func resets() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.foreground = (0, 0, 0)
        emulator.feed(esc("⎋]4;1;#fff⎋\\⎋]104;1⎋\\⎋]4;1;?⎋\\⎋]17;red⎋\\⎋]117⎋\\⎋]17;?⎋\\"))
        emulator.feed(esc("⎋]5;2;red⎋\\⎋]105;2⎋\\⎋]5;2;?⎋\\⎋]5;3;red⎋\\⎋]104;259⎋\\⎋]5;3;?⎋\\"))
        #expect(
            emulator.replies()
                == esc(
                    "⎋]4;1;rgb:cdcd/0000/0000⎋\\⎋]17;rgb:0000/0000/0000⎋\\⎋]5;2;rgb:0000/0000/0000⎋\\"
                        + "⎋]5;3;rgb:0000/0000/0000⎋\\"))
    }

    /// A colour number with a sign, or too big, is not a colour number: the pair is skipped and
    /// the rest of the string still counts. (`-1` in OSC 4 or 104 stopped the server.)
    @Test(arguments: [
        "⎋]4;-1;#fff⎋\\", "⎋]104;-1⎋\\", "⎋]5;-1;#fff⎋\\", "⎋]105;-1⎋\\", "⎋]4;+1;#fff⎋\\",
        "⎋]4;99999999999999999999;#fff⎋\\", "⎋]4;;#fff⎋\\",
    ])
    func aColourNumberThatIsNotOneIsSkipped(sequence: String) {
        var emulator = makeTerminal(80, 24)
        emulator.environment.foreground = (0, 0, 0)
        emulator.feed(esc(sequence + "⎋]4;1;?⎋\\⎋]5;0;?⎋\\"))
        #expect(emulator.terminal.paletteOverrides.isEmpty && emulator.terminal.specialColors.isEmpty)
        #expect(emulator.replies() == esc("⎋]4;1;rgb:cdcd/0000/0000⎋\\⎋]5;0;rgb:0000/0000/0000⎋\\"))
        emulator.feed(esc("⎋]4;-1;#fff;2;#fff⎋\\⎋]4;2;?⎋\\"))
        #expect(emulator.replies() == esc("⎋]4;2;rgb:f0f0/f0f0/f0f0⎋\\"))
    }

    @Test func theSnapshotRestoresEveryColourTable() {
        let original = makeTerminal(
            10, 3, feeding: "⎋]4;7;#102030⎋\\⎋]5;4;green⎋\\⎋]13;#abcdef⎋\\⎋]19;rgb:1/2/3⎋\\⎋]11;navy⎋\\")
        checkRoundTrip(original, continuingWith: Array(esc("⎋]104⎋\\⎋]119⎋\\x").utf8), "colours")
    }
}
