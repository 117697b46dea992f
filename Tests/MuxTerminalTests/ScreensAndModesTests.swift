// Alternate screens, modes, scrollback.

import MuxTerminal
import Testing

@Suite struct AlternateScreenTests {
    @Test func mode1049SavesClearsAndRestores() {
        var emulator = makeTerminal(10, 3, feeding: "one\r\ntwo⎋[?1049hALT")
        assertScreen(emulator, ["", "   ALT"])  // the cursor stays where it was, as in xterm
        #expect(emulator.terminal.usingAlternateScreen)
        emulator.feed(esc("⎋[?1049l"))
        assertScreen(emulator, ["one", "two"])
        assertCursor(emulator, x: 3, y: 1)
    }

    @Test func resetting1049OnThePrimaryStillRestoresTheCursor() {
        // What dialog writes when it exits: xterm restores the cursor saved by the last ?1049h.
        let emulator = makeTerminal(20, 12, feeding: "⎋[5;5H⎋[?1049h⎋[?1049l⎋[10;10H⎋[?1049l")
        assertCursor(emulator, x: 4, y: 4)
    }

    @Test func mode1049ClearsTheAlternateOnEntry() {
        let emulator = makeTerminal(10, 3, feeding: "⎋[?1049hold⎋[?1049l⎋[?1049h")
        assertScreen(emulator, [])
    }

    @Test func mode47KeepsTheAlternateAndTheCursor() {
        var emulator = makeTerminal(10, 3, feeding: "ab⎋[?47hX⎋[?47l")
        assertScreen(emulator, ["ab"])
        assertCursor(emulator, x: 3, y: 0)
        emulator.feed(esc("⎋[?47h"))
        assertScreen(emulator, ["  X"])
    }

    @Test func mode1047ClearsOnLeaving() {
        var emulator = makeTerminal(10, 3, feeding: "⎋[?1047hX⎋[?1047l")
        emulator.feed(esc("⎋[?47h"))
        assertScreen(emulator, [])
    }

    @Test func alternateScreenHasNoHistory() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[?1049h1\r\n2\r\n3\r\n4")
        #expect(emulator.terminal.historyLines.isEmpty)
    }

    @Test func eachScreenHasItsOwnSavedCursor() {
        var emulator = makeTerminal(10, 3, feeding: "⎋[2;2H⎋7⎋[?47h⎋[3;3H⎋7⎋[?47l⎋8")
        assertCursor(emulator, x: 1, y: 1)
        emulator.feed(esc("⎋[?47h⎋8"))
        assertCursor(emulator, x: 2, y: 2)
    }
}

@Suite struct ModeTests {
    @Test(
        arguments: [
            ("⎋[?1h", \Modes.applicationCursorKeys), ("⎋[?5h", \.reverseVideo), ("⎋[?12h", \.cursorBlink),
            ("⎋=", \.applicationKeypad), ("⎋[?1004h", \.focusEvents), ("⎋[?1007h", \.alternateScroll),
            ("⎋[?2004h", \.bracketedPaste), ("⎋[?2026h", \.synchronizedOutput), ("⎋[4h", \.insert),
            ("⎋[20h", \.linefeedNewline),
        ] as [(String, KeyPath<Modes, Bool> & Sendable)])
    func flagModes(set: String, mode: KeyPath<Modes, Bool> & Sendable) {
        var emulator = makeTerminal(10, 2, feeding: set)
        #expect(emulator.terminal.modes[keyPath: mode])
        let reset = set == "⎋=" ? "⎋>" : String(set.dropLast()) + "l"
        emulator.feed(esc(reset))
        #expect(!emulator.terminal.modes[keyPath: mode])
    }

    @Test func cursorVisibilityAndShape() {
        var emulator = makeTerminal(10, 2, feeding: "⎋[?25l⎋[5 q")
        #expect(!emulator.terminal.modes.cursorVisible)
        #expect(emulator.terminal.cursorShape == .blinkingBar)
        emulator.feed(esc("⎋[?25h⎋[0 q"))
        #expect(emulator.terminal.modes.cursorVisible)
        #expect(emulator.terminal.cursorShape == .default)
    }

    @Test func mouseTrackingIsOneChoice() {
        var emulator = makeTerminal(10, 2, feeding: "⎋[?1000h⎋[?1003h⎋[?1006h")
        #expect(emulator.terminal.modes.mouseTracking == .anyEvent)
        #expect(emulator.terminal.modes.mouseEncoding == .sgr)
        emulator.feed(esc("⎋[?1000l"))  // resetting another mode leaves the current one
        #expect(emulator.terminal.modes.mouseTracking == .anyEvent)
        emulator.feed(esc("⎋[?1003l⎋[?1006l"))
        #expect(emulator.terminal.modes.mouseTracking == .none)
        #expect(emulator.terminal.modes.mouseEncoding == .x10)
    }

    @Test func severalModesInOneSequence() {
        let emulator = makeTerminal(10, 2, feeding: "⎋[?1;2004;25l⎋[?1;2004h")
        #expect(emulator.terminal.modes.applicationCursorKeys && emulator.terminal.modes.bracketedPaste)
        #expect(!emulator.terminal.modes.cursorVisible)
    }
}

@Suite struct ScrollbackTests {
    @Test func linesLeavingTheTopEnterTheHistory() {
        let emulator = makeTerminal(10, 2, feeding: "1\r\n2\r\n3\r\n4")
        #expect(emulator.terminal.historyLines == ["1", "2"])
        assertScreen(emulator, ["3", "4"])
    }

    @Test func historyIsBounded() {
        var emulator = makeTerminal(10, 2, scrollback: 3)
        for i in 0..<100 { emulator.feed("line \(i)\r\n") }
        #expect(emulator.terminal.historyLines == ["line 96", "line 97", "line 98"])
    }

    @Test func aRegionBelowTheTopKeepsNoHistory() {
        let emulator = makeTerminal(10, 3, feeding: "⎋[2;3r⎋[3;1Ha\nb\nc")
        #expect(emulator.terminal.historyLines.isEmpty)
    }

    @Test func aRegionAtTheTopKeepsHistory() {
        let emulator = makeTerminal(10, 3, feeding: "a⎋[1;2r⎋[2;1Hb\r\nc")
        #expect(emulator.terminal.historyLines == ["a"])
        assertScreen(emulator, ["b", "c"])
    }

    @Test func ed3ClearsTheHistory() {
        let emulator = makeTerminal(10, 2, feeding: "1\r\n2\r\n3⎋[3J")
        #expect(emulator.terminal.historyLines.isEmpty)
        assertScreen(emulator, ["2", "3"])
    }

    @Test func historyKeepsAttributesAndWideCharacters() {
        let emulator = makeTerminal(10, 1, feeding: "⎋[31ma中\r\nb")
        let line = emulator.terminal.scrollback[0]
        let cells = line.storedCells
        #expect(cells.count == 3)
        #expect(cells[0].foreground == .palette(1))
        #expect(cells[1].isWide && cells[2].isSpacer)
    }

    @Test func softWrapIsRemembered() {
        let emulator = makeTerminal(4, 1, feeding: "abcdefgh\r\nx")
        #expect(emulator.terminal.scrollback[0].wrapped)
        #expect(!emulator.terminal.scrollback[1].wrapped)
    }
}
