// The memory layout that the printing and history hot paths rely on.

import Testing

@testable import MuxTerminal

@Suite struct CellLayoutTests {
    @Test func contentIsTheFirstFourBytesOfSixteen() {
        #expect(MemoryLayout<Cell>.size == 16)
        #expect(MemoryLayout<Cell>.stride == 16)
        #expect(MemoryLayout<Cell>.offset(of: \Cell.content) == 0)
        var cell = Cell(
            content: 0x41, foreground: .palette(3), attributes: CellAttributes(rawValue: CellAttributes.bold))
        let first = withUnsafeBytes(of: &cell) { $0.load(as: UInt32.self) }
        #expect(first == 0x41)
    }

    @Test func plainHistoryLinesKeepTheirBytesAcrossReuse() {
        // A long line, then a shorter one into the same slot: the slot's old bytes must not show.
        var emulator = Emulator(columns: 20, rows: 2, scrollbackLimit: 1)
        emulator.feed(Array("abcdefghijklmnopqrs\r\nxyz\r\n".utf8))
        #expect(emulator.terminal.historyLines == ["abcdefghijklmnopqrs"])
        emulator.feed(Array("\r\n".utf8))
        #expect(emulator.terminal.historyLines == ["xyz"])
        #expect(emulator.terminal.scrollback[0].storedCells.count == 3)
    }
}
