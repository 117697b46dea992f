// Wide characters and grapheme clusters on the grid.

import MuxUnicode
import Testing

@testable import MuxTerminal

@Suite struct UnicodeScreenTests {
    static let cases: [ScreenCase] = [
        ScreenCase(name: "wide takes two cells", input: "中a", lines: ["中a"], cursor: (3, 0)),
        ScreenCase(
            name: "wide at the last column wraps", input: "012345678中", lines: ["012345678", "中"], cursor: (2, 1)),
        ScreenCase(name: "wide exactly at the end pends", input: "01234567中", lines: ["01234567中"], cursor: (9, 0)),
        ScreenCase(name: "overwriting the left half blanks the right", input: "中\rx", lines: ["x"]),
        ScreenCase(name: "overwriting the right half blanks the left", input: "中⎋[1;2Hx", lines: [" x"]),
        ScreenCase(name: "narrow over the middle of two wides", input: "中文⎋[1;2Hxy", lines: [" xy"]),
        ScreenCase(name: "wide with autowrap off at the margin", input: "⎋[?7l012345678中", lines: ["01234567中"]),
        ScreenCase(name: "combining mark joins its base", input: "e\u{301}x", lines: ["e\u{301}x"], cursor: (2, 0)),
        ScreenCase(name: "ZWJ family is one wide cell", input: "👨‍👩‍👧‍👦x", lines: ["👨‍👩‍👧‍👦x"], cursor: (3, 0)),
        ScreenCase(name: "flag is one wide cell", input: "🇫🇷x", lines: ["🇫🇷x"], cursor: (3, 0)),
        ScreenCase(name: "VS16 widens its base", input: "❤\u{FE0F}x", lines: ["❤\u{FE0F}x"], cursor: (3, 0)),
        ScreenCase(name: "mark after a wide joins it", input: "中\u{301}", lines: ["中\u{301}"], cursor: (2, 0)),
        ScreenCase(
            name: "mark at the margin with a wrap pending joins", input: "012345678e\u{301}",
            lines: ["012345678e\u{301}"]),
        // xterm (checked from inside xterm 379 with DECRQCRA), tmux and libvterm drop it.
        ScreenCase(name: "mark with no base is dropped", input: "\u{301}x", lines: ["x"], cursor: (1, 0)),
        ScreenCase(
            name: "mark after an empty cell is dropped", input: "⎋[5G\u{301}x", lines: ["    x"], cursor: (5, 0)),
        ScreenCase(
            name: "mark after a carriage return is dropped", input: "ab\r\u{301}x", lines: ["xb"], cursor: (1, 0)),
        ScreenCase(name: "ICH splits a wide character", input: "中文\r⎋[C⎋[@", lines: ["   文"]),
        ScreenCase(name: "DCH splits a wide character", input: "a中b\r⎋[2C⎋[P", lines: ["a b"]),
        ScreenCase(name: "ECH over half a wide", input: "中文⎋[1;2H⎋[X", lines: ["  文"]),
    ]

    @Test(arguments: cases) func unicode(_ c: ScreenCase) { check(c) }

    @Test func everyWideCellHasItsSpacer() {
        let emulator = makeTerminal(10, 3, feeding: "中文字符串中文\r\n⎋[3G中⎋[1;4H⎋[2@x")
        for row in emulator.terminal.screen.rows {
            for (x, cell) in row.cells.enumerated() {
                if cell.isWide { #expect(x + 1 < row.cells.count && row.cells[x + 1].isSpacer) }
                if cell.isSpacer { #expect(x > 0 && row.cells[x - 1].isWide) }
            }
        }
    }

    @Test func manyDistinctClustersStayBounded() {
        // Each line a new cluster; the table is collected as they scroll away.
        var emulator = makeTerminal(10, 3, scrollback: 5)
        for i in 0..<20_000 {
            let base = Unicode.Scalar(0x4e00 + UInt32(i % 20_000))!
            emulator.feed(String(base) + "\u{301}\r\n")
        }
        assertScreen(
            emulator,
            [
                String(Unicode.Scalar(0x4e00 + 19_998)!) + "\u{301}",
                String(Unicode.Scalar(0x4e00 + 19_999)!) + "\u{301}",
            ])
        #expect(emulator.terminal.historyLines.count == 5)
        // 20,000 clusters were made; only those still on screen or in history may remain.
        #expect(emulator.terminal.clusters.count <= 4096 * 2)
    }
}

/// The emulator's cells group scalars exactly as the full UAX #29 breaker does, whichever of its
/// paths (the run writer, a one-scalar base, a longer cluster) places each scalar.
@Suite struct ClusterAgreementTests {
    static let texts: [String] = [
        "👍🏽😀👍🏽漢",  // a cluster, then an emoji that does not join it
        "👨‍👩‍👧x👨‍👩‍👧‍👦",  // ZWJ chains
        "👍🏽\u{200D}😀",  // skin tone, ZWJ, emoji: one cluster (GB11)
        "🇫🇷🇩🇪🇮",  // flags pair off (GB12, GB13)
        "e\u{301}\u{302}\u{303}a",  // several marks on a base
        "\u{1100}\u{1161}\u{11A8}\u{1100}",  // Hangul jamo: L V T, then a new L
        "\u{600}\u{600}a b",  // prepend scalars join what follows (GB9b)
        "a\u{301}\u{200D}😀",  // ZWJ after a non-emoji cluster does not join the emoji
        "❤\u{FE0F}\u{200D}🔥",  // VS16 inside a ZWJ sequence
        "\u{915}\u{94D}\u{937}",  // a Devanagari conjunct (Unicode 15.0 rules: two clusters)
    ]

    @Test(arguments: texts)
    func cellsHoldTheBreakersClusters(text: String) {
        var emulator = Emulator(columns: 40, rows: 2)
        emulator.feed(Array(text.utf8))
        #expect(Self.clusters(on: emulator.terminal) == GraphemeBreaker.clusters(text).filter { $0 != [" "] })
        // The same in two reads split anywhere: each read's first character meets the previous
        // read's last cell through another path.
        let bytes = Array(text.utf8)
        for split in 1..<bytes.count {
            var twoReads = Emulator(columns: 40, rows: 2)
            twoReads.feed(Array(bytes[..<split]))
            twoReads.feed(Array(bytes[split...]))
            #expect(twoReads.terminal.differences(from: emulator.terminal) == [], "split at \(split)")
        }
    }

    @Test func noScalarBelowU0600IsPrepend() {
        // Printing ASCII looks for a Prepend scalar before the cursor only from U+0600 on.
        let below = (0..<0x600).compactMap(Unicode.Scalar.init).filter {
            ScalarProperties($0).breakClass == .prepend
        }
        #expect(below.isEmpty)
        #expect(ScalarProperties("\u{600}").breakClass == .prepend)
    }

    /// The scalars of each cell of the top row that holds something other than a space.
    static func clusters(on terminal: Terminal) -> [[Unicode.Scalar]] {
        var cells: [[Unicode.Scalar]] = []
        for x in 0..<terminal.columns {
            let cell = terminal.screen.rows[0].cells[x]
            if cell.isSpacer || cell.content == 0 { continue }
            cells.append(terminal.scalars(of: cell))
        }
        return cells.filter { $0 != [" "] }
    }
}
