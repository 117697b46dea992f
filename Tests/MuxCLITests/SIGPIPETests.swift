// SIGPIPE (issue 18): a peer that goes away while someone writes to it costs a write error, never
// a death by signal. The server ignores SIGPIPE; a server that died of one would be restarted by
// its keeper unseen, so these tests check that the server's pid never changes. A `mux` command
// printing into a pipe whose reader has gone ends as `ls | head` does: quietly.

import Glibc
import MuxClient
import MuxProtocol
import MuxSystem
import Testing

@Suite(.serialized) struct SIGPIPETests {
    @Test func clientsThatCloseWhileTheServerWritesToThemNeverKillIt() throws {
        let server = try TestServer()
        try server.newSession("flood", "exec yes 'a line of the flood'")
        try server.newSession("history", size: "200x50", longHistory)
        #expect(try eventually(timeout: 30) { try server.captureText("history").contains("done") })
        let (watcher, before) = try watchedCalmSession(server)
        for round in 0..<20 {
            // An observer of the flood, gone in the middle of it.
            let observer = try server.connect(role: .observer)
            _ = try observer.identify()
            try observer.send(.attach(session: "flood", asHolder: false, historyLines: 0, since: nil, lossy: true))
            _ = try observer.receive(until: { if case .output = $0 { true } else { false } })
            // A capture of the whole history (more than the socket's buffer holds) and an attach
            // with all of it, each closed before the answer is read.
            let capture = try server.connect()
            _ = try capture.identify()
            try capture.send(
                .capture(session: "history", format: round % 2 == 0 ? .text : .json, historyLines: 100_000))
            let attach = try server.connect(role: .observer)
            _ = try attach.identify()
            try attach.send(
                .attach(session: "history", asHolder: false, historyLines: 100_000, since: nil, lossy: false))
            // All three close as they go out of scope.
        }
        try expectServerUnharmed(server, watcher, before)
    }

