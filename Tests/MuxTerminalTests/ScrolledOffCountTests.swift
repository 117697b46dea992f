// The count of lines that scrolled off the top of the screen, which viewers use to know how many
// lines they were not shown (GAP) and which lines to hand to their terminal's scrollback.

import Testing

@testable import MuxTerminal

@Suite struct ScrolledOffCountTests {
    func fed(_ text: String, columns: Int = 10, rows: Int = 3, limit: Int = 100) -> Emulator {
        var emulator = Emulator(columns: columns, rows: rows, scrollbackLimit: limit)
        Array(text.utf8).withUnsafeBufferPointer { emulator.feed($0) }
        return emulator
    }

    @Test func countsEachLineThatLeavesTheTop() {
        let emulator = fed("1\r\n2\r\n3\r\n4\r\n5")
        #expect(emulator.terminal.scrollback.pushedCount == 2)
        #expect(emulator.terminal.scrollback.count == 2)
    }

    @Test func keepsCountingPastTheHistoryLimit() {
        let emulator = fed(String(repeating: "x\r\n", count: 50), limit: 5)
        #expect(emulator.terminal.scrollback.count == 5)
        #expect(emulator.terminal.scrollback.pushedCount == 48)
    }

    @Test func aScrollRegionBelowTheTopPushesNothing() {
        // Lines leaving a region that does not start at the top row are not history.
        let emulator = fed("\u{1b}[2;3r\u{1b}[3;1H" + String(repeating: "y\n", count: 10))
        #expect(emulator.terminal.scrollback.pushedCount == 0)
    }

    @Test func theAlternateScreenPushesNothing() {
        let emulator = fed("\u{1b}[?1049h" + String(repeating: "z\r\n", count: 10))
        #expect(emulator.terminal.scrollback.pushedCount == 0)
    }
}
