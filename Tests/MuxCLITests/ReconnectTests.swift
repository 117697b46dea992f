// Attached clients whose server vanished (docs/client.md, "Reconnecting"), end to end: `mux
// attach` in real PTYs, the server killed with SIGKILL, and the next server started on the same
// socket (here by `mux ls`, which relaunches the session from the journal; later by the keeper).
// The new session's offsets start again at 0, so the clients get a snapshot: their screens must be
// the session's, their terminals' scrollback untouched, their roles kept and their keys delivered.

import Glibc
import MuxClient
import Testing

private let prefix: UInt8 = 0x02  // C-b

/// A session that prints 300 lines the first time its command runs and one line when the next
/// server relaunches it, so the clients' offsets are past the new stream's end.
private func newRelaunchedSession(_ server: TestServer, _ name: String) throws {
    let marker = server.directory + "/\(name).ran"
    let command =
        "if [ -e \(marker) ]; then echo second program; else touch \(marker); seq 1 300; echo first program; fi; "
        + "exec cat"
    try server.ok(["new", "-d", "-s", name, "--size", "80x24", "--restore", "relaunch", "--", "/bin/sh", "-c", command])
}

/// How many snapshots a client wrote to its terminal (each begins with the same prelude).
private func snapshots(in bytes: [UInt8]) -> Int {
    let prelude = Array("\u{1b}[?1049h\u{1b}[H\u{1b}7\u{1b}[2J".utf8)
    guard bytes.count >= prelude.count else { return 0 }
    return (0...(bytes.count - prelude.count)).count { bytes[$0..<($0 + prelude.count)].elementsEqual(prelude) }
}

@Suite(.serialized) struct ReconnectTests {
    @Test func clientsOfAKilledServerAttachAgainInTheirRolesAndShowTheSessionWithNothingPushedIntoTheirScrollback()
        throws
    {
        let server = try TestServer()
        try newRelaunchedSession(server, "r")
        let reconnect = ["MUX_RECONNECT_SECONDS=20"]
        let holder = try AttachedClient(server, ["attach", "r", "--client", "A"], environment: reconnect)
        #expect(try eventually { holder.text.contains("first program") })
        let observer = try AttachedClient(
            server, ["attach", "r", "--observe", "--client", "B"], environment: reconnect)
        #expect(
            try eventually {
                try server.ok(["ls"]).contains("clients=2") && holder.screen == server.capture("r")
                    && observer.screen == server.capture("r")
            })
        let holderHistory = holder.terminal.terminal.historyLines
        let observerHistory = observer.terminal.terminal.historyLines
        #expect(holderHistory.contains("1") && holderHistory.contains("250"), "the snapshot's history went there")

        try server.crash()
        // Nothing answers on the socket: after half a second the clients say they are trying.
        #expect(try eventually { holder.text.contains(Reconnection.statusText) })
        #expect(try eventually { observer.text.contains(Reconnection.statusText) })
        #expect(try holder.process.pollExit() == nil && observer.process.pollExit() == nil, "neither exited")

