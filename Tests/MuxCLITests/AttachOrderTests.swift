// The order of what an attaching client receives, on the real server (docs/protocol.md,
// "Handshake and attach"): ATTACHED, then exactly one snapshot or the backlog from `since`, then
// output from there on, whatever the sizes.

import Glibc
import MuxClient
import MuxProtocol
import Testing

/// Follows a connection's output from `offset`, checking that each OUTPUT starts where the last
/// ended, until the output so far contains `text`; returns the offset reached.
private func follow(_ connection: ServerConnection, from offset: UInt64, until text: String) throws -> UInt64 {
    var end = offset
    var seen: [UInt8] = []
    _ = try connection.receive(until: {
        guard case .output(let at, let bytes) = $0 else { return false }
        #expect(at == end, "offsets continue without a gap")
        end = at + UInt64(bytes.count)
        seen += bytes
        return String(decoding: seen, as: UTF8.self).contains(text)
    })
    return end
}

extension ServerConnection {
    /// Attaches to `session` with nothing to resume from and reads up to its snapshot's last
    /// frame; returns the snapshot's offset.
    func attachForSnapshot(_ session: String) throws -> UInt64 {
        try send(.attach(session: session, asHolder: false, historyLines: 0, since: nil, lossy: true))
        let seen = try receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        guard case .snapshot(let offset, true, _) = seen.last else {
            throw ClientError("no snapshot after attaching to \(session)")
        }
        return offset
    }
}

@Suite(.serialized) struct AttachOrderTests {
    @Test func aHolderOfAnotherSizeGetsAttachedThenOneSnapshotThenOutput() throws {
        let server = try TestServer()
        try server.newSession("o", "PS1='$ ' exec /bin/sh")
        let watcher = try server.connect(role: .observer)
        var end = try watcher.attachForSnapshot("o")
        try server.ok(["send", "o", "--", "echo ready\r"])
        end = try follow(watcher, from: end, until: "ready\r\n$ ")

        // A holder whose terminal is 100x30 attaches with `since` at the present: the session is
        // resized for it, so the backlog would be at the wrong size and it gets a snapshot instead.
        let holder = try server.connect(columns: 100, rows: 30)
        try holder.send(.attach(session: "o", asHolder: true, historyLines: 0, since: end, lossy: true))
        let first = try holder.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        #expect(first.first == .attached(session: "o", columns: 100, rows: 30, holdsLease: true))
        let snapshots = first.filter { if case .snapshot = $0 { true } else { false } }
        #expect(snapshots.count == first.count - 1, "nothing but snapshot frames between ATTACHED and the snapshot")
        guard case .snapshot(let at, true, _) = first.last else { return }
        // Then output continues from the snapshot's offset, with no REFRESH needed.
        try holder.send(.input(Array("echo wide\r".utf8)))
        _ = try follow(holder, from: at, until: "wide\r\n$ ")
        #expect(try server.ok(["ls"]).contains("100x30"))

        // The watcher heard of the new size and got a fresh snapshot, once.
        let seen = try watcher.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        #expect(seen.contains(.resized(columns: 100, rows: 30)))
        #expect(seen.filter { if case .snapshot(_, true, _) = $0 { true } else { false } }.count == 1)
    }

    @Test func aBacklogOfAWholeRingArrivesInFramesTheClientAccepts() throws {
        let server = try TestServer()
        try server.newSession("o", "PS1='$ ' exec /bin/sh")
        let watcher = try server.connect()
        var end = try watcher.attachForSnapshot("o")
        // More than the ring (1 MiB) of output, then ask for everything the ring still holds.
        try server.ok(["send", "o", "--", "head -c 1200000 /dev/zero | tr '\\0' x; echo; echo done\r"])
        end = try follow(watcher, from: end, until: "done\r\n$ ")
        let start = end - (1 << 20)
        let late = try server.connect()
        try late.send(.attach(session: "o", asHolder: false, historyLines: 0, since: start, lossy: true))
        let reached = try follow(late, from: start, until: "done\r\n$ ")
        #expect(reached == end)
        try late.send(.detach)
        let rest = try late.receive(until: { $0 == .done })
        #expect(!rest.contains { if case .snapshot = $0 { true } else { false } })
    }

    @Test func aClientBehindWhenTheProgramExitsGetsTheRestOfTheOutputBeforeExited() throws {
        let server = try TestServer()
        try server.ok(["new", "-d", "-s", "o", "--", "sh", "-c", "read go; head -c 800000 /dev/zero | tr '\\0' q"])
        let watcher = try server.connect(role: .observer)
        _ = try watcher.attachForSnapshot("o")
        // The watcher reads nothing while the program writes more than the sockets hold (but less
        // than its outbox's high watermark, so it is not resynchronised) and exits.
        try server.ok(["send", "o", "--key", "Enter"])
        #expect(
            try eventually(timeout: 20) {
                try server.ok(["ls"]).contains("o: sh -c read go") && server.ok(["ls"]).contains("exited (status 0)")
            })
        var written = 0
        let rest = try watcher.receive(until: {
            if case .output(_, let bytes) = $0 { written += bytes.count(where: { $0 == UInt8(ascii: "q") }) }
            return $0 == .exited(status: 0)
        })
        #expect(written == 800_000)
        #expect(rest.last == .exited(status: 0))
        #expect(!rest.contains { if case .snapshot = $0 { true } else { false } })
    }
}
