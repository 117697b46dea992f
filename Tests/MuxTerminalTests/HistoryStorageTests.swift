// How history lines are stored (one byte, four bytes or a whole cell per cell), and the memory
// layout that the printing and history hot paths rely on.

import Testing

@testable import MuxTerminal

@Suite struct HistoryStorageTests {
    @Test func contentIsTheFirstFourBytesOfSixteen() {
        #expect(MemoryLayout<Cell>.size == 16)
        #expect(MemoryLayout<Cell>.stride == 16)
        #expect(MemoryLayout<Cell>.offset(of: \Cell.content) == 0)
        var cell = Cell(
            content: 0x41, foreground: .palette(3), attributes: CellAttributes(rawValue: CellAttributes.bold))
        let first = withUnsafeBytes(of: &cell) { $0.load(as: UInt32.self) }
        #expect(first == 0x41)
        // Unstyled history words move both shape bits by one shift, clear of any content.
        #expect(CellAttributes.wide << HistoryLine.shapeShift == HistoryLine.wideBit)
        #expect(CellAttributes.spacer << HistoryLine.shapeShift == HistoryLine.spacerBit)
        #expect(HistoryLine.shapeBits & (Cell.clusterFlag | 0x1f_ffff) == 0)
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

    /// Scrolls each line off a one-row screen and checks that the history gives back exactly
    /// the cells the row held, in the expected form.
    @Test(arguments: [
        ("plain text", "hello world", HistoryLine.Form.plain),
        ("wide characters", "中文 テスト", .unstyled),
        ("clusters", "e\u{301}👍🏽🇫🇷x", .unstyled),
        ("a wide character at the margin", "0123456789012345678中", .unstyled),
        ("wide characters with an erased end", "中文テスト漢字\u{1b}[5D\u{1b}[K", .unstyled),
        ("a gap of erased cells", "中文テスト漢字\u{1b}[9D\u{1b}[4X", .unstyled),
        ("colour", "a\u{1b}[31mb\u{1b}[0m", .styled),
        ("a background erase", "\u{1b}[44m\u{1b}[K\u{1b}[0m中", .styled),
    ])
    func linesComeBackAsTheyWere(name: String, text: String, form: HistoryLine.Form) {
        var emulator = Emulator(columns: 20, rows: 1, scrollbackLimit: 10)
        emulator.feed(Array(text.utf8))
        let row = emulator.terminal.primary.rows[0]
        emulator.feed(Array("\r\n".utf8))
        let line = emulator.terminal.scrollback[emulator.terminal.scrollback.count - 1]
        #expect(line.form == form, "\(name)")
        var expected = row.cells
        while let last = expected.last, last.isDefaultBlank { expected.removeLast() }
        #expect(line.storedCells == expected, "\(name)")
        #expect(line.row(columns: 20) == Row(cells: row.cells, wrapped: row.wrapped), "\(name)")
    }

    @Test func anUnstyledLineCostsFourBytesACell() {
        var emulator = Emulator(columns: 80, rows: 1, scrollbackLimit: 10)
        emulator.feed(Array((String(repeating: "中", count: 40) + "\r\n").utf8))
        let line = emulator.terminal.scrollback[0]
        #expect(line.form == .unstyled)
        #expect(line.heapBytes < 80 * 4 + 64)
    }

    @Test func clustersInUnstyledLinesSurviveTheTableBeingCompacted() {
        // Thousands of distinct clusters (a base and a mark) force the cluster table to be
        // compacted while history lines still refer to some; those must still read the same.
        var emulator = Emulator(columns: 20, rows: 2, scrollbackLimit: 50)
        var expected: [String] = []
        for index in 0..<6000 {
            let base = Unicode.Scalar(0x4e00 + UInt32(index))!
            let text = "\(Character(base))\u{301}x"
            emulator.feed(Array((text + "\r\n").utf8))
            expected.append(text)
        }
        let history = emulator.terminal.historyLines
        #expect(history.count == 50)
        #expect(history == Array(expected.suffix(51).prefix(50)))
        #expect(emulator.terminal.clusters.count < 6000)
    }

    @Test func linksInHistoryLinesSurviveTheExtrasTableBeingCompacted() {
        // More distinct links than the extras table holds: it is compacted while history lines
        // still point into it.
        var emulator = Emulator(columns: 20, rows: 2, scrollbackLimit: 20)
        let count = 70_000
        for index in 0..<count {
            emulator.feed(Array("\u{1b}]8;;http://h/\(index)\u{7}x\u{1b}]8;;\u{7} y\r\n".utf8))
        }
        let terminal = emulator.terminal
        #expect(terminal.scrollback.count == 20)
        for line in 0..<20 {
            let cells = terminal.scrollback[line].storedCells
            let link = terminal.hyperlink(terminal.extras(of: cells[0]).hyperlink)
            #expect(link?.uri == "http://h/\(count - 21 + line)")
            #expect(terminal.extras(of: cells[2]).hyperlink == 0)
        }
    }
}
