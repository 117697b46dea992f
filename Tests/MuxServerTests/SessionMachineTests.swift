// The session machine without I/O: each event in each phase of a client and of the session's
// life, and the actions it answers with, in order (docs/server.md, "The session machine").

import Glibc
import MuxPTY
import MuxProtocol
import Testing

@testable import MuxServer

typealias Action = SessionMachine.Action

/// A running session named "s" with a 1,000-byte ring; its clients' watermarks are 256 cells'
/// worth or at least 100 bytes (a 1x1 session: 256 high, 64 low).
func makeSession(keep: Bool = false, columns: UInt16 = 80, rows: UInt16 = 24) -> SessionMachine {
    var machine = SessionMachine(
        name: "s", columns: columns, rows: rows, keep: keep, creator: "maker", ringCapacity: 1000, outboxMinimum: 100)
    _ = machine.handle(.opened)
    return machine
}

func attaching(
    _ client: String, holder: Bool = false, observer: Bool = false, lossless: Bool = false, columns: UInt16 = 80,
    rows: UInt16 = 24, history: Int = 0, since: UInt64? = nil
) -> SessionMachine.Event {
    .attach(
        .init(
            client: client, mayHold: !observer, asHolder: holder, lossless: lossless, columns: columns, rows: rows,
            history: history, since: since))
}

extension SessionMachine {
    /// Handles the events in order; the actions of the last one.
    @discardableResult
    mutating func run(_ events: Event...) -> [Action] {
        var last: [Action] = []
        for event in events { last = handle(event) }
        return last
    }

    /// Attaches `client` and completes its first snapshot at the current end, as the server would.
    mutating func attachLive(_ client: String, holder: Bool = false, lossless: Bool = false, observer: Bool = false) {
        run(
            attaching(
                client, holder: holder, observer: observer, lossless: lossless, columns: columns, rows: rows),
            .snapshotSent(client, at: endOffset))
    }

    func phase(_ client: String) -> Attachment.Phase? { attachment(client)?.phase }
}

/// Only the actions addressed to `client`, in order.
func to(_ client: String, _ actions: [Action]) -> [Action] {
    actions.filter {
        switch $0 {
        case .send(let id, _), .flush(let id), .drain(let id, _), .sendSnapshot(let id, _, _), .release(let id):
            id == client
        default: false
        }
    }
}

