// The attached client's prefix keys (docs/client.md, "Keys") typed into `mux attach` in a real
// PTY, and REFRESH from a raw protocol client. Each test waits on what the server reports (the
// lease's state, the session's screen), never on a fixed time.

import MuxClient
import MuxProtocol
import MuxTerminal
import Testing

private let prefix: UInt8 = 0x02  // C-b

/// `mux lease status NAME --json` as the server reports it.
private func lease(_ server: TestServer, _ name: String) throws -> String {
    try server.ok(["lease", "status", name, "--json"])
}

private func leaseJSON(_ name: String, holder: String?, waiting: [String]) -> String {
    "{\"name\":\"\(name)\",\"session\":\"\(name)\",\"holder\":\(holder.map { "\"\($0)\"" } ?? "null"),"
        + "\"waiting\":[\(waiting.map { "\"\($0)\"" }.joined(separator: ","))]}\n"
}

@Suite(.serialized) struct PrefixKeyTests {
    @Test func prefixTTakesTheLeaseAndPrefixRGivesItBack() throws {
        let server = try TestServer()
        try server.newSession("l", "exec cat")
        let a = try AttachedClient(server, ["attach", "l", "--client", "A"])
        #expect(try eventually { try lease(server, "l") == leaseJSON("l", holder: "A", waiting: []) })
        let b = try AttachedClient(server, ["attach", "l", "--observe", "--client", "B"])
        #expect(try eventually { try server.ok(["ls"]).contains("clients=2") })
        #expect(try lease(server, "l") == leaseJSON("l", holder: "A", waiting: []))

        try b.type([prefix, UInt8(ascii: "t")])
        #expect(try eventually { try lease(server, "l") == leaseJSON("l", holder: "B", waiting: ["A"]) })
        #expect(try eventually { b.text.contains("you hold the input lease of l") })
        // B now types into the session.
        try b.type(Array("typed by B\r".utf8))
        #expect(try eventually { try server.captureText("l").contains("typed by B") })

        try b.type([prefix, UInt8(ascii: "r")])
        #expect(try eventually { try lease(server, "l") == leaseJSON("l", holder: "A", waiting: []) })
        // Both stay attached: neither key detached anyone.
        #expect(try server.ok(["ls"]).contains("clients=2"))
        _ = a
    }

    @Test func prefixRWithNobodyBelowLeavesTheLeaseFree() throws {
        let server = try TestServer()
        try server.newSession("f", "exec cat")
        let a = try AttachedClient(server, ["attach", "f", "--client", "A"])
        #expect(try eventually { try lease(server, "f") == leaseJSON("f", holder: "A", waiting: []) })
        try a.type([prefix, UInt8(ascii: "r")])
        #expect(try eventually { try lease(server, "f") == leaseJSON("f", holder: nil, waiting: []) })
        #expect(try eventually { a.text.contains("nobody holds the input lease of f") })
    }

    @Test func prefixTwiceSendsOneLiteralCtrlB() throws {
        let server = try TestServer()
        // `cat -v` shows a C-b as ^B; without echo only what reaches the program shows.
        try server.newSession("c", "stty -echo; echo ready; exec cat -v")
        let client = try AttachedClient(server, ["attach", "c"])
        #expect(try eventually { try server.captureText("c").hasPrefix("ready\n") })
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") })
        try client.type([prefix, prefix, UInt8(ascii: "x"), prefix, prefix, prefix, prefix, UInt8(ascii: "\r")])
        #expect(try eventually { try server.captureText("c").contains("ready\n^Bx^B^B\n") })
        #expect(try server.ok(["ls"]).contains("clients=1"), "still attached")
    }

    @Test func prefixQuestionMarkShowsTheKeysUntilARefreshPutsTheRowBack() throws {
        let server = try TestServer()
        try server.newSession("h", "stty -echo; echo ready; exec cat -v")
        let client = try AttachedClient(server, ["attach", "h"], columns: 100, rows: 10)
        #expect(try eventually { try client.screen == server.capture("h") && server.ok(["ls"]).contains("clients=1") })
        let before = try server.capture("h")
        try client.type([prefix, UInt8(ascii: "?")])
        // The bottom row shows the keys.
        #expect(try eventually { client.text.contains(PrefixKey.help) })
        #expect(client.terminal.terminal.visibleLines.last == PrefixKey.help)
        // Two seconds on, the client asks for a fresh snapshot, which draws the row as the session
        // has it; the program got nothing.
        #expect(try eventually { try client.screen == server.capture("h") })
        #expect(try server.capture("h") == before)
    }
}

@Suite(.serialized) struct RefreshTests {
    @Test func refreshSendsAFreshSnapshotAtTheCurrentOffset() throws {
        let server = try TestServer()
        try server.newSession("r", "PS1='$ ' exec /bin/sh")
        let client = try server.connect(role: .observer)
        try client.send(.attach(session: "r", asHolder: false, historyLines: 0, since: nil, lossy: true))
        var end: UInt64 = 0
        _ = try client.receive(until: {
            if case .snapshot(let offset, true, _) = $0 {
                end = offset
                return true
            }
            return false
        })
        let attachedAt = end
        // Follow the stream to the prompt after the command's output, where the shell rests.
        try server.ok(["send", "r", "--force", "--", "echo fresh-$((6 * 7))\r"])
        var text = ""
        _ = try client.receive(until: {
            guard case .output(let offset, let bytes) = $0 else { return false }
            #expect(offset == end, "offsets continue without a gap")
            end = offset + UInt64(bytes.count)
            text += String(decoding: bytes, as: UTF8.self)
            return text.contains("fresh-42\r\n$ ") && text.hasSuffix("$ ")
        })
        #expect(try server.captureText("r").contains("fresh-42\n$"))
        #expect(end > attachedAt)

        try client.send(.refresh)
        var snapshot: [UInt8] = []
        let answer = try client.receive(until: {
            if case .snapshot(_, _, let bytes) = $0 { snapshot += bytes }
            if case .snapshot(_, true, _) = $0 { return true }
            return false
        })
        // Only the snapshot came, at the offset the stream had reached.
        #expect(answer.allSatisfy { if case .snapshot = $0 { true } else { false } }, "\(answer)")
        guard case .snapshot(let offset, true, _) = answer.last else {
            Issue.record("no snapshot answered REFRESH: \(answer)")
            return
        }
        #expect(offset == end)
        // Drawn on a fresh terminal, it is the session's screen.
        var fresh = Emulator(columns: 80, rows: 24)
        fresh.feed(snapshot)
        #expect(try fresh.terminal.renderJSON(history: 0) + "\n" == server.capture("r"))
    }
}
