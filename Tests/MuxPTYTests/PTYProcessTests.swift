// The PTY shim against real pseudo-terminals and real child processes.

import Glibc
import MuxPTY
import Testing

/// Reads everything the program writes until it closes its side of the PTY.
private func readAll(_ process: PTYProcess) throws -> String {
    var output: [UInt8] = []
    while true {
        let chunk = try process.read()
        if chunk.isEmpty { break }
        output += chunk
    }
    return String(decoding: output, as: UTF8.self)
}

private let basicEnvironment = ["PATH=/usr/bin:/bin", "HOME=/tmp"]

@Suite struct PTYProcessTests {
    @Test func childSeesSizeTermAndExitStatus() throws {
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "stty size; echo \"$TERM\"; exit 3"],
            environment: basicEnvironment + ["TERM=mux-test-term"],
            size: TerminalSize(columns: 100, rows: 30))
        let output = try readAll(process)
        #expect(output.split(whereSeparator: \.isNewline) == ["30 100", "mux-test-term"])
        #expect(try process.waitForExit() == .exited(3))
    }

    @Test func childIsSessionLeaderWithControllingTerminal() throws {
        // `ps -o sid=,pgid=` of the shell itself: the session and group are both its own pid, and
        // /dev/tty opens only when the PTY is the controlling terminal.
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "echo $$ $(ps -o sid= -p $$) $(ps -o pgid= -p $$); : </dev/tty && echo tty-ok"],
            environment: basicEnvironment, size: TerminalSize(columns: 80, rows: 24))
        let lines = try readAll(process).split(whereSeparator: \.isNewline).map(String.init)
        let ids = lines.first?.split(separator: " ").map(String.init) ?? []
        #expect(ids.count == 3 && ids[0] == ids[1] && ids[1] == ids[2], "pid sid pgid: \(lines)")
        #expect(lines.last == "tty-ok")
        #expect(try process.waitForExit() == .exited(0))
    }

    @Test func missingProgramIsASpawnErrorNotAnExit127() {
        #expect(throws: SpawnError(cause: .executable("no-such-program-mux"), errorNumber: ENOENT)) {
            try PTYProcess.spawn(
                ["no-such-program-mux"], environment: basicEnvironment,
                size: TerminalSize(columns: 80, rows: 24))
        }
        #expect(throws: SpawnError(cause: .executable("/nonexistent/bin/x"), errorNumber: ENOENT)) {
            try PTYProcess.spawn(
                ["/nonexistent/bin/x"], environment: basicEnvironment,
                size: TerminalSize(columns: 80, rows: 24))
        }
    }

    @Test func missingProgramErrorSaysSo() {
        do {
            _ = try PTYProcess.spawn(
                ["no-such-program-mux"], environment: basicEnvironment,
                size: TerminalSize(columns: 80, rows: 24))
            Issue.record("spawn succeeded")
        } catch {
            #expect(error.description.contains("no-such-program-mux"))
            #expect(error.description.contains("no such program"))
        }
    }

    @Test func badWorkingDirectoryIsNamed() {
        #expect(throws: SpawnError(cause: .workingDirectory("/nonexistent-mux-dir"), errorNumber: ENOENT)) {
            try PTYProcess.spawn(
                ["/bin/true"], environment: basicEnvironment,
                workingDirectory: "/nonexistent-mux-dir",
                size: TerminalSize(columns: 80, rows: 24))
        }
        #expect(throws: SpawnError(cause: .workingDirectory("/etc/passwd"), errorNumber: ENOTDIR)) {
            try PTYProcess.spawn(
                ["/bin/true"], environment: basicEnvironment,
                workingDirectory: "/etc/passwd",
                size: TerminalSize(columns: 80, rows: 24))
        }
    }

    @Test func workingDirectoryAndArgumentsArePassed() throws {
        let process = try PTYProcess.spawn(
            ["sh", "-c", "pwd; printf '%s|' \"$@\"", "sh", "a b", "c"],
            environment: basicEnvironment, workingDirectory: "/usr",
            size: TerminalSize(columns: 80, rows: 24))
        #expect(try readAll(process).split(whereSeparator: \.isNewline) == ["/usr", "a b|c|"])
        #expect(try process.waitForExit() == .exited(0))
    }

    @Test func resizeReachesTheProgram() throws {
        // The shell waits for a line, reports its size, then waits for the next.
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "stty size; read x; stty size"],
            environment: basicEnvironment, size: TerminalSize(columns: 80, rows: 24))
        var output: [UInt8] = []
        while !String(decoding: output, as: UTF8.self).contains("24 80") { output += try process.read() }
        try process.resize(to: TerminalSize(columns: 132, rows: 43))
        #expect(try process.size() == TerminalSize(columns: 132, rows: 43))
        // The size in pixels travels too (ws_xpixel, ws_ypixel), and is 0 unless set.
        try process.resize(to: TerminalSize(columns: 132, rows: 43, pixelWidth: 1188, pixelHeight: 903))
        #expect(try process.size() == TerminalSize(columns: 132, rows: 43, pixelWidth: 1188, pixelHeight: 903))
        try process.resize(to: TerminalSize(columns: 132, rows: 43))
        #expect(try process.size().pixelWidth == 0)
        try process.write(Array("go\n".utf8))
        let rest = try readAll(process)
        #expect(rest.contains("43 132"))
        #expect(try process.waitForExit() == .exited(0))
    }

    @Test func signalReachesTheProcessGroup() throws {
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "echo ready; exec sleep 30"],
            environment: basicEnvironment, size: TerminalSize(columns: 80, rows: 24))
        var output: [UInt8] = []
        while !String(decoding: output, as: UTF8.self).contains("ready") { output += try process.read() }
        #expect(try process.pollExit() == nil)
        try process.signal(SIGTERM)
        #expect(try process.waitForExit() == .signaled(SIGTERM))
    }

    @Test func childDoesNotInheritIgnoredSignals() throws {
        // Ignore SIGPIPE here as NIO does; the child must still start with the default action.
        let old = Glibc.signal(SIGPIPE, SIG_IGN)
        defer { _ = Glibc.signal(SIGPIPE, old) }
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "grep SigIgn /proc/self/status"],
            environment: basicEnvironment, size: TerminalSize(columns: 80, rows: 24))
        let output = try readAll(process)
        // Bit n-1 of the mask stands for signal n. glibc's own real-time signals (32, 33) may show
        // as ignored and cannot be reset; the standard ones must all be at their defaults.
        let hex = output.split(separator: "\t").last.map { $0.filter(\.isHexDigit) } ?? ""
        let mask = UInt64(hex, radix: 16)
        #expect(mask.map { $0 & 0x7fff_ffff } == 0, "\(output)")
        _ = try process.waitForExit()
    }
}
