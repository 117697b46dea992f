// Bursty output with a client that stops reading: the holder still gets everything, the server's
// memory stays bounded (checked by its accounting, not by timing), the stalled client catches up
// in one step, and a lossless holder holds the program back instead of skipping.

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import MuxServer
import MuxTerminal
import Testing

/// A protocol-level observer whose reading the test controls, mirroring what it receives.
final class MirroringObserver {
    let connection: ServerConnection
    var emulator = Emulator(columns: 80, rows: 24)
    var snapshot: [UInt8] = []
    var nextOffset: UInt64?
    /// OUTPUT frames that did not start where the last OUTPUT or snapshot ended.
    var gaps = 0
    /// Whole snapshots received.
    var snapshots = 0
    /// The line counts of the GAPs received: lines the server says this client was not shown.
    var missedLines: [UInt64] = []

    init(_ server: TestServer, session: String) throws {
        connection = try server.connect(role: .observer)
        _ = try connection.identify()
        try connection.send(.attach(session: session, asHolder: false, historyLines: 0, since: nil, lossy: true))
    }

    /// Reads and applies whatever has arrived, for up to `seconds`.
    func catchUp(for seconds: Double = 0.05) throws {
        _ = try connection.receive(
            until: { message in
                switch message {
                case .attached(_, let columns, let rows, _), .resized(let columns, let rows):
                    self.emulator = Emulator(columns: Int(columns), rows: Int(rows))
                case .snapshot(let offset, let final, let bytes):
                    self.snapshot += bytes
                    if final {
                        self.emulator.feed(self.snapshot)
                        self.snapshot = []
                        self.nextOffset = offset
                        self.snapshots += 1
                    }
                case .gap(let lines):
                    self.missedLines.append(lines)
                case .output(let offset, let bytes):
                    if offset != self.nextOffset { self.gaps += 1 }
                    self.emulator.feed(bytes)
                    self.nextOffset = offset + UInt64(bytes.count)
                default: break
                }
                return false
            }, timeout: seconds)
    }

    var screen: String { emulator.terminal.renderJSON(history: 0) + "\n" }
}

/// The numbers in `mux server status --json` for one client.
func clientStatus(_ server: TestServer, _ id: String) throws -> (queued: Int, resyncs: Int)? {
    let json = try server.ok(["server", "status", "--json"])
    guard let range = json.firstRange(of: "{\"id\":\"\(id)\"") else { return nil }
    let object = json[range.lowerBound...].prefix { $0 != "}" }
    func number(_ field: String) -> Int? {
        guard let start = object.firstRange(of: "\"\(field)\":") else { return nil }
        return Int(object[start.upperBound...].prefix { $0.isNumber })
    }
    guard let queued = number("queuedBytes"), let resyncs = number("resyncs") else { return nil }
    return (queued, resyncs)
}

