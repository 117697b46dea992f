// A pass-through terminal's gap mark: the rows it showed, then one dim line, go into its
// scrollback, and the snapshot after it draws the session's present screen.

import MuxClient
import MuxTerminal
import Testing

@Suite struct PassThroughMarksTests {
    /// A session and the terminal passing its bytes through, fed `text`.
    private func passedThrough(_ text: String, columns: Int = 40, rows: Int = 6) -> (Emulator, Emulator) {
        var session = Emulator(columns: columns, rows: rows)
        var window = Emulator(columns: columns, rows: rows)
        session.feed(text)
        window.feed(text)
        return (session, window)
    }

    @Test(arguments: [2, 6, 9])
    func aGapLeavesTheShownRowsThenOneDimMarkInTheScrollback(lineCount: Int) {
        let text = (1...lineCount).map { "old \($0)" }.joined(separator: "\r\n")
        let (replica, passed) = passedThrough(text)
        var window = passed
        let before = window.terminal.historyLines + window.terminal.visibleLines.filter { !$0.isEmpty }
        // The session went on without this client; its present screen comes as a snapshot.
        var present = Emulator(columns: 40, rows: 6)
        present.feed("new 1\r\nnew 2\r\n$ ")
        window.feed(PassThroughMarks.gap(lines: 21_719, over: replica.terminal))
        window.feed(present.terminal.snapshot())
        #expect(window.terminal.historyLines == before + ["-- mux: 21,719 lines not shown --"])
        let mark = window.terminal.scrollback[window.terminal.scrollback.count - 1].storedCells[0]
        #expect(mark.attributes.has(CellAttributes.faint))
        #expect(window.terminal.differences(from: present.terminal, includingHistory: false) == [])
    }

    @Test func theMarkGoesBelowTheAlternateScreensPrimary() {
        let (replica, passed) = passedThrough("shell line\r\n$ vim\u{1b}[?1049h\u{1b}[Hfull screen")
        var window = passed
        var present = Emulator(columns: 40, rows: 6)
        present.feed("$ ")
        window.feed(PassThroughMarks.gap(lines: 5, over: replica.terminal))
        window.feed(present.terminal.snapshot())
        #expect(window.terminal.historyLines == ["shell line", "$ vim", "-- mux: 5 lines not shown --"])
    }

    @Test func theMarkIsCutToTheWidth() {
        let (replica, passed) = passedThrough("old", columns: 20)
        var window = passed
        window.feed(PassThroughMarks.gap(lines: 21_719, over: replica.terminal))
        #expect(window.terminal.historyLines == ["old", "-- mux: 21,719 lines"])
    }

    @Test func thousandsAreGroupedInTheMark() {
        #expect(gapMark(lines: 7) == "-- mux: 7 lines not shown --")
        #expect(gapMark(lines: 1_234_567) == "-- mux: 1,234,567 lines not shown --")
        #expect(gapMark(lines: 100_000) == "-- mux: 100,000 lines not shown --")
    }
}
