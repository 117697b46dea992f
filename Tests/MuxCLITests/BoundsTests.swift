// The server's bounds and its security, end to end on the real binary (docs/reliability.md): a
// program that scrolls for ever keeps the server's memory flat once its history is full, the
// history budget trims the largest first, sessions and clients past their bounds are refused with
// LIMIT_REACHED, OSC 52 reaches only the lease holder and only with --clipboard, the socket's
// directory and file are private, and what programs set is printed with its controls escaped.

import Glibc
import MuxClient
import MuxProtocol
import MuxSystem
import Testing

/// The server's pid, from its PID file.
private func serverPID(_ server: TestServer) throws -> pid_t {
    let text = try runProgram(["/bin/cat", server.socket + ".pid"]).stdout
    return try #require(pid_t(text.prefix { $0.isNumber }))
}

/// A number field of `mux status NAME --json`.
private func statusNumber(_ server: TestServer, _ name: String, _ field: String) throws -> Int {
    let json = try server.ok(["status", name, "--json"])
    let digits = json.firstRange(of: "\"\(field)\":").map { json[$0.upperBound...].prefix { $0.isNumber } } ?? ""
    return try #require(Int(digits), "\(field) in \(json)")
}

/// The OUTPUT bytes among `messages`, as text.
private func outputText(_ messages: [Message]) -> String {
    var bytes: [UInt8] = []
    for case .output(_, let chunk) in messages { bytes += chunk }
    return String(decoding: bytes, as: UTF8.self)
}

private func mib(_ bytes: Int) -> String {
    let tenths = bytes * 10 / (1 << 20)
    return "\(tenths / 10).\(tenths % 10) MiB"
}

@Suite(.serialized) struct MemoryBoundTests {
    @Test func aProgramThatScrollsForEverKeepsItsHistoryAndTheServersMemoryFlat() throws {
        let server = try TestServer()
        // Rounds of 4 MiB of lines (the history is full after the first MiB), each ending with a
        // mark and a wait for Enter.
        let round = 4 << 20
        let script =
            "i=0; while :; do yes 'the quick brown fox jumps over the lazy dog again and again and again' "
            + "| head -c \(round); echo MARK$i; read x; i=$((i+1)); done"
        try server.ok([
            "new", "-d", "-s", "r", "--scrollback", "10000000", "--scrollback-bytes", "1M", "--", "/bin/sh", "-c",
            script,
        ])
        let pid = try serverPID(server)
        var samples: [(output: Int, rss: Int, history: Int, lines: Int)] = []
        for index in 0..<4 {
            #expect(
                try eventually(timeout: 300) { try server.captureText("r").contains("MARK\(index)") },
                "round \(index) never ended")
            samples.append(
                (
                    (index + 1) * round, residentBytes(of: pid) ?? 0, try statusNumber(server, "r", "historyBytes"),
                    try statusNumber(server, "r", "historyLines")
                ))
            try server.ok(["send", "r", "--key", "Enter"])
        }
        for sample in samples {
            print(
                "runaway: after \(mib(sample.output)) of output: server RSS \(mib(sample.rss)), history "
                    + "\(sample.history) bytes in \(sample.lines) lines")
        }
        #expect(samples.allSatisfy { $0.history <= 1 << 20 && $0.history > 900 << 10 })
        // Between 8 and 16 MiB of output (history full long before): no growth beyond noise.
        let growth = samples[3].rss - samples[1].rss
        #expect(growth < 4 << 20, "RSS grew \(mib(growth)) between 8 and 16 MiB of output")
    }

    @Test func pastTheHistoryBudgetTheLargestHistoryIsTrimmedFirstWithALogLine() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--history-budget", "2M"])
        let lines = "--scrollback"
        let big = "10000000"
        try server.ok(["new", "-d", "-s", "small", lines, big, "--", "/bin/sh", "-c", "seq 1 300; echo DONE; exec cat"])
        #expect(try eventually { try server.captureText("small").contains("DONE") })
        let smallLines = try statusNumber(server, "small", "historyLines")
        try server.ok([
            "new", "-d", "-s", "big", lines, big, "--", "/bin/sh", "-c",
            "yes 'a line of a program that never stops' | head -c 6000000; echo DONE; exec cat",
        ])
        #expect(try eventually(timeout: 300) { try server.captureText("big").contains("DONE") })
        // The budget is checked every 2 seconds.
        #expect(
            try eventually(timeout: 10) {
                try statusNumber(server, "big", "historyBytes") + statusNumber(server, "small", "historyBytes")
                    <= 2 << 20
            })
        #expect(try statusNumber(server, "small", "historyLines") == smallLines, "the small one keeps everything")
        let log = try runProgram(["/bin/cat", server.socket + ".log"]).stdout
        #expect(log.contains("session big: history trimmed"), "\(log)")
        #expect(!log.contains("session small: history trimmed"))
    }
}

