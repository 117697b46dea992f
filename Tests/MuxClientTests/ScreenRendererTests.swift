// The diff renderer: what it writes, fed to a fresh emulator of the window's size, shows exactly
// the crop of the session (cell by cell, looks included), frame after frame; the crop follows the
// cursor; lines that leave the view's top reach the window's own scrollback; a redraw costs few
// bytes per changed cell.

import MuxClient
import MuxTerminal
import MuxWorkloads
import Testing

@Suite struct ScreenRendererTests {
    @Test func aSmallerWindowShowsTheCropThatHoldsTheCursor() {
        var view = RenderedView(session: 20, 6, window: 8, 3)
        view.feed("\u{1b}[1;31mred\u{1b}[0m text\r\nsecond \u{1b}[4:3;48;2;1;2;3mcurly\u{1b}[0m line")
        view.frame()
        #expect(view.differences == [])
        // The cursor (row 1, column 17) is in the crop, at its right edge.
        #expect(view.renderer.viewport.originX == 10 && view.renderer.viewport.originY == 0)
        #expect(view.window.terminal.visibleLines == ["", "ly line", ""])
    }

    @Test func theCropMovesOnlyWhenTheCursorLeavesIt() {
        var view = RenderedView(session: 40, 10, window: 10, 4)
        view.feed("\u{1b}[8;30H")
        view.frame()
        #expect([view.renderer.viewport.originX, view.renderer.viewport.originY] == [20, 4])
        // Moving inside the crop does not move it.
        view.feed("\u{1b}[6;22H")
        view.frame()
        #expect([view.renderer.viewport.originX, view.renderer.viewport.originY] == [20, 4])
        // Leaving it by one row and two columns moves it by that much.
        view.feed("\u{1b}[4;19H")
        view.frame()
        #expect([view.renderer.viewport.originX, view.renderer.viewport.originY] == [18, 3])
        #expect(view.differences == [])
    }

    @Test func aLargerWindowShowsTheScreenAtTopLeftAndMarksTheRest() {
        var view = RenderedView(session: 6, 2, window: 9, 4)
        view.feed("abc\r\nde")
        view.frame()
        #expect(view.differences == [])
        #expect(view.window.terminal.visibleLines == ["abc   ···", "de    ···", "·········", "·········"])
        #expect(view.window.terminal.cursor.x == 2 && view.window.terminal.cursor.y == 1)
    }

    @Test func wideCharactersCutByAnEdgeShowAsBlanks() {
        var view = RenderedView(session: 10, 2, window: 5, 2)
        view.feed("ab中文字\u{1b}[1;1H")
        view.frame()
        // Columns 0-4: "ab", 中 (2-3), then the first half of 文 at column 4: a blank.
        #expect(view.differences == [])
        #expect(view.window.terminal.visibleLines[0] == "ab中")
        view.feed("\u{1b}[1;10H")
        view.frame()
        // Columns 5-9: the spacer of 中 is not there; 文 starts at 5... the crop starts at 5.
        #expect(view.differences == [])
    }

    @Test func combiningClustersAndEmojiAreDrawnWhole() {
        var view = RenderedView(session: 12, 2, window: 10, 2)
        view.feed("e\u{301}👍🏽🇫🇷 x")
        view.frame()
        #expect(view.differences == [])
        view.feed("\r中")
        view.frame()
        #expect(view.differences == [])
    }

    @Test func onlyChangedCellsAreWritten() {
        var view = RenderedView(session: 30, 5, window: 20, 5)
        view.feed("hello world\r\nsecond line\r\n")
        view.frame()
        let bytes = view.frame()
        // Nothing changed: only the synchronized update's brackets.
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1b}[?2026h\u{1b}[?2026l")
        view.feed("\u{1b}[1;7HW")
        let change = String(decoding: view.frame(), as: UTF8.self)
        #expect(change.contains("W") && !change.contains("hello") && !change.contains("second"))
        #expect(view.differences == [])
    }

    @Test func theAlternateScreenAndModesFollowTheSession() {
        var view = RenderedView(session: 30, 5, window: 20, 4)
        view.feed("shell prompt$ ")
        view.frame()
        view.feed("\u{1b}[?1049h\u{1b}[?25l\u{1b}[?2004h\u{1b}[5 q\u{1b}[Hfull screen")
        view.frame()
        #expect(view.differences == [])
        #expect(view.window.terminal.modes.bracketedPaste && view.window.terminal.cursorShape == .blinkingBar)
        view.feed("\u{1b}[?1049l\u{1b}[?25h")
        view.frame()
        #expect(view.differences == [])
        #expect(view.window.terminal.visibleLines[0] == "shell prompt$")
    }

    @Test func aStatusLineIsErasedByRedrawingItsRow() {
        var view = RenderedView(session: 30, 5, window: 20, 4)
        view.feed("one\r\ntwo\r\nthree\r\nfour")
        view.frame()
        view.frame(status: "you are watching")
        #expect(view.window.terminal.visibleLines.last == "you are watching")
        let erase = view.frame()
        #expect(view.differences == [])
        #expect(view.windowHistory == [], "nothing went into the scrollback")
        #expect(erase.count < 60, "one row redrawn: \(erase.count) bytes")
    }
}
