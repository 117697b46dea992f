// Terminal.differences(from:): what a program or viewer can observe, compared through the side
// tables. Rows equal as stored are skipped only when the tables agree, so these cases put equal
// stored cells over different tables, and different stored cells over equal content.

import Testing

@testable import MuxTerminal

@Suite struct EqualityTests {
    /// Two terminals of one size fed `a` and `b`.
    private func pair(_ a: String, _ b: String, columns: Int = 10, rows: Int = 3) -> (Terminal, Terminal) {
        (
            makeTerminal(columns, rows, scrollback: 50, feeding: a).terminal,
            makeTerminal(columns, rows, scrollback: 50, feeding: b).terminal
        )
    }

    @Test func theSameClustersInternedInAnotherOrderAreEqual() {
        // "o\u{308}" is cluster 2 on the left and cluster 1 on the right: the stored cells differ.
        let (a, b) = pair("e\u{301}o\u{308}⎋[1;1Hx", "o\u{308}⎋[1;1Hxo\u{308}⎋[1;2H")
        #expect(a.screen.rows[0].cells[1] != b.screen.rows[0].cells[1])
        #expect(a.differences(from: b) == [])
    }

    @Test func theSameStoredCellOverAnotherClusterDiffers() {
        // Both cells hold cluster 1, which is "e\u{301}" on one side and "o\u{308}" on the other.
        let (a, b) = pair("e\u{301}", "o\u{308}")
        #expect(a.screen.rows[0].cells[0] == b.screen.rows[0].cells[0])
        #expect(a.differences(from: b).count == 1)
        #expect(a.differences(from: b).first?.hasPrefix("primary row 0 column 0:") == true)
    }

    @Test func theSameStoredCellOverAnotherHyperlinkDiffers() {
        let (a, b) = pair("⎋]8;;https://a.example/⎋\\x", "⎋]8;;https://b.example/⎋\\x")
        #expect(a.screen.rows[0].cells[0] == b.screen.rows[0].cells[0])
        #expect(a.differences(from: b).contains { $0.hasPrefix("primary row 0 column 0:") })
    }

    @Test func theAlternateScreenIsCompared() {
        let (a, b) = pair("⎋[?1049hab⎋[?1049l", "⎋[?1049hac⎋[?1049l")
        let differences = a.differences(from: b)
        #expect(differences.count == 1)
        #expect(differences.first?.hasPrefix("alternate row 0 column 1: b[") == true)
    }

    /// History lines are stored in three forms: plain text, unstyled words and styled cells.
    @Test(arguments: [("plain", "abc"), ("unstyled", "中e\u{301}"), ("styled", "⎋[1mabc⎋[m")])
    func historyLinesOfEachFormAreComparedByContent(form: String, line: String) {
        let lines = "\(line)\r\n1\r\n2\r\n3\r\n4"
        let (same, alsoSame) = pair(lines, lines)
        #expect(same.scrollback.count == 2)
        #expect(same.differences(from: alsoSame) == [], "\(form)")
        let (a, b) = pair(lines, "\(line)x\r\n1\r\n2\r\n3\r\n4")
        #expect(a.differences(from: b).contains { $0.hasPrefix("history line 0:") }, "\(form)")
        #expect(a.differences(from: b, includingHistory: false) == [], "\(form)")
    }

    @Test func aHistoryLineOverAnotherClusterDiffers() {
        let (a, b) = pair("e\u{301}\r\n1\r\n2\r\n3", "o\u{308}\r\n1\r\n2\r\n3")
        #expect(a.scrollback.count == 1)
        #expect(a.differences(from: b).contains { $0.hasPrefix("history line 0 column 0:") })
    }

    @Test func aSoftWrapIsADifference() {
        let (a, b) = pair("0123456789x", "0123456789\r\nx")
        #expect(a.differences(from: b).contains("primary row 0: soft wrap true != false"))
    }
}
