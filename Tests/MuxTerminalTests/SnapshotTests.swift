// The snapshot contract: replaying snapshot(T) into a fresh terminal of T's size gives T, on every
// observable; and the two stay equal when fed the same further bytes.

import Glibc
import MuxTerminal
import MuxUnicode
import MuxWorkloads
import Testing

/// A fresh terminal of `terminal`'s size after replaying its snapshot.
func replay(_ terminal: Terminal, history: Int? = nil, into start: Emulator? = nil) -> Emulator {
    var copy =
        start ?? Emulator(columns: terminal.columns, rows: terminal.rows, scrollbackLimit: terminal.scrollback.limit)
    copy.feed(terminal.snapshot(history: history ?? terminal.scrollback.count))
    _ = copy.takeEffects()
    return copy
}

/// Checks the round trip, then the continuation with `more`.
func checkRoundTrip(
    _ original: Emulator, continuingWith more: [UInt8] = [], _ label: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var original = original
    #expect(original.isInGround, "snapshots are taken between sequences", sourceLocation: sourceLocation)
    var copy = replay(original.terminal)
    #expect(copy.terminal.differences(from: original.terminal) == [], "\(label)", sourceLocation: sourceLocation)
    guard !more.isEmpty else { return }
    original.feed(more)
    copy.feed(more)
    #expect(
        copy.terminal.differences(from: original.terminal) == [], "\(label), continued", sourceLocation: sourceLocation)
}

/// The states docs/snapshot.md lists as having no portable sequence, or nil.
func documentedLimit(_ terminal: Terminal) -> String? {
    let screens = [
        (terminal.cursor, terminal.screen), (terminal.primary.savedCursor.cursor, terminal.primary),
        (terminal.alternate.savedCursor.cursor, terminal.alternate),
    ]
    for (index, (cursor, screen)) in screens.enumerated() where cursor.pendingWrap {
        let cells = screen.rows[cursor.y].cells
        let reachable = cursor.x == terminal.columns - 1 || (index == 0 && cursor.x == terminal.rightMargin)
        if !reachable {
            return "a pending wrap left of the right margin (CBT keeps one) is not restored"
        }
        if cells[cursor.x].content == 0 && !cells[cursor.x].isSpacer {
            return "a pending wrap over an empty last cell is restored with a space there"
        }
    }
    let history = (0..<terminal.scrollback.count).flatMap { terminal.scrollback[$0].storedCells }
    if history.contains(where: { $0.content == 0 && !$0.isSpacer && $0.attributes.rawValue & 0x2ff != 0 }) {
        return "history cells that DECCARA gave attributes without text are not restored"
    }
    if terminal.modes.columnMode {
        return "DECCOLM's mode is not restored: setting it would clear the viewer's screen"
    }
    if terminal.cursor.pendingWrap && !terminal.modes.autowrap {
        return "a pending wrap with autowrap off is not restored"
    }
    if terminal.columns == 1 {
        return "a terminal one column wide"
    }
    let allCells =
        terminal.primary.rows.flatMap(\.cells) + terminal.alternate.rows.flatMap(\.cells)
        + (0..<terminal.scrollback.count).flatMap { terminal.scrollback[$0].storedCells }
    if allCells.contains(where: {
        $0.isCluster && !$0.isWide && CharacterWidth.of(cluster: terminal.scalars(of: $0)) == 2
    }) {
        return "a flag or VS16 sequence left narrow where printing it again would widen it"
    }
    if terminal.modes.origin && (terminal.cursor.y < terminal.scrollTop || terminal.cursor.y > terminal.scrollBottom) {
        return "origin mode with the cursor outside the scroll region is restored with the cursor in the region"
    }
    if terminal.rows < 3 {
        let wrapsWithBlankEnd =
            (0..<terminal.scrollback.count).contains { index in
                let line = terminal.scrollback[index]
                let cells = line.storedCells
                return line.wrapped && (cells.count < terminal.columns || cells.last?.content == 0)
            } || terminal.primary.rows.contains { $0.wrapped } || terminal.alternate.rows.contains { $0.wrapped }
        if wrapsWithBlankEnd {
            return "fewer than three rows: soft wraps of blank-ended or bottom rows are not restored"
        }
    }
    return nil
}

@Suite struct SnapshotTests {
    static var tableCases: [ScreenCase] { SplitInvarianceTests.inputs }

    @Test(arguments: tableCases) func tableCaseRoundTrips(_ c: ScreenCase) {
        let original = makeTerminal(c.columns, c.rows, feeding: c.input)
        let more = Array(esc("more\r\n⎋[1mtext⎋[0m").utf8)
        if let limit = documentedLimit(original.terminal) {
            withKnownIssue(Comment(rawValue: limit), isIntermittent: true) {
                checkRoundTrip(original, continuingWith: more, c.name)
            }
        } else {
            checkRoundTrip(original, continuingWith: more, c.name)
        }
    }

    /// How many random states to try: 300 by default, more with MUX_SNAPSHOT_SEEDS (the long run
    /// in docs/snapshot.md uses 100000), starting at MUX_SNAPSHOT_FIRST_SEED (default 0).
    static var seeds: Range<Int> {
        let count = getenv("MUX_SNAPSHOT_SEEDS").flatMap { Int(String(cString: $0)) } ?? 300
        let first = getenv("MUX_SNAPSHOT_FIRST_SEED").flatMap { Int(String(cString: $0)) } ?? 0
        return first..<(first + count)
    }

