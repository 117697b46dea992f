// Feeding an input whole, or split at any byte, or a byte at a time, gives the same terminal.

import MuxTerminal
import Testing

@Suite struct SplitInvarianceTests {
    static var inputs: [ScreenCase] {
        PrintingTests.cases + CursorMotionTests.cases + EditingTests.cases + UnicodeScreenTests.cases
            + MarginTests.cases + ProtectionTests.cases + RectangleTests.cases + EdgeBehaviourTests.cases
            + [
                ScreenCase(name: "strings", input: "a⎋]8;id=1;http://x\u{7}b⎋]2;t⎋\\⎋P$qm⎋\\c", lines: []),
                ScreenCase(name: "sgr", input: "⎋[1;38:2::1:2:3;48;5;4;58:5:3mx⎋[0m", lines: []),
                ScreenCase(name: "utf8", input: "é中😀👨‍👩‍👧❤\u{FE0F}🇫🇷\u{301}", lines: []),
                ScreenCase(name: "alternate", input: "ab⎋[?1049hcd⎋7⎋[?1049l", lines: []),
            ]
    }

    @Test(arguments: inputs) func everySplitGivesTheSameState(_ c: ScreenCase) {
        let bytes = Array(esc(c.input).utf8)
        var whole = Emulator(columns: c.columns, rows: c.rows)
        whole.feed(bytes)
        for split in 1..<bytes.count {
            var parts = Emulator(columns: c.columns, rows: c.rows)
            parts.feed(Array(bytes[..<split]))
            parts.feed(Array(bytes[split...]))
            #expect(parts.terminal.differences(from: whole.terminal) == [], "split at \(split)")
        }
        var bytewise = Emulator(columns: c.columns, rows: c.rows)
        for byte in bytes { bytewise.feed([byte]) }
        #expect(bytewise.terminal.differences(from: whole.terminal) == [])
    }
}