@Suite struct SessionMachineAttachTests {
    @Test func attachSendsAttachedThenOneSnapshot() {
        var machine = makeSession()
        let actions = machine.handle(attaching("a", history: 50))
        #expect(
            actions == [
                .send("a", .attached(session: "s", columns: 80, rows: 24, holdsLease: false)),
                .sendSnapshot("a", history: 50),
            ])
        #expect(machine.phase("a") == .snapshotting)
        #expect(machine.handle(.snapshotSent("a", at: 0)).isEmpty)
        #expect(machine.phase("a") == .live(cursor: 0))
    }

    @Test func attachAsHolderOfAnotherSizeResizesBeforeAttachedAndSendsOneSnapshot() {
        var machine = makeSession()
        machine.attachLive("watcher")
        let actions = machine.handle(attaching("a", holder: true, columns: 120, rows: 40))
        // The new holder hears of nothing before ATTACHED, which carries the new size; then one
        // snapshot. The client already there gets RESIZED and a snapshot of its own.
        #expect(
            to("a", actions) == [
                .send("a", .attached(session: "s", columns: 120, rows: 40, holdsLease: true)),
                .sendSnapshot("a", history: 0),
                .send("a", .lease(holder: "a", holdsLease: true)),
            ])
        #expect(actions.first == .resizeTerminal(columns: 120, rows: 40))
        #expect(
            to("watcher", actions) == [
                .send("watcher", .resized(columns: 120, rows: 40)),
                .sendSnapshot("watcher", history: 0),
                .send("watcher", .lease(holder: "a", holdsLease: false)),
            ])
        #expect(machine.columns == 120 && machine.rows == 40)
    }

    @Test(arguments: [
        // since, output before, resized by the attach, expect the backlog
        (UInt64(300), 500, false, true),  // inside the ring
        (UInt64(500), 500, false, true),  // at its end: nothing to send, no snapshot
        (UInt64(100), 1500, false, false),  // left the ring (1,000 bytes): a snapshot
        (UInt64(600), 500, false, false),  // past the end: a snapshot
        (UInt64(300), 500, true, false),  // inside, but the attach resized the session: a snapshot
    ])
    func attachSince(since: UInt64, written: Int, resized: Bool, backlog: Bool) {
        var machine = makeSession()
        machine.run(.output(count: written))
        let actions = machine.handle(
            attaching("a", holder: resized, columns: resized ? 100 : 80, rows: 24, since: since))
        let snapshots = actions.filter { if case .sendSnapshot = $0 { true } else { false } }
        #expect(snapshots.count == (backlog ? 0 : 1))
        if backlog {
            #expect(machine.phase("a") == .live(cursor: since))
            #expect(machine.pendingOutput(for: "a") == (since < UInt64(written) ? since..<UInt64(written) : nil))
            #expect(actions.contains(.flush("a")) == (since < UInt64(written)))
        }
        #expect(actions.first { if case .send("a", .attached) = $0 { true } else { false } } != nil)
    }

    @Test func aSnapshotWaitsForABlockedSocketAndAWritableOneInTheMiddleOfASnapshotChangesNothing() {
        var machine = makeSession()
        machine.attachLive("a")
        machine.run(.blocked("a"), .refresh("a"))
        #expect(machine.phase("a") == .awaitingSnapshot(history: 0))
        #expect(machine.handle(.writable("a")) == [.sendSnapshot("a", history: 0)])
        #expect(machine.handle(.writable("a")).isEmpty)  // mid-snapshot: no second one
        #expect(machine.handle(.refresh("a")).isEmpty)
        #expect(machine.phase("a") == .snapshotting)
        machine.run(.output(count: 10))
        #expect(machine.handle(.snapshotSent("a", at: 10)).isEmpty)
        #expect(machine.phase("a") == .live(cursor: 10))
    }

    @Test func snapshotsWaitForASynchronizedUpdateToEndOrOverstay() {
        var machine = makeSession()
        #expect(machine.handle(.synchronizedOutput(true)) == [.schedule(.updateOverdue(generation: 1))])
        let attached = machine.handle(attaching("a"))
        #expect(!attached.contains { if case .sendSnapshot = $0 { true } else { false } })
        #expect(machine.handle(.synchronizedOutput(false)) == [.sendSnapshot("a", history: 0)])
        machine.run(.snapshotSent("a", at: 0), .synchronizedOutput(true))
        #expect(machine.handle(.refresh("a")).isEmpty)
        // A timer from an earlier update does nothing; this update's timer sends the snapshot.
        #expect(machine.handle(.timer(.updateOverdue(generation: 1))).isEmpty)
        #expect(machine.handle(.timer(.updateOverdue(generation: 3))) == [.sendSnapshot("a", history: 0)])
    }

    @Test func detachDuringAttachLeavesNothingOwed() {
        var machine = makeSession()
        machine.run(.synchronizedOutput(true), attaching("a"))
        let actions = machine.handle(.detach("a", acknowledge: true))
        #expect(actions == [.release("a"), .send("a", .done)])
        #expect(machine.attachments.isEmpty)
        #expect(machine.handle(.synchronizedOutput(false)).isEmpty)
        #expect(machine.handle(.snapshotSent("a", at: 0)).isEmpty)
    }

    @Test func aLeaseChangeDuringAnAttachGivesTheAttachingClientOneSnapshotAtTheNewSize() {
        var machine = makeSession()
        machine.attachLive("holder", holder: true)
        machine.run(.synchronizedOutput(true), attaching("late"))
        #expect(machine.phase("late") == .awaitingSnapshot(history: 0))
        machine.run(attaching("popout", holder: true, columns: 100, rows: 30))
        let actions = machine.handle(.synchronizedOutput(false))
        #expect(to("late", actions) == [.sendSnapshot("late", history: 0)])
        #expect(machine.columns == 100)
    }

    @Test func programExitDuringAttachDrainsAndTellsEveryClient() {
        var machine = makeSession()
        machine.attachLive("live")
        machine.run(.synchronizedOutput(true), attaching("waiting"), .output(count: 40), .terminalEnded)
        let actions = machine.handle(.programExited(.exited(3)))
        #expect(
            actions == [
                .log(.info, "session s: exited with status 3"),
                .drain("live", from: 0), .send("live", .exited(status: 3)), .release("live"),
                .drain("waiting", from: nil), .send("waiting", .exited(status: 3)), .release("waiting"),
                .closeProgram, .listExited,
            ])
        #expect(machine.lifecycle == .exited(.exited(3)))
    }

    @Test func anObserverCannotAttachAsHolderOrTakeTheLease() {
        var machine = makeSession()
        machine.attachLive("eye", observer: true)
        let actions = machine.handle(.takeLease("eye", requester: "cli"))
        #expect(
            actions == [
                .send("cli", .error(.invalidArgument, "client eye is not attached to session s as a control client"))
            ]
        )
        #expect(machine.handle(.takeLease(nil, requester: "cli")).count == 1)
        #expect(machine.lease.holder == nil)
    }
}

