// Programs outlive the server (docs/lifecycle.md): `kill -9` of the server at a random moment,
// while programs flood their terminals with deterministic coloured streams, loses no program and
// no byte. The keeper starts a new server, which rebuilds every session from its checkpoint and
// input ring; once each program has written everything, its screen and history equal a fresh
// `mux render` of what it wrote (each program also appends its stream to a file). Seeds are fixed:
// a failure's seed replays its moment.

import Glibc
import MuxSystem
import Testing

@testable import MuxServer

extension TestServer {
    /// `kill -9` of the server alone (its keeper stays), and waits until it is gone.
    func crashServer() throws {
        let pid = try #require(serverPID, "no server PID file")
        kill(pid, SIGKILL)
        #expect(try eventually("the server is gone") { !processIsRunning(pid) })
    }

    /// The lines of the server's log that contain `text`.
    func logLines(containing text: String) -> [String] {
        guard let log = try? readAll(path: socket + ".log") else { return [] }
        return String(decoding: log, as: UTF8.self).split(separator: "\n").filter { $0.contains(text) }.map(String.init)
    }

    /// Each session's program's pid, by name, from `mux ls --json`.
    func sessionPIDs() throws -> [String: Int] {
        let listed = try mux(["ls", "--json"])
        guard listed.status == 0 else { throw POSIXFailure(what: "mux ls: \(listed.stderr)") }
        var pids: [String: Int] = [:]
        for entry in listed.stdout.components(separatedBy: "{\"name\":").dropFirst() {
            let name = entry.split(separator: "\"")[0]
            guard let range = entry.range(of: "\"pid\":") else { continue }
            pids[String(name)] = Int(entry[range.upperBound...].prefix { $0.isNumber })
        }
        return pids
    }
}

