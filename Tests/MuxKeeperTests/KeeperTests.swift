// The keeper as a process (docs/lifecycle.md, "The keeper"), with real programs and a stand-in
// server played by the test through a real KeeperLink: spawning through the link, exits, crashes
// and restarts, re-execution, RESTART and its rollbacks, and the keeper's own death.

import Dispatch
import Glibc
import MuxKeeper
import MuxPTY
import MuxSystem
import Synchronization
import Testing

private let environment = ["PATH=/usr/bin:/bin", "HOME=/tmp", "FOO=bar"]
private let size = TerminalSize(columns: 100, rows: 30)

private func exited(_ pid: pid_t, _ status: MuxPTY.ExitStatus) -> (KeeperEvent) -> Bool {
    { event in
        if case .exited(pid, status) = event { return true }
        return false
    }
}

private func isRollback(_ event: KeeperEvent) -> String? {
    if case .rollback(let reason) = event { return reason }
    return nil
}

@Suite struct KeeperTests {
    @Test func aProgramSpawnedThroughTheLinkIsTheKeepersChildInItsOwnTerminal() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        let inventory = try server.connect()
        #expect(inventory.programs.isEmpty && inventory.listener == nil)
        #expect(keeper.readinessLine() == "\n")  // the first server's line, passed on

