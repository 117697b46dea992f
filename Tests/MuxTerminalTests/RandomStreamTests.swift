// Seeded random streams of realistic output: every invariant holds after each, and feeding a stream
// split at random points gives the same state as feeding it whole. A failure names its seed.

import MuxTerminal
import MuxWorkloads
import Testing

@Suite struct RandomStreamTests {
    @Test(arguments: 0..<300) func invariantsAndSplitsHold(seed: Int) {
        var stream = RandomStream(seed: UInt64(seed))
        let bytes = stream.bytes(length: 1500)
        var generator = SplitMix64(seed: UInt64(seed) &+ 1000)
        let columns = 1 + generator.next(below: 100)
        let rows = 1 + generator.next(below: 30)
        var whole = Emulator(columns: columns, rows: rows, scrollbackLimit: 50)
        whole.feed(bytes)
        #expect(whole.terminal.invariantViolations() == [], "seed \(seed)")

        var pieces = Emulator(columns: columns, rows: rows, scrollbackLimit: 50)
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 1 + generator.next(below: 64))
            pieces.feed(Array(bytes[offset..<end]))
            offset = end
        }
        #expect(pieces.terminal.differences(from: whole.terminal) == [], "seed \(seed)")

        whole.resize(columns: 1 + generator.next(below: 100), rows: 1 + generator.next(below: 30))
        #expect(whole.terminal.invariantViolations() == [], "seed \(seed) after resize")
        whole.feed(bytes)
        #expect(whole.terminal.invariantViolations() == [], "seed \(seed) after resize and more output")
    }
}
