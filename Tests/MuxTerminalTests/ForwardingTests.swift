// What the server hands on to viewers: the program's output without the queries the emulator
// answered, whatever the chunking, so that a viewer's terminal never answers a second time.

import MuxTerminal
import Testing

@Suite struct ForwardingTests {
    /// Feeds `input` (⎋ for ESC) in the chunks `splits` cuts it into; returns what was forwarded.
    func forwarded(_ input: String, splitAt splits: [Int] = []) -> (String, Emulator) {
        let bytes = Array(esc(input).utf8)
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        var from = 0
        for split in splits + [bytes.count] where split >= from {
            emulator.feedForwarding(Array(bytes[from..<split]), into: &out)
            from = split
        }
        return (String(decoding: out, as: UTF8.self), emulator)
    }

    @Test(arguments: [
        // A query just after a character ended what REP repeats: a NUL does that for viewers.
        ("a⎋[6nb", "a\u{0}b"),
        ("⎋[c⎋[>c⎋[5n", ""),
        ("x⎋]11;?⎋\\y⎋]10;?\u{7}z", "x\u{0}y\u{0}z"),
        ("⎋[?2026$pq", "q"),
        ("⎋P$qm⎋\\done", "done"),
        ("⎋[1mbold⎋[0m⎋]2;title\u{7}", "⎋[1mbold⎋[0m⎋]2;title\u{7}"),  // no answer: kept whole
        ("⎋[2J⎋[H⎋[31mred", "⎋[2J⎋[H⎋[31mred"),
        ("é漢⎋[6n字", "é漢\u{0}字"),
        ("a⎋[\n6\rn|", "a\n\r|"),  // controls executed inside the query still reach viewers
        ("⎋⎋[cC", "C"),  // an ESC the query aborted goes with it: C stays a character
        ("⎋[1⎋[6nX", "X"),  // so does an unfinished CSI it aborted
        ("⎋]2;t⎋[6nX", "X"),  // and a string it ended
        ("⎋]2;t\u{7}⎋[6n", "⎋]2;t\u{7}"),  // a finished string before it stays
        // A colour string that asks and sets: viewers get what it set (found by the fuzzer:
        // OSC 17;?;#123 asks for colour 17 and sets 18).
        ("⎋]17;?;#123\u{7}", "⎋]18;#123\u{7}"),
        ("⎋]4;1;?;2;red;3;?;4;nonsense;5;#fff⎋\\", "⎋]4;2;red;5;#fff⎋\\"),
        ("⎋]5;0;?;1;blue\u{7}", "⎋]5;1;blue\u{7}"),
        ("⎋]10;?;red;?;green\u{7}", "⎋]11;red\u{7}⎋]13;green\u{7}"),
    ])
    func answeredQueriesAreCut(input: String, expected: String) {
        let (whole, _) = forwarded(input)
        #expect(whole == esc(expected))
        let length = esc(input).utf8.count
        for split in 0...length {
            #expect(forwarded(input, splitAt: [split]).0 == esc(expected), "split at \(split)")
        }
        #expect(forwarded(input, splitAt: Array(0...length)).0 == esc(expected), "byte by byte")
    }

