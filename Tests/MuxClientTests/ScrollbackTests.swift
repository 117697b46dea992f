// Lines that leave the view's top go into the window's own scrollback, cut to its width, in
// order and once; a gap mark goes there too.

import MuxClient
import MuxTerminal
import Testing

@Suite struct RenderedScrollbackTests {
    private func numbered(_ range: ClosedRange<Int>) -> String {
        range.map { "line \($0) " + String(repeating: "x", count: $0 % 30) }.joined(separator: "\r\n")
    }

    @Test func aLargerWindowKeepsEveryLineThatScrolledOff() {
        var view = RenderedView(session: 30, 5, window: 40, 8)
        view.feed(numbered(1...3))
        view.frame()
        for chunk in stride(from: 4, through: 60, by: 7) {
            view.feed("\r\n" + numbered(chunk...chunk + 6))
            view.frame()
            #expect(view.differences == [])
        }
        // Every line that left the session's screen is in the window's scrollback, once, in order.
        #expect(view.windowHistory == view.session.terminal.historyLines)
    }

    @Test func aSmallerWindowKeepsTheLinesThatLeftItsTopCut() {
        var view = RenderedView(session: 40, 10, window: 12, 4)
        view.feed(numbered(1...9))
        view.frame()
        view.feed("\r\n" + numbered(10...25))
        view.frame()
        view.feed("\r\n" + numbered(26...40) + "\r")
        view.frame()
        #expect(view.differences == [])
        // The crop held lines 6-9 (rows 5-8) at first, lines 1-5 above it going to the
        // scrollback as the history of a first attach would; lines 6-36 left its top since, and
        // it shows lines 37-40.
        #expect(
            view.window.terminal.visibleLines.map { String($0.prefix(7)) } == [
                "line 37", "line 38", "line 39", "line 40",
            ])
        let expected = (1...36).map { String("line \($0) \(String(repeating: "x", count: $0 % 30))".prefix(12)) }
        let history = view.windowHistory.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
        #expect(history == expected.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) })
    }

    @Test func aGapMarkGoesIntoTheScrollbackDim() {
        var view = RenderedView(session: 30, 5, window: 40, 8)
        view.feed("before")
        view.frame()
        view.renderer.addScrollbackMark("-- mux: 21,719 lines not shown --")
        view.frame()
        #expect(view.windowHistory == ["-- mux: 21,719 lines not shown --"])
        let cell = view.window.terminal.scrollback[0].storedCells[0]
        #expect(cell.attributes.has(CellAttributes.faint))
        #expect(view.differences == [])
    }
}