/// Writes `chunks` pieces of `workload` (`mux bench emit`) as files `DIRECTORY/NAME.N`, and the
/// whole stream as `DIRECTORY/NAME.out`; returns a shell line that writes the pieces to its
/// terminal untranslated (no CR added before LF), a little apart, then FINISHED (after a CAN,
/// which ends any sequence cut in two), and stays.
func recordedFlood(_ workload: String, name: String, in directory: String, chunks: Int, bytes: Int = 40_000) throws
    -> String
{
    let emitted = try runMux(["bench", "emit", "--workload", workload, "--bytes", "\(chunks * bytes)"])
    let stream = Array(emitted.stdout.utf8)
    for index in 0..<chunks {
        let piece = stream[min(index * bytes, stream.count)..<min((index + 1) * bytes, stream.count)]
        let fd = open("\(directory)/\(name).\(index)", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try writeAll(fd, piece)
        close(fd)
    }
    let finish = Array("\u{18}\u{1b}[0m\r\nFINISHED\r\n".utf8)
    let fd = open("\(directory)/\(name).out", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    try writeAll(fd, stream + finish)
    close(fd)
    return "stty -opost; i=0; while [ $i -lt \(chunks) ]; do cat \(directory)/\(name).$i; sleep 0.03; "
        + "i=$((i+1)); done; printf '\\030\\033[0m\\r\\nFINISHED\\r\\n'; exec cat"
}

@Suite(.serialized) struct RecoveryTests {
    static let sessions: [(name: String, workload: String, size: String)] = [
        ("sgr", "sgr", "80x24"), ("cjk", "cjk", "101x31"), ("region", "scrollRegion", "63x17"),
    ]

    /// Two seeds in the suite; `MUX_RECOVERY_SEEDS=N` runs N (docs/testing.md).
    static let seeds: [UInt64] = {
        let count = getenv("MUX_RECOVERY_SEEDS").flatMap { Int(String(cString: $0)) } ?? 2
        return (0..<UInt64(max(count, 1))).map { 11 + $0 }
    }()

    @Test(arguments: seeds)
    func aKill9AtARandomMomentLosesNoProgramAndNoByte(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        let server = try TestServer()
        // A small input ring: many checkpoints, and a ring that wraps between them.
        try server.ok(["server", "start", "--input-ring-bytes", "262144"])
        let keeper = try #require(server.keeperPID, "the server was not started by a keeper")
        for session in Self.sessions {
            try server.newSession(
                session.name, size: session.size,
                recordedFlood(session.workload, name: session.name, in: server.directory, chunks: 30, bytes: 30_000))
        }
        let pids = try server.sessionPIDs()
        #expect(pids.count == Self.sessions.count)
        // Clients are attached while the crash comes: a holder of the first session from the
        // start; then, by seed, the crash lands just as an observer attaches (in its handshake or
        // its snapshot), just after the lease moves to it, or in the middle of the flood.
        let holder = try AttachedClient(server, ["attach", "sgr", "--client", "H"])
        usleep(UInt32(random.below(1_200_000)))
        var observer: AttachedClient?
        switch random.below(3) {
        case 0:
            observer = try AttachedClient(server, ["attach", "sgr", "--client", "O"])
        case 1:
            observer = try AttachedClient(server, ["attach", "sgr", "--client", "O"])
            _ = try eventually { try server.ok(["ls"]).contains("clients=2") }
            try server.ok(["lease", "take", "sgr", "--client", "O"])
        default:
            break
        }
        try server.crashServer()
        #expect(try eventually("every session is back", timeout: 30) { (try? server.sessionPIDs()) == pids })
        #expect(server.keeperPID == keeper)
        for session in Self.sessions {
            let file = "\(server.directory)/\(session.name).out"
            #expect(
                try eventually("\(session.name) wrote everything", timeout: 60) {
                    try server.captureText(session.name).contains("FINISHED")
                })
            let rendered = try runMux(["render", "--format", "json", "--size", session.size, file])
            #expect(rendered.status == 0)
            // The server may still be parsing the end of what the program wrote.
            var captured = ""
            _ = try eventually(timeout: 10) {
                captured = try server.mux(["capture", session.name, "--format", "json", "--history", "100000"]).stdout
                return captured == rendered.stdout
            }
            #expect(
                captured == rendered.stdout,
                """
                session \(session.name) differs from what its program wrote: \
                \(firstDifference(captured, rendered.stdout)); the server's warnings: \
                \(server.logLines(containing: "warning"))
                """
            )
        }
        // The attached clients came back by themselves and show the session's screen.
        for client in [holder] + (observer.map { [$0] } ?? []) {
            #expect(
                try eventually("a client shows the screen", timeout: 30) { try client.screen == server.capture("sgr") })
            #expect(try client.process.pollExit() == nil)
        }
    }

    @Test func aResizeJustBeforeTheCrashIsWhereTheNewServerFindsIt() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession(
            "r", size: "80x24", "seq 1 500; printf 'a long line that will wrap when narrow'; exec cat")
        #expect(try eventually { try server.captureText("r").contains("narrow") })
        try server.ok(["resize", "r", "37x11"])
        let before = try server.mux(["capture", "r", "--format", "json", "--history", "100000"]).stdout
        #expect(before.contains("\"cols\":37"))
        let pid = try server.sessionPIDs()["r"]
        try server.crashServer()
        #expect(try eventually("r is back", timeout: 30) { (try? server.sessionPIDs())?["r"] == pid })
        #expect(try server.mux(["capture", "r", "--format", "json", "--history", "100000"]).stdout == before)
    }

    /// Bytes the emulator cannot take stop the server, and every next server that replays them
    /// from the input ring (an OSC 4 with `-1` did): a recovery that began and never finished is
    /// counted beside the session's rings, and the next one does less. Here the count is written
    /// by hand while the keeper is stopped, as a stopped recovery would leave it.
    @Test(arguments: [
        (1, "recovered from its checkpoint without the", ["50"], ["after the checkpoint"]),
        (2, "recoveries stopped their server; recovered without its screen", [], ["50", "after the checkpoint"]),
    ])
    func aRecoveryThatStoppedItsServerIsNotMadeTheSameWayAgain(
        failed: Int, logged: String, shown: [String], gone: [String]
    ) throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.newSession("p", size: "80x24", "seq 1 50; exec cat")
        #expect(try eventually { try server.captureText("p").contains("\n50\n") })
        try server.ok(["resize", "p", "70x20"])  // a checkpoint is taken after a resize
        // A watcher that has seen the bytes after the checkpoint, and is away during the crash.
        let relay = try SocketRelay(listeningAt: server.directory + "/relay.sock", forwardingTo: server.socket)
        let watcher = try AttachedClient(
            server, ["attach", "p", "--observe", "--socket", relay.path], columns: 70, rows: 20,
            environment: ["MUX_RECONNECT_SECONDS=60"])
        try server.ok(["send", "p", "after the checkpoint", "Enter"])
        #expect(try eventually { try server.captureText("p").contains("after the checkpoint\nafter the checkpoint") })
        #expect(try eventually { try watcher.screen == server.capture("p") })
        relay.cut()
        let keeper = try #require(server.keeperPID)
        let pid = try #require(try server.sessionPIDs()["p"])
        let directory = RecoveryFiles.directory(forSocket: server.socket, keeper: keeper)
        let serial = try #require(RecoveryFiles.serials(in: directory).first)
        let attempts = RecoveryFiles(directory: directory, serial: serial).attemptsPath

        kill(keeper, SIGSTOP)
        try server.crashServer()
        let file = open(attempts, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try writeAll(file, "\(failed)")
        close(file)
        kill(keeper, SIGCONT)
        #expect(try eventually("p is back", timeout: 30) { (try? server.sessionPIDs())?["p"] == pid })
        #expect(server.logLines(containing: logged).count == 1, "\(server.logLines(containing: "session p"))")
        #expect(access(attempts, F_OK) != 0, "the count goes once the recovery got through")
        let screen = try server.captureText("p")
        for text in shown { #expect(screen.contains("\n\(text)\n"), "\(screen)") }
        for text in gone { #expect(!screen.contains(text), "\(screen)") }
        // The program goes on as before, writing more than the bytes skipped.
        try server.ok(["send", "p", "still here " + String(repeating: "-", count: 50), "Enter"])
        #expect(try eventually { try server.captureText("p").contains("still here") })
        // The watcher comes back from an offset the new stream has not reached again: the stream
        // started past it, so a snapshot, not bytes that would not follow from its screen.
        relay.restore()
        let same = try eventually(timeout: 30) { try watcher.screen == server.capture("p") }
        let session = try server.capture("p")
        #expect(same, "\(watcher.screen)\n\(session)")
    }

    @Test func aProgramThatExitsWhileNoServerRunsIsReportedByTheNext() throws {
        let server = try TestServer()
        try server.ok(["server", "start"])
        try server.ok(["new", "-d", "-s", "short", "--keep", "--", "/bin/sh", "-c", "read x; echo got $x; exit 7"])
        let keeper = try #require(server.keeperPID)
        let pid = try #require(try server.sessionPIDs()["short"])
        // The keeper is stopped so that no new server comes before the program has exited.
        kill(keeper, SIGSTOP)
        try server.crashServer()
        kill(pid_t(pid), SIGTERM)
        #expect(try eventually("the program is gone") { !processIsRunning(pid_t(pid)) })
        kill(keeper, SIGCONT)
        #expect(
            try eventually("the exit is reported", timeout: 30) {
                (try? server.mux(["ls", "--json"]).stdout)?.contains("\"exitStatus\":143") == true
            })
    }
}

/// Whether `pid` is a live process (not a zombie waiting to be reaped, and not gone).
func processIsRunning(_ pid: pid_t) -> Bool {
    guard let stat = try? readAll(path: "/proc/\(pid)/stat"), let close = stat.lastIndex(of: UInt8(ascii: ")"))
    else { return false }
    return stat.count > close + 2 && stat[close + 2] != UInt8(ascii: "Z")
}

/// Where two texts first differ, with some context of each (a whole screen is too long to read).
func firstDifference(_ a: String, _ b: String) -> String {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    var index = 0
    while index < min(x.count, y.count), x[index] == y[index] { index += 1 }
    func context(_ bytes: [UInt8]) -> String {
        String(decoding: bytes[max(0, index - 120)..<min(bytes.count, index + 120)], as: UTF8.self)
    }
    return "at byte \(index) of \(x.count) and \(y.count):\n  got      …\(context(x))…\n  expected …\(context(y))…"
}