        // The next server relaunches the session; the clients find it by themselves.
        try server.ok(["ls"])
        #expect(try eventually(timeout: 20) { try server.ok(["ls"]).contains("clients=2") })
        // The same ids, the same roles: A holds the lease again, B watches.
        let lease = try server.ok(["lease", "status", "r", "--json"])
        #expect(lease.contains(#""holder":"A","waiting":[]"#), "\(lease)")
        // Both show the new session's screen (the status line gone), and the snapshot pushed
        // nothing into their terminals' scrollback.
        #expect(
            try eventually { try holder.screen == server.capture("r") && observer.screen == server.capture("r") })
        #expect(try server.captureText("r").contains("second program"))
        #expect(holder.terminal.terminal.historyLines == holderHistory)
        #expect(observer.terminal.terminal.historyLines == observerHistory)

        // The holder keeps working: typing reaches the new program, and both see its echo.
        try holder.type(Array("after the crash\r".utf8))
        #expect(try eventually { try server.captureText("r").contains("after the crash\nafter the crash") })
        let same = try eventually { try holder.screen == server.capture("r") && observer.screen == server.capture("r") }
        let session = try server.capture("r")
        #expect(same, "\(holder.screen)\n\(observer.screen)\n\(session)")
    }

    @Test func aClientCutOffFromALiveServerContinuesFromItsOffsetWithoutASnapshot() throws {
        let server = try TestServer()
        try server.newSession("c", "PS1='$ ' exec /bin/sh")
        let relay = try SocketRelay(listeningAt: server.directory + "/relay.sock", forwardingTo: server.socket)
        let client = try AttachedClient(
            server, ["attach", "c", "--socket", relay.path, "--client", "A"], environment: ["MUX_RECONNECT_SECONDS=20"])
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") && client.screen == server.capture("c") })
        try client.type(Array("seq 1 30\r".utf8))
        #expect(try eventually { try server.captureText("c").contains("\n30\n$") && client.text.contains("\n30\n$") })
        #expect(snapshots(in: client.received) == 1)

        // The connection ends; the session goes on without the client, and nothing answers.
        relay.cut()
        #expect(try eventually { try server.ok(["ls"]).contains("clients=0") })
        try server.ok(["send", "c", "seq 31 200", "Enter"])
        #expect(try eventually { try server.captureText("c").contains("\n200\n$") })
        #expect(try eventually { client.text.contains(Reconnection.statusText) })

        relay.restore()
        #expect(try eventually { try server.ok(["lease", "status", "c", "--json"]).contains(#""holder":"A""#) })
        // The rest of the stream came as OUTPUT from where the client stopped: no snapshot, every
        // line once and in order in the terminal's scrollback, the status line gone.
        #expect(try eventually { try client.screen == server.capture("c") })
        #expect(snapshots(in: client.received) == 1)
        let numbers = client.terminal.terminal.renderText(history: 10_000).split(separator: "\n").compactMap { Int($0) }
        #expect(numbers == Array(1...200))
        try client.type(Array("echo back again\r".utf8))
        #expect(try eventually { try server.captureText("c").contains("\nback again\n") })
    }

    /// A client in pass-through whose replica fell far behind (a flood with nothing drawn over it)
    /// drops it and asks for a snapshot when it next needs it, here for the reconnecting status
    /// line: that REFRESH went to the dead connection, while the ATTACH already waiting on the
    /// new one asked to continue from its offset, so the client threw away all output after.
    @Test func aClientThatDroppedItsReplicaShowsWhatComesAfterReconnecting() throws {
        let server = try TestServer()
        try server.newSession("f", size: "80x24", "PS1='$ ' exec /bin/sh")
        let relay = try SocketRelay(listeningAt: server.directory + "/relay.sock", forwardingTo: server.socket)
        let client = try AttachedClient(
            server, ["attach", "f", "--socket", relay.path, "--client", "A"], columns: 80, rows: 24,
            environment: ["MUX_RECONNECT_SECONDS=20"])
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") && client.screen == server.capture("f") })
        // About 2 MB with nothing drawn over it: more than the replica may fall behind.
        try client.type(Array("seq 1 300000; echo flooded\r".utf8))
        #expect(
            try eventually(timeout: 60) {
                client.pump()
                return try server.captureText("f").contains("\nflooded\n$") && client.text.contains("\nflooded\n$")
            })

        // The connection ends; the next connect waits unanswered, its ATTACH sent, while the
        // status line shows.
        relay.hold()
        #expect(try eventually { client.text.contains(Reconnection.statusText) })
        try server.ok(["send", "f", "echo after the hold", "Enter"])
        #expect(try eventually { try server.captureText("f").contains("\nafter the hold\n$") })

        relay.restore()
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") })
        let shown = try eventually { try client.screen == server.capture("f") }
        #expect(shown, "\(client.text)")
        try client.type(Array("echo typed after\r".utf8))
        #expect(try eventually { client.text.contains("\ntyped after\n$") }, "\(client.text)")
    }

    @Test func keysTypedWhileReconnectingReachTheProgramOnceTheHolderIsBack() throws {
        let server = try TestServer()
        try newRelaunchedSession(server, "k")
        let holder = try AttachedClient(server, ["attach", "k"], environment: ["MUX_RECONNECT_SECONDS=20"])
        #expect(try eventually { try holder.text.contains("first program") && server.ok(["ls"]).contains("clients=1") })
        try server.crash()
        #expect(try eventually { holder.text.contains(Reconnection.statusText) })
        try holder.type(Array("typed while away\r".utf8))
        try server.ok(["ls"])
        #expect(
            try eventually(timeout: 20) { try server.captureText("k").contains("typed while away\ntyped while away") })
        #expect(try eventually { try holder.screen == server.capture("k") })
    }

    @Test func whenNoServerComesBackWithinTheLimitTheClientSaysSoAndExitsAsForALostServer() throws {
        let server = try TestServer()
        try server.newSession("g", "echo ready; exec cat")
        let client = try AttachedClient(server, ["attach", "g"], environment: ["MUX_RECONNECT_SECONDS=1"])
        #expect(try eventually { try client.text.contains("ready") && server.ok(["ls"]).contains("clients=1") })
        try server.crash()
        #expect(try client.waitForExit()?.shellStatus == 1)
        #expect(client.text.contains("[lost the server: the server did not come back in 1 s]"), "\(client.text)")
    }

    @Test func detachingWhileReconnectingEndsTheClientAtOnce() throws {
        let server = try TestServer()
        try server.newSession("d", "echo ready; exec cat")
        let client = try AttachedClient(server, ["attach", "d"], environment: ["MUX_RECONNECT_SECONDS=60"])
        #expect(try eventually { try client.text.contains("ready") && server.ok(["ls"]).contains("clients=1") })
        try server.crash()
        #expect(try eventually { client.text.contains(Reconnection.statusText) })
        try client.type([prefix, UInt8(ascii: "d")])
        #expect(try client.waitForExit()?.shellStatus == 0)
        #expect(client.text.contains("[detached]"))
    }

    @Test func aServerThatComesBackWithoutTheSessionEndsTheClientWithWhatItSaid() throws {
        let server = try TestServer()
        try server.ok(["new", "-d", "-s", "n", "--restore", "none", "--", "/bin/sh", "-c", "echo ready; exec cat"])
        let client = try AttachedClient(server, ["attach", "n"], environment: ["MUX_RECONNECT_SECONDS=20"])
        #expect(try eventually { try client.text.contains("ready") && server.ok(["ls"]).contains("clients=1") })
        try server.crash()
        try server.ok(["ls"])  // the next server lists n as lost, and refuses to attach to it
        #expect(try client.waitForExit()?.shellStatus == 1)
        #expect(client.text.contains("[lost the server: the server came back, but: "), "\(client.text)")
    }
}