@Suite struct SessionMachineOutputTests {
    @Test func outputIsFlushedToLiveClientsWhoseSocketsTakeIt() {
        var machine = makeSession()
        machine.attachLive("a")
        machine.attachLive("b")
        machine.run(.synchronizedOutput(true), attaching("c"))
        machine.run(.blocked("b"))
        #expect(machine.handle(.output(count: 30)) == [.flush("a")])
        #expect(machine.pendingOutput(for: "b") == 0..<30)
        #expect(machine.pendingOutput(for: "c") == nil)
        #expect(machine.handedOn("a", through: 30).isEmpty)
        #expect(machine.oldestCursor == 0)
        #expect(machine.handle(.writable("b")) == [.flush("b")])
        machine.run(.output(count: 5))
        #expect(machine.pendingOutput(for: "a") == 30..<35)
    }

    @Test func aClientPastItsHighWatermarkLosesItsQueueForOneSnapshot() {
        var machine = makeSession(columns: 1, rows: 1)  // watermarks 256 / 64
        machine.attachLive("slow")
        machine.run(.blocked("slow"), .output(count: 250))
        let actions = machine.handle(.output(count: 20))
        #expect(actions == [.log(.info, "client slow fell behind in session s at offset 0: resync 1")])
        #expect(machine.phase("slow") == .awaitingSnapshot(history: 0))
        #expect(machine.attachment("slow")?.queuedBytes(end: machine.endOffset) == 0)
        // Whatever arrives now is covered by the snapshot: nothing queues, nothing more is counted.
        for _ in 0..<100 { #expect(machine.handle(.output(count: 50)).isEmpty) }
        #expect(machine.attachment("slow")?.resyncs == 1)
        #expect(machine.handle(.writable("slow")) == [.sendSnapshot("slow", history: 0, skippedFrom: 0)])
        machine.run(.snapshotSent("slow", at: machine.endOffset))
        #expect(machine.pendingOutput(for: "slow") == nil)
        #expect(machine.oldestCursor == machine.endOffset)
    }

    @Test func aLosslessHolderPausesTheProgramInsteadAndResumesItUnderTheLowWatermark() {
        var machine = makeSession(columns: 1, rows: 1)
        machine.attachLive("holder", holder: true, lossless: true)
        machine.attachLive("watcher")
        machine.run(.blocked("holder"))
        let actions = machine.handle(.output(count: 300))
        #expect(actions.contains(.pauseReading))
        #expect(!actions.contains(.flush("holder")))
        #expect(machine.attachment("holder")?.resyncs == 0)
        #expect(machine.attachment("watcher")?.resyncs == 1)  // an observer is never held back for
        #expect(machine.handle(.output(count: 10)).filter { $0 == .pauseReading }.isEmpty)  // once
        // A holder's marks do not grow with the screen: the 100-byte minimum, and a quarter of it.
        #expect(machine.handedOn("holder", through: 284).isEmpty)  // 26 queued: over the low mark
        #expect(machine.handedOn("holder", through: 285) == [.resumeReading])  // 25: at it
        #expect(!machine.readingPaused)
    }

    @Test func aHoldersHighMarkIsTheMinimumWhateverTheScreensSize() {
        var machine = makeSession(columns: 200, rows: 60)  // an observer's high mark: 3 MB
        machine.attachLive("holder", holder: true, lossless: true)
        machine.run(.blocked("holder"))
        #expect(machine.handle(.output(count: 100)).isEmpty)
        #expect(machine.handle(.output(count: 1)).contains(.pauseReading))
    }

    @Test func aLosslessHolderThatLeavesOrLosesTheLeaseNoLongerHoldsTheProgram() {
        for leave in [
            SessionMachine.Event.detach("holder", acknowledge: false), .releaseLease("holder", requester: "x"),
        ] {
            var machine = makeSession(columns: 1, rows: 1)
            machine.attachLive("holder", holder: true, lossless: true)
            machine.run(.blocked("holder"), .output(count: 300))
            #expect(machine.readingPaused)
            #expect(machine.handle(leave).contains(.resumeReading))
        }
    }
}

@Suite struct SessionMachineLeaseTests {
    @Test(arguments: [
        // lease holder (nil: vacant), the client typing, force, accepted
        (String?.none, "a", false, true),
        ("a", "a", false, true),
        ("a", "b", false, false),
        ("a", "b", true, true),
    ])
    func whoMayType(holder: String?, typist: String, force: Bool, accepted: Bool) {
        var machine = makeSession()
        if let holder { machine.attachLive(holder, holder: true) }
        let actions = machine.handle(.input(from: typist, bytes: [0x61], force: force, acknowledge: true))
        if accepted {
            #expect(actions == [.writeToProgram([0x61]), .send(typist, .done)])
        } else {
            #expect(
                actions == [
                    .send(
                        typist,
                        .error(
                            .leaseRequired,
                            "client a holds the lease of session s; take it with `mux lease take s` (or pass --force)")
                    )
                ])
        }
    }

