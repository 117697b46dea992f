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
        #expect(jsonString("\u{80}\u{9f}") == "\"\u{80}\u{9f}\"", "C1 controls need no escape in JSON")
    }
}