@Suite(.serialized) struct ServerBoundTests {
    @Test func sessionsAndClientsPastTheirBoundsAreRefusedWithLimitReached() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--max-sessions", "2", "--max-clients", "2"])
        try server.newSession("a", "exec cat")
        try server.newSession("b", "exec cat")
        let refused = try server.mux(["new", "-d", "-s", "c", "--", "/bin/sh", "-c", "exec cat"])
        #expect(refused.status != 0)
        #expect(refused.stderr.hasPrefix("Error: this server runs 2 sessions, its bound"), "\(refused.stderr)")
        let connection = try server.connect()
        #expect(throws: ClientError.self) {
            try connection.request(
                .create(
                    CreateRequest(
                        name: "c", command: ["/bin/cat"], workingDirectory: "", environment: [], columns: 80, rows: 24,
                        keep: false)))
        }
        do {
            _ = try connection.request(
                .create(
                    CreateRequest(
                        name: "c", command: ["/bin/cat"], workingDirectory: "", environment: [], columns: 80, rows: 24,
                        keep: false)))
        } catch let error as ClientError {
            #expect(error.code == .limitReached)
        }
        // Two clients attach; a third is refused, and gets in once one has gone.
        var watchers: [ServerConnection] = []
        for _ in 0..<2 {
            let watcher = try server.connect(role: .observer)
            try watcher.send(.attach(session: "a", asHolder: false, historyLines: 0, since: nil, lossy: true))
            _ = try watcher.receive(until: { if case .attached = $0 { true } else { false } })
            watchers.append(watcher)
        }
        let third = try server.connect(role: .observer)
        try third.send(.attach(session: "a", asHolder: false, historyLines: 0, since: nil, lossy: true))
        #expect(try third.nextErrorCode() == .limitReached)
        watchers.removeFirst()
        #expect(
            try eventually {
                try third.send(.attach(session: "a", asHolder: false, historyLines: 0, since: nil, lossy: true))
                let answer = try third.receive(until: {
                    switch $0 {
                    case .attached, .error: true
                    default: false
                    }
                })
                return answer.contains { if case .attached = $0 { true } else { false } }
            })
        #expect(try server.ok(["ls"]).contains("a:"))
    }
}