    @Test func theSizeFollowsTheLeaseAndComesBackWithIt() {
        var machine = makeSession()
        machine.attachLive("main", holder: true)
        machine.run(attaching("popout", columns: 100, rows: 30), .snapshotSent("popout", at: 0))
        #expect(machine.handle(.takeLease(nil, requester: "cli")).contains(.resizeTerminal(columns: 100, rows: 30)))
        #expect(machine.lease.stack == ["main", "popout"])
        let released = machine.handle(.detach("popout", acknowledge: false))
        #expect(released.contains(.resizeTerminal(columns: 80, rows: 24)))
        #expect(released.contains(.send("main", .lease(holder: "main", holdsLease: true))))
        #expect(machine.lease.stack == ["main"])
    }

    @Test func aNonHolderCannotResizeButItsSizeIsRemembered() {
        var machine = makeSession()
        machine.attachLive("main", holder: true)
        machine.attachLive("other")
        let refused = machine.handle(.resize(by: "other", columns: 50, rows: 10, force: false, acknowledge: false))
        #expect(refused.count == 1)
        #expect(machine.columns == 80)
        machine.run(.takeLease("other", requester: "other"))
        #expect(machine.columns == 50 && machine.rows == 10)
    }

    @Test func takingTheLeaseWithNobodyWaitingIsRefused() {
        var machine = makeSession()
        machine.attachLive("main", holder: true)
        #expect(
            machine.handle(.takeLease(nil, requester: "cli")) == [
                .send(
                    "cli",
                    .error(
                        .invalidArgument,
                        "no attached client of session s is waiting for the lease; name one with --client"))
            ])
    }
}