@Suite(.serialized) struct BackpressureTests {
    @Test func aStalledObserverChangesNothingForTheHolderAndCatchesUpInOneStep() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--outbox-bytes", "4096"])
        try server.newSession("flood", "PS1='$ ' exec /bin/sh")
        let holder = try AttachedClient(server, ["attach", "flood"])
        let stalled = try MirroringObserver(server, session: "flood")
        #expect(
            try eventually {
                try stalled.catchUp()
                return stalled.snapshots == 1
            })
        let stalledID = try stalled.connection.identify()
        #expect(try eventually { try server.ok(["ls"]).contains("clients=2") })

        // About 6 MB of coloured lines while the observer reads nothing.
        try holder.type(
            Array(
                ("i=0; while [ $i -lt 4000 ]; do printf '\\033[3%dm%01500d\\033[0m\\n' $((i%8)) $i; i=$((i+1)); done; "
                    + "echo FLOOD-DONE\r").utf8))
        // The holder's terminal keeps reading (a holder holds the program back while it lags).
        #expect(
            try eventually(timeout: 120) {
                holder.pump()
                return try server.captureText("flood").contains("FLOOD-DONE\n$")
            })

        // The server accounted for the stalled client's queue and kept it bounded: it was
        // resynchronised instead of buffering the flood, once: after the drop it owes a snapshot,
        // which waits until the client drains, and queues nothing more meanwhile.
        let status = try #require(try clientStatus(server, stalledID))
        let high = Outbox.watermarks(forCells: 80 * 24, minimum: 4096).high
        #expect(status.queued <= high)
        #expect(status.resyncs == 1)

        // The holder saw everything as the session has it.
        #expect(try eventually(timeout: 60) { try holder.screen == server.capture("flood") })

        // The observer resumes: one snapshot brings it to the present, then output continues.
        #expect(
            try eventually(timeout: 30) {
                try stalled.catchUp()
                return try stalled.screen == server.capture("flood")
            })
        try holder.type(Array("echo after\r".utf8))
        #expect(
            try eventually {
                try stalled.catchUp()
                return stalled.emulator.terminal.visibleLines.contains("after")
            })
        #expect(try stalled.screen == server.capture("flood"))
        // One step: one snapshot after the one it attached with, no output that skipped ahead
        // without one, and catching up cost no further resync.
        #expect(stalled.snapshots == 2)
        #expect(stalled.gaps == 0)
        // It was told how many lines it missed: the flood scrolled about 4,000 x 19 rows off the
        // screen, less what it was sent before its queue passed the high watermark (about 300
        // lines of 19 rows) and the screen's own 24 rows.
        #expect(stalled.missedLines.count == 1)
        #expect((60_000...76_010).contains(stalled.missedLines.first ?? 0), "missed \(stalled.missedLines)")
        #expect(try clientStatus(server, stalledID)?.resyncs == 1)
    }

    @Test func aHolderHoldsTheProgramBackAndItsTerminalGetsEveryLineOnceInOrder() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--outbox-bytes", "4096"])
        try server.newSession("slow", "PS1='$ ' exec /bin/sh")
        // Lossless is the holder's default; the stand-in terminal keeps every line it scrolls.
        let holder = try AttachedClient(server, ["attach", "slow", "--client", "L"], scrollback: 500_000)
        #expect(try eventually { try server.ok(["lease", "status", "slow"]).contains("L holds") })
        holder.pump(wait: 100)
        // The holder's terminal stops reading; the program writes far more than every buffer holds.
        try holder.type(Array("seq 1 400000; echo SEQ-DONE\r".utf8))
        var stuck = true
        for _ in 0..<20 {  // two seconds: the program must not get to its end
            usleep(100_000)
            if try server.captureText("slow").contains("SEQ-DONE") { stuck = false }
        }
        #expect(stuck, "the program ran on while its lossless holder was not reading")
        let status = try #require(try clientStatus(server, "L"))
        #expect(status.resyncs == 0)
        // Past the high watermark, the holder may still get what was read before reading paused:
        // the reader's chunks in flight and one hand-on of parsed output.
        #expect(
            status.queued
                <= Outbox.watermarks(forCells: 80 * 24, minimum: 4096).high + OutputReader.defaultInFlightLimit
                + 65536)
        // The terminal reads again: everything arrives, nothing was skipped.
        #expect(
            try eventually(timeout: 120) {
                holder.pump(wait: 50)
                return try server.captureText("slow").contains("SEQ-DONE")
            })
        #expect(try eventually(timeout: 60) { try holder.screen == server.capture("slow") })
        #expect(try clientStatus(server, "L")?.resyncs == 0)
        // The terminal's own scrollback and screen hold 1...400000, each once, in order.
        let numbers = holder.terminal.terminal.renderText(history: 500_000).split(separator: "\n").compactMap {
            Int($0)
        }
        #expect(numbers.count == 400_000)
        #expect(numbers.first == 1 && numbers.last == 400_000)
        #expect(zip(numbers, numbers.dropFirst()).allSatisfy { $1 == $0 + 1 })
    }

    @Test func aHolderStalledPastTheLimitIsDemotedAndTheProgramGoesOn() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--outbox-bytes", "4096", "--holder-stall-limit", "0.5"])
        try server.newSession("stall", "PS1='$ ' exec /bin/sh")
        // A small terminal: the session takes its size, so its outbox is small (256 bytes a cell).
        let holder = try AttachedClient(server, ["attach", "stall", "--client", "F"], columns: 20, rows: 5)
        #expect(try eventually { try server.ok(["lease", "status", "stall"]).contains("F holds") })
        holder.pump(wait: 100)
        // The holder's terminal freezes for good; the program must still get to its end.
        try holder.type(Array("seq 1 100000; echo SEQ-DONE\r".utf8))
        #expect(try eventually(timeout: 60) { try server.captureText("stall").contains("SEQ-DONE") })
        let json = try server.ok(["server", "status", "--json"])
        #expect(
            json.contains(
                #""id":"F","role":"control","session":"stall","holdsLease":true,"lossless":true,"demoted":true"#))
        #expect((try clientStatus(server, "F")?.resyncs ?? 0) >= 1)
        let text = try server.ok(["server", "status"])
        #expect(text.contains("F (control) attached to stall, holds the lease, demoted to resync"))
    }

    @Test func aFloodingSessionDoesNotHoldUpAnother() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("flood", "exec yes 'every session is read on a thread of its own'")
        try server.newSession("calm", "PS1='$ ' exec /bin/sh")
        #expect(try eventually { try server.captureText("flood").contains("thread of its own") })
        // While `flood` keeps the server parsing, `calm` still takes its input and shows its
        // output: each session's output reaches the loop as I/O (its reader's doorbell), at most
        // 128 KiB at a time, served in turn with the sockets (docs/server.md).
        for round in 1...3 {
            try server.ok(["send", "calm", "--", "echo calm-$((\(round) * 7))\r"])
            #expect(try eventually { try server.captureText("calm").contains("calm-\(round * 7)\n$") })
        }
        try server.ok(["kill", "flood"])
    }
}
