// Faults a server meets in real use, each end to end on the real binary: a client that dawdles
// through its handshake, a thousand clients that come and go, a client that vanishes in the
// middle of a flood, and programs that ignore SIGHUP or close their output and keep running.

import Glibc
import MuxClient
import MuxProtocol
import MuxSystem
import Testing

/// The server's pid, from `mux server status --json`.
private func serverPID(_ server: TestServer) throws -> pid_t {
    let json = try server.ok(["server", "status", "--json"])
    let digits = json.firstRange(of: "\"pid\":").map { json[$0.upperBound...].prefix { $0.isNumber } } ?? ""
    return try #require(pid_t(digits))
}

/// How many descriptors `pid` has open.
private func openDescriptors(_ pid: pid_t) -> Int {
    guard let directory = opendir("/proc/\(pid)/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { count += 1 }
    }
    return count
}

@Suite(.serialized) struct FaultTests {
    @Test func aClientThatDawdlesThroughItsHandshakeIsDropped() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        let raw = try RawClient(server)
        let hello = Message.hello(
            version: ProtocolVersion.current, role: .control, clientID: "", columns: 80, rows: 24, term: "xterm"
        ).frame().encoded()
        // One byte a second: the whole HELLO would take longer than the server waits.
        var sent = 0
        var closed = false
        while sent < hello.count, !closed {
            raw.write([hello[sent]])
            sent += 1
            var p = pollfd(fd: raw.fd, events: Int16(POLLIN), revents: 0)
            closed = poll(&p, 1, 1000) > 0
        }
        #expect(closed, "the server still waited after \(sent) bytes")
        #expect(sent < hello.count)
        let messages = raw.readUntilClosed()
        #expect(messages.contains { if case .error(.handshakeRequired, _) = $0 { true } else { false } })
        #expect(try server.ok(["server", "status"]).contains("0 session(s)"))  // the server goes on
    }

    @Test func aThousandClientsComingAndGoingLeaveNoDescriptorsOrMemoryBehind() throws {
        let server = try TestServer()
        try server.newSession("c", "PS1='$ ' exec /bin/sh")
        let pid = try serverPID(server)
        func cycles(_ count: Int) throws {
            for index in 0..<count {
                let connection = try server.connect(role: index % 2 == 0 ? .control : .observer)
                _ = try connection.identify()
                try connection.send(
                    .attach(session: "c", asHolder: index % 4 == 0, historyLines: 10, since: nil, lossy: false))
                _ = try connection.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
                if index % 3 == 0 { try connection.send(.detach) }
                // The connection closes as it goes out of scope.
            }
        }
        try cycles(200)  // warm up: buffers, pools and the allocator reach their working size
        #expect(try eventually { try server.ok(["ls"]).contains("clients=0") })
        let descriptors = openDescriptors(pid)
        let memory = residentBytes(of: pid) ?? 0
        try cycles(1000)
        #expect(try eventually { try server.ok(["ls"]).contains("clients=0") })
        #expect(
            try eventually { openDescriptors(pid) == descriptors },
            "descriptors \(descriptors) → \(openDescriptors(pid))")
        let grown = ((residentBytes(of: pid) ?? 0) - memory) / 1024
        // A leak of even one snapshot (about 4 KiB here) per cycle would be 4 MiB. (The first
        // version of the handshake timeout kept each connection for its 5 s: 4.8 MiB here.)
        #expect(grown < 2048, "the server grew by \(grown) KiB over 1,000 cycles")
    }

    @Test func aClientThatVanishesInTheMiddleOfAFloodCostsNothingElse() throws {
        let server = try TestServer()
        try server.newSession("f", "exec yes 'a line of the flood'")
        for _ in 0..<5 {
            let connection = try server.connect(role: .observer)
            _ = try connection.identify()
            try connection.send(.attach(session: "f", asHolder: false, historyLines: 0, since: nil, lossy: true))
            _ = try connection.receive(until: { if case .output = $0 { true } else { false } })
            // It closes as it goes out of scope: writes to it now fail with EPIPE, never a SIGPIPE
            // that would kill the server.
        }
        #expect(try server.ok(["ls"]).contains("f"))
        try server.ok(["kill", "f"])
    }

    @Test func aProgramThatIgnoresSIGHUPAndSIGTERMIsKilledWhenItsSessionIs() throws {
        let server = try TestServer()
        try server.newSession("stubborn", "trap '' HUP TERM; echo ready; while :; do sleep 1; done")
        #expect(try eventually { try server.captureText("stubborn").contains("ready") })
        try server.ok(["kill", "stubborn"])  // returns once the session has ended: SIGKILL after 3 s
        #expect(try !server.ok(["ls"]).contains("stubborn"))
    }

    @Test func aProgramThatClosesItsOutputButKeepsRunningStaysASessionThatCanBeKilled() throws {
        let server = try TestServer()
        try server.newSession("quiet", "echo before; exec >&- 2>&-; sleep 60")
        #expect(try eventually { try server.captureText("quiet").contains("before") })
        usleep(300_000)
        let listed = try server.ok(["ls"])
        #expect(listed.contains("quiet") && listed.contains("running"), "\(listed)")
        try server.ok(["kill", "quiet"])
        #expect(try !server.ok(["ls"]).contains("quiet"))
    }
}