@Suite struct SessionMachineLifecycleTests {
    @Test func openingTellsTheCreatorAndFailingKillsTheProgram() {
        var opened = SessionMachine(
            name: "s", columns: 80, rows: 24, keep: false, creator: "maker", ringCapacity: 1000, outboxMinimum: 100)
        #expect(opened.lifecycle == .starting)
        #expect(opened.handle(.opened) == [.reply("maker", .created(session: "s"))])
        #expect(opened.lifecycle == .running)
        #expect(opened.handle(.opened).isEmpty)
        var failed = SessionMachine(
            name: "s", columns: 80, rows: 24, keep: false, creator: "maker", ringCapacity: 1000, outboxMinimum: 100)
        let actions = failed.handle(.failedToOpen("no pipe"))
        #expect(actions.contains(.send("maker", .error(.spawnFailed, "cannot watch the terminal of s: no pipe"))))
        #expect(actions.contains(.signalProgram(SIGKILL)))
        #expect(actions.contains(.stopReading))
    }

    @Test(arguments: [true, false])
    func theEndNeedsBothTheExitAndTheTerminalsEnd(exitFirst: Bool) {
        var machine = makeSession()
        let first = machine.handle(exitFirst ? .programExited(.exited(0)) : .terminalEnded)
        #expect(!first.contains(.forget))
        #expect(first.contains(.schedule(.drainDeadline)) == exitFirst)
        #expect(machine.isLive)
        let second = machine.handle(exitFirst ? .terminalEnded : .programExited(.exited(0)))
        #expect(second.contains(.closeProgram) && second.last == .listExited)
        #expect(machine.lifecycle == .exited(.exited(0)))
    }

    @Test func aGrandchildHoldingTheTerminalIsNotWaitedForPastTheDeadline() {
        var machine = makeSession()
        machine.run(.programExited(.exited(0)))
        #expect(machine.handle(.timer(.drainDeadline)) == [.stopReading])
        machine.run(.terminalEnded)
        #expect(machine.handle(.timer(.drainDeadline)).isEmpty)
    }

    @Test func aKeptSessionStaysExitedUntilKilled() {
        var machine = makeSession(keep: true)
        machine.run(.terminalEnded, .programExited(.signaled(9)))
        #expect(machine.lifecycle == .exited(.signaled(9)))
        #expect(!machine.isLive)
        #expect(machine.exitStatus?.shellStatus == 137)
        #expect(machine.handle(.kill(signal: SIGTERM, requester: "cli")) == [.forget, .reply("cli", .done)])
    }

    @Test func anExitedSessionStaysListedUntilItsStatusIsCollected() {
        var machine = makeSession()
        #expect(machine.run(.terminalEnded, .programExited(.exited(5))).suffix(2) == [.closeProgram, .listExited])
        #expect(machine.lifecycle == .exited(.exited(5)))
        #expect(machine.exitStatus?.shellStatus == 5)
        #expect(machine.handle(.collect(requester: "waiter")) == [.forget, .reply("waiter", .done)])
        #expect(machine.lifecycle == .ended)
        // A second waiter that was a moment late is answered, and nothing else happens.
        #expect(machine.handle(.collect(requester: "late")) == [.send("late", .done)])
    }

    @Test func aKeptSessionIsNotCollectedByAWaiterOrTheBoundOnlyKilled() {
        var machine = makeSession(keep: true)
        machine.attachLive("maker")
        #expect(machine.run(.terminalEnded, .programExited(.exited(5))).last == .listExited)
        #expect(machine.handle(.collect(requester: "waiter")) == [.send("waiter", .done)])
        #expect(machine.handle(.expire).isEmpty)
        #expect(machine.lifecycle == .exited(.exited(5)))
        #expect(machine.handle(.kill(signal: SIGHUP, requester: "cli")) == [.forget, .reply("cli", .done)])
    }