        let program = try server.link.spawn(
            ["/bin/sh", "-c", "echo FOO=$FOO; exec cat"], environment: environment, workingDirectory: "/tmp",
            size: size, tag: Array("a".utf8))
        let stat = try #require(processStat(program.pid))
        #expect(stat.parent == keeper.keeperPID)
        #expect(stat.session == program.pid)  // a session leader, as PTYProcess.spawn makes it
        #expect(try program.size() == size)
        #expect(read(program.masterDescriptor, until: "FOO=bar").contains("FOO=bar"))
        var cwd = [CChar](repeating: 0, count: 256)
        let n = readlink("/proc/\(program.pid)/cwd", &cwd, 255)
        #expect(String(decoding: cwd[..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self) == "/tmp")
        try program.write(Array("hello\n".utf8))
        #expect(read(program.masterDescriptor, until: "hello").contains("hello"))
        // Its controlling terminal is that PTY: a hang-up there reaches it.
        try program.signal(SIGKILL)
        #expect(server.event(exited(program.pid, .signaled(SIGKILL))) != nil)
    }

    @Test func aSpawnBeforeStartReadsTheLinkItselfAndKeepsTheEventsForStart() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.link.inventory()
        let short = try server.link.spawn(
            ["/bin/sh", "-c", "exit 2"], environment: environment, workingDirectory: nil, size: size, tag: [])
        #expect(eventually { reaped(short.pid) })
        // This spawn reads the EXITED the keeper sent meanwhile; `start` delivers it.
        let long = try server.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        #expect(processStat(long.pid)?.parent == keeper.keeperPID)
        server.startEvents()
        #expect(server.event(exited(short.pid, .exited(2))) != nil)
    }

    /// A server starts spawning for its first clients before it starts its link's reading thread
    /// (it listens first); two readers of the link would each take answers the other waits for.
    @Test func spawnsRacingStartEachGetTheirAnswer() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.link.inventory()
        let pids = Mutex<[pid_t]>([])
        let finished = DispatchSemaphore(value: 0)
        let link = server.link
        startThread {
            for _ in 0..<40 {
                if let program = try? link.spawn(
                    ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
                {
                    pids.withLock { $0.append(program.pid) }
                }
            }
            finished.signal()
        }
        _ = eventually { pids.withLock { !$0.isEmpty } }
        server.startEvents()
        // A hang would never signal; the bound only keeps a failure from hanging the run.
        #expect(finished.wait(timeout: .now() + 60) == .success, "a spawn never got its answer")
        #expect(pids.withLock { $0.count } == 40)
        for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
    }

    @Test func aFailedSpawnGivesTheSameErrorAsASpawnHere() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.connect()
        for (arguments, directory) in [(["no-such-program-16"], nil), (["/bin/sh"], "/no/such/directory")] {
            var direct: SpawnError?
            do {
                _ = try PTYProcess.spawn(arguments, environment: environment, workingDirectory: directory, size: size)
            } catch {
                direct = error
            }
            var kept: SpawnError?
            do {
                _ = try server.link.spawn(
                    arguments, environment: environment, workingDirectory: directory, size: size, tag: [])
            } catch {
                kept = error
            }
            #expect(kept != nil && kept == direct)
            #expect(kept?.description == direct?.description)
        }
    }

    @Test func exitStatusesReachTheServerAndTheNextServersInventory() throws {
        let keeper = try KeeperHarness()
        let first = try keeper.nextServer()
        _ = try first.connect()
        let three = try first.link.spawn(
            ["/bin/sh", "-c", "read x; exit 3"], environment: environment, workingDirectory: nil, size: size,
            tag: [3])
        let killed = try first.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [9])
        let released = try first.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [0])
        let running = try first.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [1])
        try three.write(Array("\n".utf8))
        try killed.signal(SIGKILL)
        #expect(first.event(exited(three.pid, .exited(3))) != nil)
        #expect(first.event(exited(killed.pid, .signaled(SIGKILL))) != nil)
        first.link.release(pid: released.pid)
        first.link.retag(pid: running.pid, tag: [1, 1])

        // The server crashes; the next one is told what is held, statuses included, in spawn order.
        kill(first.pid, SIGKILL)
        let second = try keeper.nextServer()
        let inventory = try second.connect()
        #expect(inventory.programs.map(\.pid) == [three.pid, killed.pid, running.pid])
        #expect(inventory.programs.map(\.exit) == [.exited(3), .signaled(SIGKILL), nil])
        #expect(inventory.programs.map(\.tag) == [[3], [9], [1, 1]])
        // The master it got is the program's terminal.
        let adopted = PTYProcess(adopting: inventory.programs[2].pid, master: inventory.programs[2].master)
        try adopted.write(Array("again\n".utf8))
        #expect(read(adopted.masterDescriptor, until: "again").contains("again"))
        for program in inventory.programs.dropLast() { close(program.master) }
    }

    @Test func aCrashedServerIsRestartedWithADoublingBackoff() throws {
        let keeper = try KeeperHarness()
        var server = try keeper.nextServer()
        _ = try server.connect()
        let program = try server.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        for _ in 0..<3 {
            kill(server.pid, SIGKILL)
            server = try keeper.nextServer()
            let inventory = try server.connect()
            #expect(inventory.programs.map(\.pid) == [program.pid])
            for held in inventory.programs { close(held.master) }
        }
        let restarts = keeper.log().filter { $0.contains("killed by signal 9") && $0.contains("restarting") }
        #expect(restarts.count == 3)
        // The first crash restarts at once; a server that keeps crashing waits longer each time.
        #expect(restarts.map { $0.hasSuffix("restarting") } == [true, false, false])
        #expect(restarts.map { $0.hasSuffix("in 0.1 s") } == [false, true, false])
        #expect(restarts.map { $0.hasSuffix("in 0.2 s") } == [false, false, true])
        // The program lived through it all.
        try program.write(Array("still\n".utf8))
        #expect(read(program.masterDescriptor, until: "still").contains("still"))
        #expect(processStat(program.pid)?.parent == keeper.keeperPID)
    }

    @Test func aServerThatStopsOnPurposeTakesTheKeeperAndItsProgramsWithIt() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.connect()
        let program = try server.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        server.link.stopping()
        server.exit(0)
        #expect(try keeper.keeperExit() == .exited(0))
        // The keeper's master is closed; once the server's is too, the program is hung up on.
        #expect(processRuns(program.pid))
        program.close()
        #expect(eventually { !processRuns(program.pid) })
    }

    @Test func theListeningSocketIsHeldForTheNextServer() throws {
        let keeper = try KeeperHarness()
        let first = try keeper.nextServer()
        _ = try first.connect()
        let path = keeper.directory + "/clients.sock"
        let listener = try UnixSocket.bind(to: path)
        defer { unlink(path) }
        listen(listener, 8)
        first.link.holdListener(listener)
        close(listener)
        kill(first.pid, SIGKILL)
        // A client that connects while no server runs waits in the backlog.
        let client = try UnixSocket.connect(to: path)
        defer { close(client) }
        let second = try keeper.nextServer()
        let held = try #require(try second.connect().listener)
        defer { close(held) }
        let accepted = accept(held, nil, nil)
        #expect(accepted >= 0)
        close(accepted)
    }

    @Test func aStopSignalToTheKeeperStopsTheServerAndTheKeeper() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.connect()
        kill(keeper.keeperPID, SIGTERM)
        // The stand-in does not catch SIGTERM: it dies of it, and the keeper does not restart it.
        #expect(try keeper.keeperExit() == .exited(0))
        #expect(eventually { !processRuns(server.pid) })
        #expect(!keeper.log().contains { $0.contains("restarting") })
    }

    @Test func aFirstServerThatCannotStartEndsTheKeeperWithItsReason() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        server.say("already-running a server is already running on \(keeper.socketPath)\n")
        server.exit(1)
        #expect(keeper.readinessLine() == "already-running a server is already running on \(keeper.socketPath)\n")
        #expect(try keeper.keeperExit() == .exited(1))

        // One that dies without a word: the keeper says so in its place.
        let silent = try KeeperHarness()
        let dying = try silent.nextServer()
        dying.exit(4)
        dying.say("")
        let line = silent.readinessLine()
        #expect(line.hasPrefix("system the server exited with status 4 before it was ready"))
        #expect(try silent.keeperExit() == .exited(1))
    }

    @Test func reexecutionKeepsThePidTheProgramsAndTheLink() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.connect()
        let before = try server.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        kill(keeper.keeperPID, SIGUSR2)
        #expect(eventually { keeper.log().contains { $0.contains("resumed (pid \(keeper.keeperPID), 1 program(s)") } })
        // The same link, still answered; the old program still held and reaped by the keeper.
        let after = try server.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        #expect(processStat(after.pid)?.parent == keeper.keeperPID)
        try before.write(Array("kept\n".utf8))
        #expect(read(before.masterDescriptor, until: "kept").contains("kept"))
        try before.signal(SIGKILL)
        #expect(server.event(exited(before.pid, .signaled(SIGKILL))) != nil)
        // The server was not restarted, and a second re-execution works as well as the first.
        kill(keeper.keeperPID, SIGUSR2)
        #expect(eventually { keeper.log().filter { $0.contains("resumed") }.count == 2 })
        try after.signal(SIGKILL)
        #expect(server.event(exited(after.pid, .signaled(SIGKILL))) != nil)
        #expect(!keeper.log().contains { $0.contains("restarting") })
        #expect(keeper.servers.count == 1)
    }

    @Test func aRestartHandsEverythingToTheNewServerAndTellsTheOldToExit() throws {
        let keeper = try KeeperHarness()
        let old = try keeper.nextServer()
        _ = try old.connect()
        let program = try old.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [7])
        old.link.restart(executable: muxBinaryPath())
        let new = try keeper.nextServer()
        let inventory = try new.connect()
        #expect(inventory.programs.map(\.pid) == [program.pid])
        #expect(inventory.programs.map(\.tag) == [[7]])
        new.link.ready(sessions: 1)
        #expect(old.event { if case .exit = $0 { true } else { false } } != nil)
        old.exit(0)
        #expect(eventually { reaped(old.pid) })
        // The new server is the keeper's server now: it hears of exits, and the old one's exit
        // started nothing.
        try program.signal(SIGKILL)
        #expect(new.event(exited(program.pid, .signaled(SIGKILL))) != nil)
        #expect(!keeper.log().contains { $0.contains("restarting") })
        #expect(keeper.log().contains { $0.contains("replaces pid \(old.pid)") })
        for held in inventory.programs { close(held.master) }
    }

    @Test func aRestartRollsBackWhenTheNewServerReportsAnotherCount() throws {
        let keeper = try KeeperHarness()
        let old = try keeper.nextServer()
        _ = try old.connect()
        let program = try old.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        old.link.restart(executable: "")
        let new = try keeper.nextServer()
        _ = try new.connect()
        new.link.ready(sessions: 5)
        #expect(old.event { isRollback($0) != nil }.flatMap(isRollback) == "the new server restored 5 of 1 sessions")
        #expect(eventually { reaped(new.pid) })
        // The old server carries on: it still spawns and hears of exits.
        let another = try old.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        try program.signal(SIGKILL)
        #expect(old.event(exited(program.pid, .signaled(SIGKILL))) != nil)
        try another.signal(SIGKILL)
        #expect(old.event(exited(another.pid, .signaled(SIGKILL))) != nil)
    }

    @Test func aRestartRollsBackWhenTheNewServerExitsFirst() throws {
        let keeper = try KeeperHarness()
        let old = try keeper.nextServer()
        _ = try old.connect()
        old.link.restart(executable: muxBinaryPath())
        let new = try keeper.nextServer()
        _ = try new.connect(ready: false)
        new.exit(3)
        let reason = old.event { isRollback($0) != nil }.flatMap(isRollback)
        #expect(reason == "the new server exited with status 3 before it was ready")
        #expect(keeper.servers.count == 2)
    }

    @Test func aRestartRollsBackWhenTheNewServerIsNotReadyInTime() throws {
        let keeper = try KeeperHarness(restartTimeout: 0.5)
        let old = try keeper.nextServer()
        _ = try old.connect()
        old.link.restart(executable: muxBinaryPath())
        let new = try keeper.nextServer()
        _ = try new.connect()
        let reason = old.event { isRollback($0) != nil }.flatMap(isRollback)
        #expect(reason == "the new server was not ready within 0.5 s")
        #expect(eventually { reaped(new.pid) })
    }

    @Test func aKilledKeeperLeavesItsProgramsToTheServersMasters() throws {
        let keeper = try KeeperHarness()
        let server = try keeper.nextServer()
        _ = try server.connect()
        let program = try server.link.spawn(
            ["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        kill(keeper.keeperPID, SIGKILL)
        #expect(try keeper.keeperExit() == .signaled(SIGKILL))
        #expect(server.event { if case .lost = $0 { true } else { false } } != nil)
        // The server's duplicate still holds the terminal open: no hang-up yet.
        try program.write(Array("alone\n".utf8))
        #expect(read(program.masterDescriptor, until: "alone").contains("alone"))
        // A spawn now fails plainly.
        #expect {
            try server.link.spawn(["cat"], environment: environment, workingDirectory: nil, size: size, tag: [])
        } throws: { ($0 as? SpawnError)?.cause == .keeperLost }
        program.close()
        #expect(eventually { !processRuns(program.pid) })
    }
}
