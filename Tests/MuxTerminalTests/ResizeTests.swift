// Resize: the primary screen reflows soft-wrapped lines; the alternate screen is cut, not reflowed.

import MuxTerminal
import Testing

@Suite struct ResizeTests {
    @Test func narrowingRewrapsAndWideningRejoins() {
        var emulator = makeTerminal(10, 4, feeding: "abcdefgh\r\nxy")
        emulator.resize(columns: 4, rows: 4)
        assertScreen(emulator, ["abcd", "efgh", "xy"])
        assertCursor(emulator, x: 2, y: 2)
        emulator.resize(columns: 10, rows: 4)
        assertScreen(emulator, ["abcdefgh", "xy"])
        assertCursor(emulator, x: 2, y: 1)
    }

    @Test func softWrappedLinesRejoin() {
        var emulator = makeTerminal(4, 4, feeding: "abcdefgh")
        assertScreen(emulator, ["abcd", "efgh"])
        emulator.resize(columns: 8, rows: 4)
        assertScreen(emulator, ["abcdefgh"])
        assertCursor(emulator, x: 7, y: 0, pendingWrap: true)
        emulator.resize(columns: 10, rows: 4)
        assertCursor(emulator, x: 8, y: 0, pendingWrap: false)
    }

    @Test func hardLineBreaksStay() {
        var emulator = makeTerminal(10, 4, feeding: "ab\r\ncd")
        emulator.resize(columns: 20, rows: 4)
        assertScreen(emulator, ["ab", "cd"])
    }

    @Test func shrinkingPushesLinesIntoHistoryAndGrowingTakesThemBack() {
        var emulator = makeTerminal(10, 4, feeding: "1\r\n2\r\n3\r\n4")
        emulator.resize(columns: 10, rows: 2)
        assertScreen(emulator, ["3", "4"])
        #expect(emulator.terminal.historyLines == ["1", "2"])
        emulator.resize(columns: 10, rows: 4)
        assertScreen(emulator, ["1", "2", "3", "4"])
        #expect(emulator.terminal.historyLines.isEmpty)
    }

    @Test func shrinkingKeepsTheCursorRowAndDropsBlankRowsBelow() {
        var emulator = makeTerminal(10, 6, feeding: "a\r\nb")
        emulator.resize(columns: 10, rows: 3)
        assertScreen(emulator, ["a", "b"])
        #expect(emulator.terminal.historyLines.isEmpty)
    }

    @Test func wideCharactersMoveWhole() {
        var emulator = makeTerminal(6, 3, feeding: "ab中文")
        emulator.resize(columns: 5, rows: 3)
        assertScreen(emulator, ["ab中", "文"])
    }

    @Test func alternateScreenIsCutNotReflowed() {
        var emulator = makeTerminal(10, 3, feeding: "abcdefghij⎋[?1049h⎋[Habcdefghij")
        emulator.resize(columns: 5, rows: 3)
        assertScreen(emulator, ["abcde"])
        emulator.feed(esc("⎋[?1049l"))
        assertScreen(emulator, ["abcde", "fghij"])
    }

    @Test func marginsResetAndTabStopsExtend() {
        var emulator = makeTerminal(10, 5, feeding: "⎋[2;3r")
        emulator.resize(columns: 20, rows: 6)
        #expect(emulator.terminal.scrollTop == 0 && emulator.terminal.scrollBottom == 5)
        emulator.feed(esc("\r\t\tx"))
        assertScreen(emulator, ["                x"])
    }

    @Test func historyReflowsToo() {
        var emulator = makeTerminal(4, 2, feeding: "abcdefgh\r\n1\r\n2")
        #expect(emulator.terminal.historyLines == ["abcd", "efgh"])
        emulator.resize(columns: 8, rows: 2)
        #expect(emulator.terminal.historyLines == ["abcdefgh"])
        assertScreen(emulator, ["1", "2"])
    }
}