    @Test(arguments: goldenCases()) func goldenCaseRoundTrips(name: String) throws {
        let base = goldenDirectory + "/" + name
        let input = try #require(readFile(base + "/input.bin"))
        let size = String(decoding: try #require(readFile(base + "/size")), as: UTF8.self)
            .split(whereSeparator: { $0 == "x" || $0.isNewline }).compactMap { Int($0) }
        var original = Emulator(columns: size[0], rows: size[1])
        original.feed(input)
        original.feed([0x18])
        checkRoundTrip(original, continuingWith: Array(esc("⎋[Hafter⎋[K\r\n").utf8), name)
    }

    @Test(arguments: seeds) func randomStateRoundTrips(seed: Int) {
        var stream = RandomStream(seed: UInt64(seed))
        stream.includesRepeatAndSingleShifts = false
        var generator = SplitMix64(seed: UInt64(seed) &+ 7)
        var original = Emulator(
            columns: 1 + generator.next(below: 100), rows: 1 + generator.next(below: 30), scrollbackLimit: 40)
        original.feed(stream.bytes(length: 1500))
        // A snapshot is taken between sequences (the server waits for that); CAN ends any.
        original.feed([0x18])
        _ = original.takeEffects()
        let more = stream.bytes(length: 600)
        if let limit = documentedLimit(original.terminal) {
            withKnownIssue(Comment(rawValue: limit), isIntermittent: true) {
                checkRoundTrip(original, continuingWith: more, "seed \(seed)")
            }
        } else {
            checkRoundTrip(original, continuingWith: more, "seed \(seed)")
        }
    }

    @Test func pendingWrapSurvives() {
        let original = makeTerminal(10, 3, feeding: "0123456789")
        let copy = replay(original.terminal)
        #expect(copy.terminal.cursor.pendingWrap)
        checkRoundTrip(original, continuingWith: Array("X".utf8), "pending wrap")
    }

    @Test func softWrapSurvivesAndReflowsAlike() {
        var original = makeTerminal(8, 4, feeding: "abcdefghijkl\r\nxy")
        var copy = replay(original.terminal)
        #expect(copy.terminal.screen.rows[0].wrapped)
        original.resize(columns: 12, rows: 4)
        copy.resize(columns: 12, rows: 4)
        #expect(copy.terminal.differences(from: original.terminal) == [])
    }

    @Test func backgroundOnlyCellsAreErasedNotPrinted() {
        let original = makeTerminal(10, 2, feeding: "⎋[44m⎋[2K⎋[0mab⎋[41m⎋[3X")
        let bytes = String(decoding: original.terminal.snapshot(), as: UTF8.self)
        #expect(!bytes.contains("ab   "))
        checkRoundTrip(original, "erased cells")
    }

    @Test func alternateScreenWithThePrimaryBehind() {
        var original = makeTerminal(10, 3, feeding: "primary⎋[2;3H⎋[?1049h⎋[31malt⎋[2;2H⎋7⎋[3;1H")
        checkRoundTrip(original, continuingWith: Array(esc("⎋[?1049lX").utf8), "alternate")
        original.feed(esc("⎋[?1049l"))
        assertScreen(original, ["primary"])
    }

    @Test func hiddenAlternateContentAndSavedCursor() {
        let original = makeTerminal(10, 3, feeding: "⎋[?47hhidden⎋[2;2H⎋7⎋[?47lshown")
        checkRoundTrip(original, continuingWith: Array(esc("⎋[?47h⎋8x").utf8), "hidden alternate")
    }

    @Test func historyLandsInTheViewersScrollback() {
        let original = makeTerminal(10, 2, scrollback: 100, feeding: "⎋[32mone⎋[0m\r\ntwo\r\nthree\r\nfour")
        let copy = replay(original.terminal, history: 2)
        #expect(copy.terminal.historyLines == ["one", "two"])
        #expect(copy.terminal.scrollback[0].storedCells[0].foreground == .palette(2))
        let none = replay(original.terminal, history: 0)
        #expect(none.terminal.historyLines.isEmpty)
        #expect(none.terminal.differences(from: original.terminal, includingHistory: false) == [])
    }

    @Test func preludeRecoversAMessyTerminal() {
        // A viewer terminal left in a bad state by an earlier program.
        var messy = Emulator(columns: 20, rows: 5)
        messy.feed(esc("⎋[?1049h⎋[5;10r⎋[?6h⎋[?7l⎋[4h⎋(0⎋[1;41m⎋[?25l⎋[?1000h⎋]8;;http://x\u{7}⎋[3gjunk"))
        let original = makeTerminal(20, 5, feeding: "hello ⎋[1mworld⎋[0m\r\n\tx")
        let copy = replay(original.terminal, into: messy)
        #expect(copy.terminal.differences(from: original.terminal) == [])
    }

    @Test func snapshotIsCompact() {
        var emulator = Emulator(columns: 80, rows: 24)
        emulator.feed(Workload.sgr.generate(size: 20_000))
        let size = emulator.terminal.snapshot().count
        #expect(size < 8_000, "\(size) bytes for a full 80x24 screen of coloured text")
    }

    @Test func neverSynchronizedOutput() {
        let original = makeTerminal(10, 2, feeding: "⎋[?2026hmid-update")
        let bytes = String(decoding: original.terminal.snapshot(), as: UTF8.self)
        #expect(!bytes.contains("\u{1b}[?2026h"))
    }
}
