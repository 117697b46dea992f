// `mux server restart` (docs/lifecycle.md): the server hands its sessions to a new one started by
// its keeper. During a flood, with a holder and an observer attached in real PTYs, both continue
// from their offsets: the holder's terminal receives every line once, in order; no program's pid
// changes. A restart to a binary that cannot start is rolled back: the old server carries on.

import Glibc
import Testing

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
