// `mux server restart` (docs/lifecycle.md): the server hands its sessions to a new one started by
// its keeper. During a flood, with a holder and an observer attached in real PTYs, both continue
// from their offsets: the holder's terminal receives every line once, in order; no program's pid
// changes. A restart to a binary that cannot start is rolled back: the old server carries on,
// with every session's program and files, even those the failed one could not take, and with
// the output the failed one read.

import Glibc
import MuxSystem
import Testing

@testable import MuxServer

@Suite(.serialized) struct RestartTests {
    /// Once a line is typed, 30 blocks of 1,000 numbered lines, a little apart, then DONE.
    static let flood =
        "read go; for i in $(seq 1 30); do seq $((i*1000)) $((i*1000+999)); sleep 0.05; done; echo DONE; exec cat"

    /// The numbered lines a terminal shows in its history and screen, in order.
    private func numbers(_ client: AttachedClient) -> [Int] {
        client.pump()
        let terminal = client.terminal.terminal
        return (terminal.historyLines + terminal.renderText().split(separator: "\n").map(String.init))
            .compactMap { Int($0) }
    }

    @Test func aRestartDuringAFloodLosesNothingForTheHolderOrTheObserver() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("f", Self.flood)
        let pid = try #require(try server.sessionPIDs()["f"])
        let holder = try AttachedClient(server, ["attach", "f"], scrollback: 100_000)
        let observer = try AttachedClient(server, ["attach", "f", "--observe"], scrollback: 100_000)
        #expect(try eventually { try server.ok(["ls"]).contains("clients=2") })
        try holder.type(Array("go\r".utf8))
        #expect(try eventually { numbers(holder).count > 2000 && numbers(observer).count > 100 })
        let before = try #require(server.serverPID)
        let restarted = try server.mux(["server", "restart"])
        #expect(restarted.status == 0, "\(restarted.stderr)")
        #expect(server.serverPID != before)
        for client in [holder, observer] {
            #expect(try eventually(timeout: 60) { client.text.contains("DONE") })
        }
        // The holder is lossless: every line reached its terminal once, in order.
        let expected = Array(1000...30_999)
        let got = numbers(holder)
        #expect(
            got == expected,
            "holder: \(got.count) lines; first wrong at \(got.indices.first { got[$0] != expected[$0] } ?? -1)")
        // The observer may skip when behind, but never repeats or reorders.
        let seen = numbers(observer)
        #expect(seen == seen.sorted() && Set(seen).count == seen.count)
        #expect(try eventually { try holder.screen == server.capture("f") })
        // (A status line may show for a moment after the client is back.)
        #expect(try eventually { try observer.screen == server.capture("f") })
        #expect(try server.sessionPIDs()["f"] == pid)
        #expect(try holder.process.pollExit() == nil && observer.process.pollExit() == nil)
    }

    @Test func aRestartToABinaryThatCannotStartIsRolledBack() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("s", "PS1='$ ' exec /bin/sh")
        let before = try #require(server.serverPID)
        let pid = try server.sessionPIDs()["s"]
        let failed = try server.mux(["server", "restart", "--executable", "/bin/false"])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("did not take over"), "\(failed.stderr)")
        #expect(server.serverPID == before)
        #expect(try server.sessionPIDs()["s"] == pid)
        // The old server carries on: it answers, types and reads.
        try server.ok(["send", "s", "echo still here", "Enter"])
        #expect(try eventually { try server.captureText("s").contains("still here\n") })
        let again = try server.mux(["server", "restart"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try server.sessionPIDs()["s"] == pid)
    }

    /// Writes `script` as an executable file in the test's directory; returns its path.
    private func wrapper(_ server: TestServer, _ name: String, _ script: String) throws -> String {
        let path = server.directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o700)
        try writeAll(fd, Array(("#!/bin/sh\n" + script + "\nexec '\(muxBinaryPath())' \"$@\"\n").utf8))
        close(fd)
        return path
    }

    @Test func aNewServerThatCannotTakeEverySessionTakesNone() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("a", "seq 1 30; exec cat")
        try server.newSession("b", "seq 101 130; exec cat")
        #expect(try eventually { try server.captureText("b").contains("\n130\n") })
        let pids = try server.sessionPIDs()
        let before = try #require(server.serverPID)
        let keeper = try #require(server.keeperPID)
        let directory = RecoveryFiles.directory(forSocket: server.socket, keeper: keeper)
        let serials = RecoveryFiles.serials(in: directory)
        try #require(serials.count == 2)
        // The new server cannot open b's output ring: a wrapper moves it aside first.
        let b = RecoveryFiles(directory: directory, serial: try #require(serials.max()))
        let loseB = try wrapper(server, "lose-b.sh", "mv '\(b.outputPath)' '\(b.outputPath).aside'")
        let failed = try server.mux(["server", "restart", "--executable", loseB])
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("session b (pid \(pids["b"] ?? 0)) could not be taken over"), "\(failed.stderr)")
        #expect(rename(b.outputPath + ".aside", b.outputPath) == 0)
        // It let go of nothing the old server keeps: b's program and files, the pid file, the
        // journal's rows.
        #expect(server.serverPID == before)
        for path in [b.inputPath, b.checkpointPath] { #expect(access(path, F_OK) == 0, "\(path) is gone") }
        #expect(try !server.mux(["ls"]).stdout.contains("lost"))
        try server.ok(["send", "b", "after the rollback", "Enter"])
        #expect(try eventually { try server.captureText("b").contains("after the rollback\nafter the rollback") })
        // So a crash of the old server loses neither session.
        try server.crashServer()
        #expect(try eventually("both are back", timeout: 30) { (try? server.sessionPIDs()) == pids })
        let screen = try server.captureText("b")
        #expect(screen.contains("\n130\nafter the rollback\nafter the rollback\n"), "\(screen)")
        #expect(try server.captureText("a").contains("\n30\n"))
    }

    @Test func theOutputANewServerReadBeforeItWasRolledBackIsNotLost() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("f", Self.flood.replacingOccurrences(of: "seq 1 30", with: "seq 1 60"))
        let holder = try AttachedClient(server, ["attach", "f"], scrollback: 100_000)
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") })
        // The new server takes the session over and reads the flood, while its keeper is stopped
        // (so does not hear it is ready); then it is killed, and the keeper rolls back. The keeper
        // goes on only once the SIGCHLD is pending (its last thread gone; a zombie leader shows
        // before that): it then hears of the death before it reads the readiness.
        let log = server.socket + ".log"
        let stopped = try wrapper(
            server, "read-then-die.sh",
            """
            keeper=$PPID; me=$$
            until grep -q "restart: started server pid $me " '\(log)'; do sleep 0.01; done
            kill -STOP $keeper
            (until grep -q 'recovered 1 of the 1 sessions' '\(log)'; do sleep 0.05; done
             sleep 0.5; kill -KILL $me
             until [ $((0x$(sed -n 's/^ShdPnd:\\t//p' /proc/$keeper/status) & 0x10000)) -ne 0 ]; do sleep 0.01; done
             kill -CONT $keeper) &
            """)
        try holder.type(Array("go\r".utf8))
        #expect(try eventually { numbers(holder).count > 1000 })
        let failed = try server.mux(["server", "restart", "--executable", stopped])
        #expect(failed.status == 1, "\(server.logLines(containing: "keeper"))")
        #expect(failed.stderr.contains("killed"), "\(failed.stderr)")
        let parsed = server.logLines(containing: "bytes the new server read are parsed here")
        #expect(parsed.count == 1, "the new server read nothing while it had the session")
        #expect(try eventually(timeout: 60) { holder.text.contains("DONE") })
        // The holder is lossless: every line reached its terminal once, in order.
        let expected = Array(1000...60_999)
        let got = numbers(holder)
        let lossless = got == expected
        #expect(
            lossless,
            "holder: \(got.count) lines; first wrong at \(got.indices.first { got[$0] != expected[$0] } ?? -1)")
        #expect(try eventually { try holder.screen == server.capture("f") })
        // The input ring and the checkpoint agree with what this server parsed: a crash now
        // rebuilds the same screen.
        let screen = try server.capture("f")
        let pid = try server.sessionPIDs()["f"]
        try server.crashServer()
        #expect(try eventually("f is back", timeout: 30) { (try? server.sessionPIDs())?["f"] == pid })
        #expect(try server.capture("f") == screen)
    }

    @Test func aProgramThatExitsWhileANewServerHasItsSessionEndsInTheOldOneWithItsLastWords() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        let flag = server.directory + "/exit-now"
        try server.newSession(
            "x", keep: true, "echo STARTED; until [ -e '\(flag)' ]; do sleep 0.02; done; echo LAST WORDS; exit 3")
        #expect(try eventually { try server.captureText("x").contains("STARTED") })
        let pid = try #require(try server.sessionPIDs()["x"])
        // The program exits once the old server has handed the session over (its reader halted,
        // the last words left in the terminal) and the keeper has told it so; a while later (past
        // a drain's deadline) the new server starts, with the keeper stopped, takes the session
        // over, reads the last words and is killed.
        let log = server.socket + ".log"
        let script = try wrapper(
            server, "exit-then-die.sh",
            """
            keeper=$PPID; me=$$
            until grep -q "restart: started server pid $me " '\(log)'; do sleep 0.01; done
            touch '\(flag)'
            while [ -e /proc/\(pid) ]; do sleep 0.01; done
            sleep 0.5
            kill -STOP $keeper
            (until grep -q 'recovered 1 of the 1 sessions' '\(log)'; do sleep 0.05; done
             sleep 0.3; kill -KILL $me
             until [ $(ls /proc/$me/task | wc -l) -le 1 ] && grep -q '^[0-9]* ([^)]*) Z' /proc/$me/stat; do
               sleep 0.01
             done
             sleep 0.1; kill -CONT $keeper) &
            """)
        let failed = try server.mux(["server", "restart", "--executable", script])
        #expect(failed.status == 1, "\(server.logLines(containing: "keeper"))")
        #expect(failed.stderr.contains("killed"), "\(failed.stderr)")
        // The old server shows what the program wrote last, and how it ended.
        #expect(
            try eventually("x is reported exited") {
                (try? server.mux(["ls", "--json"]).stdout)?.contains("\"exitStatus\":3") == true
            })
        let screen = try server.captureText("x")
        #expect(screen.contains("STARTED\nLAST WORDS\n"), "\(screen)")
    }

    @Test func aServerStartedWithoutAKeeperSaysRestartNeedsOne() throws {
        // A server started alone (MUX_KEEPER=0 starts it without a keeper) cannot be replaced.
        let other = try TestServer()
        let started = try runMux(["server", "start"], environment: other.environment + ["MUX_KEEPER=0"])
        #expect(started.status == 0, "\(started.stderr)")
        let refused = try other.mux(["server", "restart"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("no keeper"), "\(refused.stderr)")
    }
}
