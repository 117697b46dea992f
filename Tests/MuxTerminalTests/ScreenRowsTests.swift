// The screen's ring of rows: partial rotations (scroll regions) move blocks of rows, in two pieces
// where the region wraps around the ring; each must match a plain rotation of an array.

import Testing

@testable import MuxTerminal

@Suite struct ScreenRowsTests {
    /// Every ring start, every region and both directions, against rotating an array.
    @Test(arguments: 1...6)
    func partialRotationsMatchAnArray(height: Int) {
        for start in 0..<height {
            for top in 0..<height {
                for bottom in top..<height {
                    for up in [true, false] {
                        var rows = ScreenRows(
                            (0..<height).map { Row(columns: 1, filler: Cell(content: UInt32(0x41 + $0))) })
                        var expected = Array(0..<height)
                        // Move the ring's start by whole-screen rotations first.
                        for _ in 0..<start {
                            rows.rotateUp(0...(height - 1))
                            expected.append(expected.removeFirst())
                        }
                        if up {
                            rows.rotateUp(top...bottom)
                            expected.insert(expected.remove(at: top), at: bottom)
                        } else {
                            rows.rotateDown(top...bottom)
                            expected.insert(expected.remove(at: bottom), at: top)
                        }
                        let contents = rows.map { Int($0.cells[0].content) - 0x41 }
                        #expect(contents == expected, "start \(start), rows \(top)...\(bottom), up \(up)")
                    }
                }
            }
        }
    }
}