@Suite(.serialized) struct SecurityTests {
    /// A holder and an observer attached to a session that, on Enter, writes the clipboard, asks
    /// to read it, then prints DONE; what each received.
    private func clipboardRun(enabled: Bool) throws -> (holder: [Message], observer: [Message]) {
        let server = try TestServer()
        try server.ok(["server", "start"] + (enabled ? ["--clipboard"] : []))
        try server.newSession("c", "read x; printf 'a\\033]52;c;aGk=\\007b\\033]52;c;?\\033\\\\DONE\\n'; exec cat")
        let holder = try server.connect()
        try holder.send(.attach(session: "c", asHolder: true, historyLines: 0, since: nil, lossy: false))
        _ = try holder.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        let observer = try server.connect(role: .observer)
        try observer.send(.attach(session: "c", asHolder: false, historyLines: 0, since: nil, lossy: true))
        _ = try observer.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        try holder.send(.input(Array("\r".utf8)))
        var holderSeen: [Message] = []
        var observerSeen: [Message] = []
        #expect(
            try eventually {
                holderSeen += try holder.receive(until: { _ in false }, timeout: 0.05)
                observerSeen += try observer.receive(until: { _ in false }, timeout: 0.05)
                return outputText(holderSeen).contains("DONE") && outputText(observerSeen).contains("DONE")
            })
        return (holderSeen, observerSeen)
    }

    @Test func clipboardWritesReachOnlyTheLeaseHolderAndOnlyWithClipboard() throws {
        let writes = { (messages: [Message]) in
            messages.compactMap { message -> String? in
                if case .clipboard(let selections, let base64) = message { "\(selections);\(base64)" } else { nil }
            }
        }
        let enabled = try clipboardRun(enabled: true)
        #expect(writes(enabled.holder) == ["c;aGk="], "the write, once; the read is never answered nor passed on")
        #expect(writes(enabled.observer).isEmpty)
        let disabled = try clipboardRun(enabled: false)
        #expect(writes(disabled.holder).isEmpty)
        #expect(writes(disabled.observer).isEmpty)
        for messages in [enabled.holder, enabled.observer, disabled.holder, disabled.observer] {
            let text = outputText(messages)
            #expect(!text.contains("]52;"), "no OSC 52 in the output stream: \(text.debugDescription)")
            // A NUL stands in for each cut string (it ends what REP repeats, as the string did).
            #expect(text.filter { $0 != "\u{0}" }.contains("abDONE"), "\(text.debugDescription)")
        }
    }

    @Test func theSocketsDirectoryIsPrivateAndTheSocketTheUsersAlone() throws {
        let server = try TestServer()
        let socket = server.directory + "/run/mux/s.sock"
        let environment = server.environment.filter { !$0.hasPrefix("MUX_SOCKET=") }
        let started = try runMux(["server", "start", "--socket", socket], environment: environment)
        #expect(started.status == 0, "\(started.stderr)")
        defer { _ = try? runMux(["server", "stop", "--socket", socket], environment: environment) }
        func mode(_ path: String) -> mode_t {
            var info = stat()
            return stat(path, &info) == 0 ? info.st_mode & 0o7777 : 0o7777
        }
        #expect(mode(server.directory + "/run") == 0o700)
        #expect(mode(server.directory + "/run/mux") == 0o700)
        #expect(mode(socket) == 0o600)
        #expect(mode(socket + ".log") == 0o600)
        // A directory others may enter is refused, never used.
        let open = server.directory + "/open"
        mkdir(open, 0o700)
        chmod(open, 0o755)
        let refused = try runMux(["server", "start", "--socket", open + "/s.sock"], environment: environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("may be entered by other users"), "\(refused.stderr)")
        #expect(access(open + "/s.sock", F_OK) != 0)
    }

    @Test func titlesAndCommandsArePrintedWithTheirControlsEscaped() throws {
        let server = try TestServer()
        // A title with a C1 CSI (U+009B) in it, and a command line with an ESC in it.
        try server.ok([
            "new", "-d", "-s", "e", "--", "/bin/sh", "-c", "printf '\\033]2;t\\302\\233itle\\007'; exec cat #\u{1b}[2J",
        ])
        #expect(try eventually { try server.ok(["status", "e"]).contains("title: t") })
        let status = try server.ok(["status", "e"])
        let list = try server.ok(["ls"])
        #expect(status.contains("title: t\\x9bitle"), "\(status)")
        #expect(status.contains("#\\x1b[2J"), "\(status)")
        #expect(list.contains("#\\x1b[2J"), "\(list)")
        for text in [status, list, try server.ok(["ls", "--json"]), try server.ok(["status", "e", "--json"])] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7f...0x9f).contains($0.value) })
        }
    }
}
