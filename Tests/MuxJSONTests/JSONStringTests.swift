// jsonString: what RFC 8259 requires escaped is escaped, and nothing else.

import MuxJSON
import Testing

@Suite struct JSONStringTests {
    @Test func quotesBackslashesAndControlsAreEscaped() {
        #expect(jsonString("") == "\"\"")
        #expect(jsonString("say \"hi\"") == "\"say \\\"hi\\\"\"")
        #expect(jsonString("C:\\mux") == "\"C:\\\\mux\"")
        #expect(jsonString("a\nb\rc\td") == "\"a\\nb\\rc\\td\"")
        #expect(jsonString("\u{1b}[0m\u{0}\u{1f}\u{7f}") == "\"\\u001b[0m\\u0000\\u001f\\u007f\"")
    }

    @Test func everythingElseIsKeptAsItIs() {
        #expect(jsonString("né ⎋ 👩‍👩‍👧 /é") == "\"né ⎋ 👩‍👩‍👧 /é\"")
    }

    @Test func c1ControlsAreEscapedSoThatPrintedJSONCannotActOnATerminal() {
        #expect(jsonString("\u{80}\u{9b}2J\u{9f}\u{a0}") == "\"\\u0080\\u009b2J\\u009f\u{a0}\"")
    }

    @Test func visibleTextShowsEveryControlAsItsCode() {
        #expect(visibleText("plain é ⎋ 👍") == "plain é ⎋ 👍")
        #expect(visibleText("\u{1b}[2Jred\u{7}") == "\\x1b[2Jred\\x07")
        #expect(visibleText("a\u{9b}31mb\u{7f}\n") == "a\\x9b31mb\\x7f\\x0a")
        #expect(
            !visibleText("\u{1b}\u{90}\u{9c}").unicodeScalars.contains {
                $0.value < 0x20 || (0x7f...0x9f).contains($0.value)
            })
    }
}