    @Test func programsThatStopReadingOrExitWhileTheyAreSentInputNeverKillTheServer() throws {
        let server = try TestServer()
        // One that keeps its terminal but never reads it again, and ones that exit at the first
        // line while more input is on its way to them.
        try server.newSession("deaf", "exec 0<&-; echo deaf; exec sleep 60")
        #expect(try eventually { try server.captureText("deaf").contains("deaf") })
        let (watcher, before) = try watchedCalmSession(server)
        let line = String(repeating: "x", count: 200)
        for _ in 0..<20 {
            let result = try server.mux(["send", "deaf", line, "Enter"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        for index in 0..<10 {
            try server.newSession("quitter\(index)", "read line; exit 0")
            let connection = try server.connect()
            _ = try connection.identify()
            for _ in 0..<50 {
                try connection.send(
                    .send(session: "quitter\(index)", items: [.text(line), .key("Enter")], force: false))
            }
            var count = 0
            let answers = try connection.receive(until: { _ in
                count += 1
                return count == 50
            })
            // Each SEND is answered: DONE while the program ran, then SESSION_EXITED.
            #expect(answers.count == 50)
            #expect(
                answers.allSatisfy {
                    if case .done = $0 { true } else if case .error(.sessionExited, _) = $0 { true } else { false }
                }, "\(answers)")
        }
        try expectServerUnharmed(server, watcher, before)
    }

    @Test func aSessionsProgramGetsSIGPIPEAsInAPlainTerminal() throws {
        // The server ignores SIGPIPE; its programs must not inherit that, or `yes | head -1` would
        // end with an error message instead of the signal.
        let server = try TestServer()
        try server.newSession("pipes", "(yes; echo \"yes ended $?\" >&2) | head -1 >/dev/null; exec cat")
        #expect(try eventually { try server.captureText("pipes").contains("yes ended") })
        let screen = try server.captureText("pipes")
        #expect(screen.contains("yes ended 141"), "\(screen)")
    }

    @Test(arguments: [
        ["ls"], ["ls", "--json"], ["status", "history"], ["server", "status"],
        ["capture", "history", "--history", "100000"],
        ["capture", "history", "--history", "100000", "--format", "json"],
    ])
    func aCommandPrintingIntoAClosedPipeEndsQuietly(_ arguments: [String]) throws {
        let server = try TestServer()
        try server.newSession("history", size: "200x50", longHistory)
        #expect(try eventually(timeout: 30) { try server.captureText("history").contains("done") })
        for ignored in [false, true] {
            // Nobody reads the pipe any more: the first write fails (EPIPE, or SIGPIPE by default).
            let pipe = try makePipe()
            close(pipe.read)
            let stderr = try TemporaryFile(contents: [])
            let command = [muxBinaryPath()] + arguments
            let pid = try spawnProgram(
                ignored ? ["/bin/sh", "-c", "trap '' PIPE; exec \"$@\"", "sh"] + command : command,
                environment: environment(with: server.environment),
                descriptors: [1: .duplicate(pipe.write), 2: .file(stderr.path, flags: O_WRONLY)])
            close(pipe.write)
            let status = try waitForProcess(pid)
            let complaint = String(decoding: try stderr.contents(), as: UTF8.self)
            let signal = status & 0x7f
            // Killed by SIGPIPE, as `ls` is, or an exit; never a crash, and nothing on stderr.
            #expect(signal == 0 || signal == SIGPIPE, "mux \(arguments) ended by signal \(signal): \(complaint)")
            #expect(complaint.isEmpty, "mux \(arguments) (SIGPIPE ignored: \(ignored)): \(complaint)")
        }
        // And in a shell's pipeline, into a reader that exits at once.
        let quoted = arguments.map { "'\($0)'" }.joined(separator: " ")
        let piped = try runProgram(
            [
                "/bin/sh", "-c", "\"$0\" \(quoted) | head -c 0; \"$0\" \(quoted) | head -c 1 >/dev/null",
                muxBinaryPath(),
            ],
            environment: server.environment)
        #expect(piped.status == 0 && piped.stderr.isEmpty, "\(piped.stderr)")
    }

    /// `mux attach NAME | head -c 1`: once head has gone, the client (which ignores SIGPIPE for
    /// the server's sake) finds its output's reader gone, by a write failing with EPIPE or by
    /// poll's POLLERR when the session is quiet. It detaches and ends as on SIGPIPE, rather than
    /// read the session for nobody for ever. (It did: at full speed on a flooding session.)
    @Test(arguments: ["flood", "quiet"])
    func anAttachedClientWhoseOutputsReaderGoesAwayDetachesAndEndsAsOnSIGPIPE(session: String) throws {
        let server = try TestServer()
        try server.newSession("flood", "exec yes 'a line of the flood'")
        try server.newSession("quiet", "exec cat")
        // The client's status goes to the terminal (stderr): 141 is 128 + SIGPIPE.
        let client = try AttachedClient(
            server, ["attach", session],
            launcher: ["/bin/sh", "-c", "{ \"$@\"; echo \"mux ended $?\" >&2; } | head -c 1 >/dev/null", "sh"])
        let status = try client.waitForExit(timeout: 20)
        let seen = String(decoding: client.received, as: UTF8.self)
        #expect(status == .exited(0), "\(seen)")
        #expect(seen.contains("mux ended 141"), "\(seen)")
        // It detached: the session has no client and nobody holds its lease.
        #expect(
            try eventually {
                try server.ok(["ls"]).split(separator: "\n").contains {
                    $0.hasPrefix("\(session): ") && $0.contains("clients=0 lease=-")
                }
            })
    }

    /// A shell line that prints 5,000 lines of 100 characters, "done", then waits.
    private var longHistory: String {
        "i=0; while [ $i -lt 5000 ]; do printf '%04d %095d\\n' $i 0; i=$((i+1)); done; echo done; exec cat"
    }

    /// A session "calm" with an observer attached, and the server's and keeper's pids.
    private func watchedCalmSession(_ server: TestServer) throws -> (ServerConnection, (pid_t, pid_t)) {
        try server.newSession("calm", "exec cat")
        let watcher = try server.connect(role: .observer)
        _ = try watcher.identify()
        try watcher.send(.attach(session: "calm", asHolder: false, historyLines: 0, since: nil, lossy: false))
        _ = try watcher.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        let pid = try answeringServerPID(server)
        return (watcher, (pid, parentPID(of: pid) ?? -1))
    }

    /// The same server and keeper run, the session "calm" still echoes what it is sent, and its
    /// observer, attached all along, sees it.
    private func expectServerUnharmed(
        _ server: TestServer, _ watcher: ServerConnection, _ before: (server: pid_t, keeper: pid_t),
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(
            try answeringServerPID(server) == before.server, "the server was replaced", sourceLocation: sourceLocation)
        #expect(kill(before.keeper, 0) == 0, "the keeper is gone", sourceLocation: sourceLocation)
        try server.ok(["send", "calm", "still here", "Enter"])
        var seen: [UInt8] = []
        _ = try watcher.receive(until: { message in
            if case .output(_, let bytes) = message { seen += bytes }
            return String(decoding: seen, as: UTF8.self).contains("still here")
        })
        #expect(
            String(decoding: seen, as: UTF8.self).contains("still here"), "the observer saw nothing",
            sourceLocation: sourceLocation)
        let log = try runProgram(["/bin/cat", server.socket + ".log"]).stdout
        #expect(!log.contains("restarting"), "the keeper restarted the server: \(log)", sourceLocation: sourceLocation)
    }
}

/// The server's pid, from `mux server status --json`.
func answeringServerPID(_ server: TestServer) throws -> pid_t {
    let json = try server.ok(["server", "status", "--json"])
    let digits = json.firstRange(of: "\"pid\":").map { json[$0.upperBound...].prefix { $0.isNumber } } ?? ""
    return try #require(pid_t(digits))
}