    @Test func collectingARunningSessionIsRefusedAndTheBoundLeavesItAlone() {
        var machine = makeSession()
        #expect(
            machine.handle(.collect(requester: "waiter")) == [
                .send(
                    "waiter",
                    .error(.invalidArgument, "session s is still running; `mux wait s --exit` waits for it"))
            ])
        #expect(machine.handle(.expire).isEmpty)
        machine.run(.programExited(.exited(0)))  // draining
        #expect(machine.handle(.expire).isEmpty)
        #expect(machine.isLive)
    }

    @Test func theBoundCollectsAnExitedSession() {
        var machine = makeSession()
        machine.run(.terminalEnded, .programExited(.exited(1)))
        #expect(machine.handle(.expire) == [.forget])
        #expect(machine.lifecycle == .ended)
    }

    @Test func theCreatorAttachedWhenItsProgramEndsCollectsItsStatus() {
        var machine = makeSession()
        machine.attachLive("maker")
        machine.attachLive("other")
        let actions = machine.run(.terminalEnded, .programExited(.exited(7)))
        #expect(
            to("maker", actions) == [.drain("maker", from: 0), .send("maker", .exited(status: 7)), .release("maker")])
        #expect(actions.suffix(2) == [.closeProgram, .forget])
        #expect(machine.lifecycle == .ended)
        // Another client attached without the creator collects nothing.
        var other = makeSession()
        other.attachLive("other")
        #expect(other.run(.terminalEnded, .programExited(.exited(7))).last == .listExited)
    }

    @Test func killSignalsThenKillsAProgramThatIgnoresIt() {
        var machine = makeSession(keep: true)
        #expect(
            machine.handle(.kill(signal: SIGTERM, requester: "cli")) == [
                .signalProgram(SIGTERM), .schedule(.killDeadline),
            ])
        #expect(machine.handle(.timer(.killDeadline)) == [.signalProgram(SIGKILL)])
        machine.run(.programExited(.signaled(9)))
        #expect(machine.handle(.timer(.killDeadline)).isEmpty)
        // Killed, so not kept, and the killer hears DONE once it is gone.
        #expect(machine.handle(.terminalEnded).suffix(2) == [.forget, .reply("cli", .done)])
    }

    @Test func inputAfterTheEndIsNotWritten() {
        var machine = makeSession(keep: true)
        machine.run(.terminalEnded, .programExited(.exited(0)))
        #expect(machine.handle(.input(from: "a", bytes: [1], force: false, acknowledge: true)) == [.send("a", .done)])
        #expect(machine.handle(.resize(by: "a", columns: 10, rows: 10, force: false, acknowledge: false)).isEmpty)
    }
}

@Suite struct ExitedSessionsTests {
    private func entry(_ name: String, at exitedAt: UInt64, serial: UInt64 = 0) -> ExitedSessions.Entry {
        .init(name: name, exitedAt: exitedAt, serial: serial)
    }

    @Test func withinTheBoundNothingIsCollected() {
        let bound = ExitedSessions(limit: 3, maxAge: 100)
        #expect(bound.toCollect([entry("a", at: 1000), entry("b", at: 1010), entry("c", at: 1020)], now: 1050).isEmpty)
        #expect(bound.toCollect([], now: 1050).isEmpty)
    }

    @Test func pastTheLimitTheOldestAreCollectedFirst() {
        let bound = ExitedSessions(limit: 2, maxAge: 100)
        let exited = [entry("new", at: 1030), entry("old", at: 1000), entry("mid", at: 1020), entry("older", at: 1010)]
        #expect(bound.toCollect(exited, now: 1040) == ["old", "older"])
        // Sessions that exited in the same second go in the order they were created.
        let tied = [entry("second", at: 1000, serial: 2), entry("first", at: 1000, serial: 1)]
        #expect(ExitedSessions(limit: 1, maxAge: 100).toCollect(tied, now: 1000) == ["first"])
    }

    @Test func pastTheirAgeTheyAreCollectedWhateverTheCount() {
        let bound = ExitedSessions(limit: 100, maxAge: 60)
        let exited = [entry("stale", at: 1000), entry("fresh", at: 1050), entry("edge", at: 1040)]
        #expect(bound.toCollect(exited, now: 1100) == ["stale", "edge"])
        // A clock that went back collects nothing by age.
        #expect(bound.toCollect(exited, now: 900).isEmpty)
    }

    @Test func aLimitOfZeroCollectsEveryOne() {
        let bound = ExitedSessions(limit: 0, maxAge: 100)
        #expect(bound.toCollect([entry("a", at: 1000), entry("b", at: 1001)], now: 1001) == ["a", "b"])
    }
}
