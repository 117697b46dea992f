// The pieces end-to-end tests are made of: a private server per test, `mux attach` running in a
// real PTY whose output feeds an emulator that answers queries like a real terminal, a raw
// protocol client, and waiting on conditions (never on a fixed sleep).

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import MuxSystem
import MuxTerminal
import Testing

/// Polls `condition` every few milliseconds until it holds or `timeout` seconds pass.
func eventually(
    _ what: @autoclosure () -> String = "condition", timeout: Double = 10, _ condition: () throws -> Bool
) throws -> Bool {
    let deadline = now() + timeout
    while now() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}

func now() -> Double { MonotonicClock.seconds() }

/// A server on a socket in a private directory, stopped when the value goes away.
final class TestServer {
    let directory: String
    let socket: String

    /// `subdirectory`: the directory of the socket inside the private one, which the server
    /// creates (empty: the private one itself).
    init(socketIn subdirectory: String = "") throws {
        var template = Array("/tmp/mux-e2e-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw POSIXFailure(what: "mkdtemp") }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        socket = directory + (subdirectory.isEmpty ? "" : "/" + subdirectory) + "/s.sock"
    }

    deinit {
        _ = try? mux(["server", "stop"])
        _ = try? runProgram(["/bin/rm", "-rf", directory])
    }

    var environment: [String] {
        ["MUX_SOCKET=\(socket)", "MUX_SESSION=", "SHELL=/bin/sh", "XDG_STATE_HOME=\(directory)/state"]
    }

    /// Runs `mux` with this server's socket.
    @discardableResult
    func mux(_ arguments: [String], input: [UInt8] = []) throws -> RunResult {
        try runMux(arguments, input: input, environment: environment)
    }

    /// Runs `mux` and requires it to succeed.
    @discardableResult
    func ok(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try mux(arguments)
        #expect(result.status == 0, "mux \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    /// A session running `command` (a shell line) of the given size, detached.
    func newSession(_ name: String, size: String = "80x24", keep: Bool = false, _ command: String) throws {
        try ok(
            ["new", "-d", "-s", name, "--size", size] + (keep ? ["--keep"] : []) + ["--", "/bin/sh", "-c", command])
    }

    /// The session's screen as the server's emulator holds it (JSON without history).
    func capture(_ name: String) throws -> String {
        try mux(["capture", name, "--format", "json"]).stdout
    }

    func captureText(_ name: String) throws -> String {
        try mux(["capture", name]).stdout
    }

    /// A protocol-level connection to this server.
    func connect(role: Role = .control, clientID: String = "", columns: UInt16 = 80, rows: UInt16 = 24) throws
        -> ServerConnection
    {
        try ServerConnection.open(
            socket: socket, identity: ClientIdentity(role: role, clientID: clientID, columns: columns, rows: rows))
    }
}

/// `mux attach …` in a real PTY, with an emulator standing in for the user's terminal.
final class AttachedClient {
    let process: PTYProcess
    var terminal: Emulator
    /// Everything the client wrote to its terminal.
    private(set) var received: [UInt8] = []
    private(set) var exitStatus: MuxPTY.ExitStatus?

    /// `scrollback`: lines of history the stand-in terminal keeps, as the user's terminal would;
    /// `environment`: `NAME=value` entries added to the server's; `launcher`: a command that
    /// runs `mux` (its arguments follow), when not run directly.
    init(
        _ server: TestServer, _ arguments: [String], columns: UInt16 = 80, rows: UInt16 = 24,
        scrollback: Int = 10_000, environment extra: [String] = [], launcher: [String] = []
    ) throws {
        process = try PTYProcess.spawn(
            launcher + [muxBinaryPath()] + arguments, environment: environment(with: server.environment + extra),
            size: TerminalSize(columns: columns, rows: rows))
        terminal = Emulator(columns: Int(columns), rows: Int(rows), scrollbackLimit: scrollback)
    }

    deinit {
        if exitStatus == nil {
            try? process.signal(SIGKILL)
            _ = try? process.waitForExit()
        }
    }

    /// Reads what the client wrote so far into the stand-in terminal, answering its queries.
    func pump(wait milliseconds: Int32 = 0) {
        var fd = pollfd(fd: process.masterDescriptor, events: Int16(POLLIN), revents: 0)
        var timeout = milliseconds
        while poll(&fd, 1, timeout) > 0 {
            guard let bytes = try? process.read(), !bytes.isEmpty else { break }
            received += bytes
            terminal.feed(bytes)
            let replies = terminal.takeEffects().replies
            if !replies.isEmpty { try? process.write(replies) }
            timeout = 0
        }
    }

    /// Types `text` as the user would.
    func type(_ bytes: [UInt8]) throws {
        try process.write(bytes)
    }

    /// The stand-in terminal's screen, in the schema `mux capture --format json` prints.
    var screen: String {
        pump()
        return terminal.terminal.renderJSON(history: 0) + "\n"
    }

    var text: String {
        pump()
        return terminal.terminal.renderText()
    }

    /// Waits for the client to exit, reading its output meanwhile.
    func waitForExit(timeout: Double = 10) throws -> MuxPTY.ExitStatus? {
        let deadline = now() + timeout
        while now() < deadline {
            pump(wait: 10)
            if let status = try process.pollExit() {
                exitStatus = status
                pump()
                return status
            }
        }
        return nil
    }
}

extension ServerConnection {
    /// The code of the next ERROR to arrive (nil if none does in time).
    func nextErrorCode() throws -> ErrorCode? {
        guard case .error(let code, _) = try receive(until: { if case .error = $0 { true } else { false } }).last
        else { return nil }
        return code
    }

    /// Receives until `match` accepts a message, or `timeout` seconds pass; returns what arrived.
    func receive(until match: (Message) -> Bool, timeout: Double = 10) throws -> [Message] {
        _ = try identify()
        var seen: [Message] = []
        let deadline = now() + timeout
        while now() < deadline {
            while let message = try nextBuffered() {
                seen.append(message)
                if match(message) { return seen }
            }
            var fd = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 20) > 0 {
                guard try readMore() else { return seen }
            }
        }
        return seen
    }
}
