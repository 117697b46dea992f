// Answers to queries leave through the effects value; strings set titles, links and colours.

import MuxTerminal
import Testing

@Suite struct RepliesTests {
    @Test(arguments: [
        ("⎋[c", "⎋[?64;6;17;21;22;28c"), ("⎋[0c", "⎋[?64;6;17;21;22;28c"), ("⎋[>c", "⎋[>41;379;0c"),
        ("⎋[5n", "⎋[0n"), ("⎋[3;4H⎋[6n", "⎋[3;4R"), ("⎋[3;4H⎋[?6n", "⎋[?3;4;1R"),
        ("⎋[2;4r⎋[?6h⎋[2;3H⎋[6n", "⎋[2;3R"),  // origin mode reports relative to the region
        ("⎋[?25$p", "⎋[?25;1$y"), ("⎋[?25l⎋[?25$p", "⎋[?25;2$y"), ("⎋[?9999$p", "⎋[?9999;0$y"),
        ("⎋[4$p", "⎋[4;2$y"), ("⎋[?2026$p", "⎋[?2026;2$y"), ("⎋[?1049h⎋[?1049$p", "⎋[?1049;1$y"),
        ("⎋[>q", "⎋P>|mux \(Terminal.version)⎋\\"),
        ("⎋[1;4:3;38;2;1;2;3m⎋P$qm⎋\\", "⎋P1$r0;1;4:3;38:2::1:2:3m⎋\\"),
        ("⎋[2;5r⎋P$qr⎋\\", "⎋P1$r2;5r⎋\\"), ("⎋[4 q⎋P$q q⎋\\", "⎋P1$r4 q⎋\\"), ("⎋P$qz⎋\\", "⎋P0$r⎋\\"),
        ("⎋[18t", "⎋[8;24;80t"),
        ("⎋]10;?\u{7}", "⎋]10;rgb:e5e5/e5e5/e5e5\u{7}"), ("⎋]11;?⎋\\", "⎋]11;rgb:0000/0000/0000⎋\\"),
        ("⎋]11;#102030⎋\\⎋]11;?⎋\\", "⎋]11;rgb:1010/2020/3030⎋\\"),
        ("⎋]4;1;?⎋\\", "⎋]4;1;rgb:cdcd/0000/0000⎋\\"),
        ("⎋]4;196;rgb:1/2/3⎋\\⎋]4;196;?⎋\\", "⎋]4;196;rgb:1111/2222/3333⎋\\"),
        ("⎋]52;c;?⎋\\", ""),  // the clipboard is never read back
    ])
    func replies(query: String, expected: String) {
        var emulator = makeTerminal(80, 24, feeding: query)
        #expect(emulator.replies() == esc(expected))
    }

    @Test func sizeReportsUseTheEnvironment() {
        var emulator = makeTerminal(80, 24)
        emulator.environment.cellWidth = 9
        emulator.environment.cellHeight = 18
        emulator.feed(esc("⎋[14t⎋[16t"))
        #expect(emulator.replies() == esc("⎋[4;432;720t⎋[6;18;9t"))
    }

    @Test func effectsAreDrainedOnce() {
        var emulator = makeTerminal(80, 24, feeding: "⎋[c\u{7}⎋]2;hi\u{7}")
        let effects = emulator.takeEffects()
        #expect(effects.bells == 1 && effects.titleChanged && !effects.replies.isEmpty)
        #expect(emulator.takeEffects().isEmpty)
    }
}

@Suite struct StringTests {
    @Test func titlesAndTheTitleStack() {
        var emulator = makeTerminal(10, 2, feeding: "⎋]0;both\u{7}⎋]2;title⎋\\")
        #expect(emulator.terminal.title == "title" && emulator.terminal.iconName == "both")
        emulator.feed(esc("⎋[22t⎋]2;other\u{7}"))
        #expect(emulator.terminal.title == "other")
        emulator.feed(esc("⎋[23t"))
        #expect(emulator.terminal.title == "title")
    }

    @Test func hyperlinksWithIds() {
        let emulator = makeTerminal(20, 2, feeding: "⎋]8;id=a;http://x\u{7}ab⎋]8;;\u{7}c")
        #expect(emulator.cell(0, 0).hyperlink == Hyperlink(id: "a", uri: "http://x"))
        #expect(emulator.cell(1, 0).hyperlink == Hyperlink(id: "a", uri: "http://x"))
        #expect(emulator.cell(2, 0).hyperlink == nil)
    }

    @Test func sgrResetKeepsTheHyperlink() {
        let emulator = makeTerminal(20, 2, feeding: "⎋]8;;http://x\u{7}⎋[1ma⎋[0mb")
        #expect(emulator.cell(1, 0).hyperlink?.uri == "http://x")
    }

    @Test func workingDirectoryAndClipboard() {
        var emulator = makeTerminal(20, 2, feeding: "⎋]7;file://host/tmp\u{7}⎋]52;c;aGk=\u{7}")
        #expect(emulator.terminal.workingDirectory == "file://host/tmp")
        #expect(emulator.takeEffects().clipboardWrites == [ClipboardWrite(selections: "c", base64: "aGk=")])
    }

    @Test func clipboardPolicyRefuses() {
        var emulator = makeTerminal(20, 2)
        emulator.environment.allowClipboardWrite = false
        emulator.feed(esc("⎋]52;c;aGk=\u{7}"))
        #expect(emulator.takeEffects().clipboardWrites.isEmpty)
    }

    @Test func stringsNeverPrint() {
        let emulator = makeTerminal(20, 2, feeding: "a⎋Pq#0;2;0;0;0#0~~⎋\\b⎋_Gf=24;xyz⎋\\c⎋]999;junk\u{7}d")
        assertScreen(emulator, ["abcd"])
    }
}
