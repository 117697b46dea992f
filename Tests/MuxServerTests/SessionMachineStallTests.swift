// A lossless holder whose terminal stalls is demoted after the server's limit, so a frozen
// client never freezes a program; and a client that falls behind is told how many lines it was
// not shown (docs/views.md).

import MuxProtocol
import Testing

@testable import MuxServer

/// A 1x1 session (watermarks 256 / 64) whose holder "h" is lossless and has stopped reading.
private func stalledHolder() -> SessionMachine {
    var machine = makeSession(columns: 1, rows: 1)
    machine.attachLive("h", holder: true, lossless: true)
    machine.run(.blocked("h"))
    return machine
}

private let stallTimer = SessionMachine.Timer.holderStalled(generation: 1, milliseconds: 10_000)

@Suite struct HolderStallTests {
    @Test func pausingForAHolderStartsTheStallClock() {
        var machine = stalledHolder()
        let actions = machine.handle(.output(count: 300))
        #expect(actions == [.pauseReading, .schedule(stallTimer)])
    }

    @Test func aHolderThatCatchesUpBeforeTheLimitIsNotDemoted() {
        var machine = stalledHolder()
        machine.run(.output(count: 300))
        #expect(machine.handedOn("h", through: 300) == [.resumeReading])
        #expect(machine.handle(.timer(stallTimer)).isEmpty)
        #expect(machine.attachment("h")?.demoted == false)
        #expect(machine.attachment("h")?.resyncs == 0)
    }

    @Test func aHolderStillStalledAtTheLimitIsDemotedToldAndResyncedAndTheProgramGoesOn() {
        var machine = stalledHolder()
        machine.run(.output(count: 300, scrolledOff: 7))
        let actions = machine.handle(.timer(stallTimer))
        #expect(actions.contains(.resumeReading))
        #expect(
            to("h", actions) == [
                .send(
                    "h",
                    .notice(
                        "your terminal fell 10 s behind s: it now skips output when behind instead of holding "
                            + "the program back (C-b t restores that)"))
            ])
        #expect(actions.contains(.log(.warning, "client h stalled 10 s holding session s back: demoted to resync")))
        #expect(machine.attachment("h")?.demoted == true)
        #expect(machine.attachment("h")?.resyncs == 1)
        #expect(machine.phase("h") == .awaitingSnapshot(history: 0))
        #expect(!machine.readingPaused)
        // From now on it is resynced like an observer: the program is never paused for it.
        machine.run(.writable("h"), .snapshotSent("h", at: machine.endOffset), .blocked("h"))
        let later = machine.handle(.output(count: 300))
        #expect(!later.contains(.pauseReading))
        #expect(machine.attachment("h")?.resyncs == 2)
    }

    @Test func aTimerFromAnEarlierPauseIsStale() {
        var machine = stalledHolder()
        machine.run(.output(count: 300))
        _ = machine.handedOn("h", through: 300)
        machine.run(.output(count: 300))  // paused again: generation 2
        #expect(machine.readingPaused)
        #expect(machine.handle(.timer(stallTimer)).isEmpty)
        #expect(machine.attachment("h")?.demoted == false)
        let current = SessionMachine.Timer.holderStalled(generation: 2, milliseconds: 10_000)
        #expect(machine.handle(.timer(current)).contains(.resumeReading))
    }

    @Test func theLeaseMovingDuringAStallResumesTheProgramAndDemotesNobody() {
        var machine = stalledHolder()
        machine.attachLive("o")
        machine.run(.output(count: 300))
        let actions = machine.handle(.takeLease("o", requester: "o"))
        #expect(actions.contains(.resumeReading))
        #expect(machine.handle(.timer(stallTimer)).isEmpty)
        #expect(machine.attachment("h")?.demoted == false)
    }

    /// Found by the session-machine fuzzer: a resize dropped a lagging holder's queue for a
    /// snapshot but left the program paused, with nobody left to resume it (only the stall timer
    /// did, 10 s later; before the timer existed, never).
    @Test func aResizeThatDropsALaggingHoldersQueueResumesTheProgram() {
        var machine = stalledHolder()
        machine.run(.output(count: 300))
        #expect(machine.readingPaused)
        let actions = machine.handle(.resize(by: "h", columns: 2, rows: 1, force: false, acknowledge: false))
        #expect(machine.phase("h") == .awaitingSnapshot(history: 0))
        #expect(actions.last == .resumeReading)
        #expect(!machine.readingPaused)
    }

    @Test func takingTheLeaseAgainMakesADemotedHolderLosslessAgain() {
        var machine = stalledHolder()
        machine.run(.output(count: 300), .timer(stallTimer))
        #expect(machine.attachment("h")?.demoted == true)
        machine.run(.takeLease("h", requester: "h"))
        #expect(machine.attachment("h")?.demoted == false)
        machine.run(.writable("h"), .snapshotSent("h", at: machine.endOffset), .blocked("h"))
        #expect(machine.handle(.output(count: 300)).contains(.pauseReading))
    }
}

@Suite struct GapCountTests {
    @Test func aClientThatFallsBehindIsToldFromWhereItMissedLines() {
        var machine = makeSession(columns: 1, rows: 1)
        machine.attachLive("fast")
        machine.attachLive("slow")
        machine.run(.output(count: 100, scrolledOff: 10))
        _ = machine.handedOn("slow", through: 100)
        machine.run(.blocked("slow"), .output(count: 100, scrolledOff: 25))
        // "slow" was handed the output up to offset 100, where 10 lines had scrolled off.
        machine.run(.output(count: 200, scrolledOff: 40))
        #expect(machine.phase("slow") == .awaitingSnapshot(history: 0))
        #expect(machine.handle(.writable("slow")) == [.sendSnapshot("slow", history: 0, skippedFrom: 10)])
        // A later snapshot that is not a resync carries no gap.
        machine.run(.snapshotSent("slow", at: machine.endOffset))
        #expect(machine.handle(.refresh("slow")) == [.sendSnapshot("slow", history: 0)])
    }
}

@Suite struct ScrolledOffLogTests {
    @Test func countsAtChunkEndsAndBeforeTheFirstSample() {
        var log = ScrolledOffLog()
        log.record(end: 10, count: 0)
        log.record(end: 20, count: 3)
        log.record(end: 30, count: 3)
        log.record(end: 40, count: 9)
        #expect(log.current == 9)
        #expect([0, 10, 19, 20, 39, 40, 99].map { log.count(at: $0) } == [0, 0, 0, 3, 3, 9, 9])
    }

    @Test func forgettingKeepsTheCountAtTheOldestOffsetStillAskedAbout() {
        var log = ScrolledOffLog()
        for chunk in 1...1000 { log.record(end: UInt64(chunk * 10), count: UInt64(chunk)) }
        log.forget(before: 5000)
        #expect(log.count(at: 5000) == 500)
        #expect(log.count(at: 5005) == 500)
        #expect(log.count(at: 7770) == 777)
        #expect(log.current == 1000)
    }
}