    /// A viewer fed what was forwarded of `input`, split anywhere in two reads, reaches the
    /// session's state.
    func expectViewersReachTheSession(_ input: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let length = esc(input).utf8.count
        for split in 0...length {
            let (out, session) = forwarded(input, splitAt: [split])
            var viewer = Emulator(columns: 80, rows: 24)
            viewer.feed(out)
            #expect(
                viewer.terminal.differences(from: session.terminal) == [], "split at \(split)",
                sourceLocation: sourceLocation)
        }
    }

    /// Found by the fuzzer: REP after a cut query repeated, for viewers, a character the query had
    /// made it forget.
    @Test(arguments: ["0⎋]12;?\u{7}⎋[b", "c⎋[c⎋[c⎋[b", "ab⎋P$qm⎋\\⎋[3b", "x⎋[6n\n⎋[b"])
    func aCutQueryEndsWhatREPRepeatsForViewersToo(input: String) {
        expectViewersReachTheSession(input)
    }

    @Test(arguments: ["⎋]17;?;#123\u{7}", "x⎋]4;1;?;2;red⎋\\⎋[b", "⎋]10;?;red;?;green\u{7}⎋]5;0;?;1;blue⎋\\"])
    func viewersGetWhatAColourStringSetBesidesItsQueries(input: String) {
        expectViewersReachTheSession(input)
    }

    /// Found by review: a string too long to hold back was handed on, and a query that began in
    /// the read where that string ended, and ended in the next, was taken for part of it.
    @Test func aQueryAfterAnEndlessStringIsStillCut() {
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        emulator.feedForwarding(Array(esc("⎋]2;").utf8) + [UInt8](repeating: 0x61, count: 70_000), into: &out)
        emulator.feedForwarding(Array(esc("\u{7}x⎋[6").utf8), into: &out)
        emulator.feedForwarding(Array("ny".utf8), into: &out)
        #expect(emulator.replies() == esc("⎋[1;2R"))
        let text = String(decoding: out, as: UTF8.self)
        #expect(text.hasSuffix("\u{7}x\u{0}y"), "\(text.suffix(12).debugDescription)")
    }

    @Test func halfACharacterBeforeACutQueryStaysOneReplacement() {
        // The ESC made the lone lead byte a U+FFFD; without it a NUL does the same.
        // Also when the query (and an unfinished string it aborts) arrives in a later read.
        let input: [UInt8] = [0x61, 0xec, 0x9a] + Array(esc("⎋]x⎋[cb").utf8)
        for split in 0...input.count {
            var emulator = Emulator(columns: 80, rows: 24)
            var out: [UInt8] = []
            emulator.feedForwarding(Array(input[..<split]), into: &out)
            emulator.feedForwarding(Array(input[split...]), into: &out)
            #expect(out == [0x61, 0xec, 0x9a, 0x00, 0x62], "split at \(split)")
            var viewer = Emulator(columns: 80, rows: 24)
            viewer.feed(out)
            #expect(viewer.terminal.visibleLines[0] == "a\u{FFFD}b")
            #expect(viewer.terminal.differences(from: emulator.terminal).isEmpty)
        }
    }

    @Test func theProgramStillGetsItsAnswer() {
        var (_, emulator) = forwarded("⎋[3;4H⎋[6n", splitAt: [3, 7])
        #expect(emulator.replies() == esc("⎋[3;4R"))
    }

    @Test func anUnfinishedSequenceIsHeldBackUntilItEnds() {
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        emulator.feedForwarding(Array(esc("ok⎋[3").utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == "ok")
        #expect(!emulator.isInGround)
        emulator.feedForwarding(Array("1m!".utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == esc("ok⎋[31m!"))
        #expect(emulator.isInGround)
    }

    @Test func halfACharacterIsHeldBackWhole() {
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        let han = Array("漢".utf8)
        emulator.feedForwarding([0x41] + han[0..<2], into: &out)
        #expect(out == [0x41])
        emulator.feedForwarding(Array(han[2...]), into: &out)
        #expect(out == [0x41] + han)
    }

    @Test func anEndlessStringIsHandedOnNotHoardedForever() {
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        let chunk = [UInt8](repeating: 0x61, count: 40_000)
        emulator.feedForwarding(Array(esc("⎋]2;").utf8), into: &out)
        for _ in 0..<3 { emulator.feedForwarding(chunk, into: &out) }
        #expect(out.count >= 3 * 40_000 - (1 << 16))
        emulator.feedForwarding([0x07, 0x42], into: &out)
        #expect(out.last == 0x42)
        #expect(out.count == 4 + 3 * 40_000 + 2)
    }
}

@Suite struct ForwardingAcrossResetTests {
    @Test func aQueryBeforeAFullResetIsStillCut() {
        var emulator = Emulator(columns: 80, rows: 24)
        var out: [UInt8] = []
        emulator.feedForwarding(Array(esc("a⎋[cb⎋cd").utf8), into: &out)
        #expect(String(decoding: out, as: UTF8.self) == esc("a\u{0}b⎋cd"))
    }
}

/// A viewer that attaches while the parser holds back an unfinished sequence: it starts from a
/// snapshot and the output after it, and must end with the session's state, as must a viewer that
/// was watching all along. Controls inside the sequence already acted when the snapshot was taken.
@Suite struct SnapshotMidSequenceTests {
    @Test(arguments: [
        ("⎋[1\n2mX", 3),  // a line feed inside SGR parameters
        ("⎋[1\r\n2;4mX\u{8}Y", 3),  // CR LF inside, then more after the sequence
        ("ab⎋[\u{8}\u{8}CZ", 4),  // backspaces inside a cursor motion
        ("⎋[3\n⎋[1\n2mX", 5),  // a sequence aborted by another, both with a control inside
        ("⎋]0;ti\ntle\u{7}X", 6),  // a line feed inside OSC is not executed: nothing to release
    ])
    func bothViewersEndWithTheSessionsState(input: String, split: Int) {
        let bytes = Array(esc(input).utf8)
        var session = Emulator(columns: 20, rows: 5)
        session.feed(Array(esc("top\r\nline").utf8))
        var watcher = Emulator(columns: 20, rows: 5)
        watcher.feed(Array(esc("top\r\nline").utf8))

        var first: [UInt8] = []
        session.feedForwarding(Array(bytes[..<split]), into: &first)
        session.releaseExecutedControls(into: &first)
        let snapshot = session.terminal.snapshot()
        var rest: [UInt8] = []
        session.feedForwarding(Array(bytes[split...]), into: &rest)
        #expect(session.isInGround)

        var newcomer = Emulator(columns: 20, rows: 5)
        newcomer.feed(snapshot)
        newcomer.feed(rest)
        #expect(newcomer.terminal.differences(from: session.terminal, includingHistory: false) == [])
        watcher.feed(first + rest)
        #expect(watcher.terminal.differences(from: session.terminal) == [])
    }

    @Test func withoutReleasingTheControlsTheNewcomerWouldApplyThemTwice() {
        var session = Emulator(columns: 20, rows: 5)
        var first: [UInt8] = []
        session.feedForwarding(Array(esc("⎋[1\n").utf8), into: &first)
        #expect(first.isEmpty)  // all held back
        let snapshot = session.terminal.snapshot()
        var rest: [UInt8] = []
        session.feedForwarding(Array(esc("2mX").utf8), into: &rest)
        var newcomer = Emulator(columns: 20, rows: 5)
        newcomer.feed(snapshot)
        newcomer.feed(rest)
        #expect(newcomer.terminal.cursor.y == 2 && session.terminal.cursor.y == 1)
    }
}
