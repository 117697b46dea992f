// `mux wait`: block until a session's program exits, its screen matches, it goes quiet, or the
// shell's command finishes (OSC 133 marks, kept by the watcher's own emulator).

import ArgumentParser
import Glibc
import MuxClient
import MuxProtocol
import MuxTerminal

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until a session's program exits, its screen matches a pattern, or its output is quiet.",
        discussion: """
            Watches the session as a read-only observer with its own copy of the screen (it never \
            holds the lease or changes the size). --exit: until the program exits; exits with its \
            status. --match REGEX: until a visible row matches (Swift regex syntax). --idle MS: \
            until no output has arrived for MS milliseconds. --command-done: until the shell's \
            command finishes, by its OSC 133 prompt marks; exits with the command's status. With \
            --timeout, gives up after that many seconds with exit status 124 and says so. Example: \
            `mux send build --key Enter -- make; mux wait build --match '\\$ $' --timeout 600`.
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session.")
    var name: String

    @Flag(help: "Wait for the program to exit.")
    var exit = false

    @Option(help: "Wait until a visible row matches this regular expression.")
    var match: String?

    @Option(help: "Wait until no output has arrived for this many milliseconds.")
    var idle: Int?

    @Flag(
        help: """
            Wait until the shell's running command finishes (or, at a prompt, the next one); exit \
            with its status. Needs a shell that sends OSC 133 prompt marks (docs/cli-json.md).
            """)
    var commandDone = false

    @Option(
        name: .customLong("after"),
        help: """
            With --command-done: a command counts once more than N commands have finished \
            (`commandsFinished` of `mux status --json`, read before sending the command), so one \
            that ended before the wait began still counts.
            """)
    var afterCommands: UInt64?

    @Option(help: "Give up after this many seconds (exit status 124).")
    var timeout: Double?

    func validate() throws {
        let conditions = (exit ? 1 : 0) + (match == nil ? 0 : 1) + (idle == nil ? 0 : 1) + (commandDone ? 1 : 0)
        guard conditions == 1 else {
            throw ValidationError("give exactly one of --exit, --match REGEX, --idle MS, --command-done")
        }
        if let match {
            do { _ = try Regex(match) } catch { throw ValidationError("--match: \(error)") }
        }
        if afterCommands != nil && !commandDone { throw ValidationError("--after goes with --command-done") }
        if let idle, idle < 0 { throw ValidationError("--idle takes milliseconds, 0 or more") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout takes seconds, more than 0") }
    }

    func run() throws {
        let connection = try server.connect(role: .observer, start: false)
        let pattern = try match.map { try Regex($0) }
        let start = monotonicSeconds()
        var lastOutput = start
        var emulator: Emulator?
        var snapshot: [UInt8] = []
        _ = try connection.identify()
        try connection.send(.attach(session: name, asHolder: false, historyLines: 0, since: nil, lossless: false))
        // Answered after the snapshot: a count past --after there is a command that ended before
        // this watcher could see it (any that ends later shows in the output).
        if commandDone && afterCommands != nil { try connection.send(.list) }
        func satisfied() -> Bool {
            guard let pattern, let emulator else { return false }
            return emulator.terminal.visibleLines.contains { $0.contains(pattern) }
        }
        while true {
            while let message = try connection.nextBuffered() {
                switch message {
                case .error(.sessionExited, _) where exit:
                    throw ExitCode(try exitStatus(of: name, connection))
                case .error(let code, let text):
                    throw ClientError(text, code: code)
                case .attached(_, let columns, let rows, _):
                    emulator = Emulator(columns: Int(columns), rows: Int(rows), scrollbackLimit: 0)
                case .resized(let columns, let rows):
                    emulator?.resize(columns: Int(columns), rows: Int(rows))
                case .snapshot(_, let final, let bytes):
                    snapshot += bytes
                    if final {
                        emulator?.feed(snapshot)
                        snapshot = []
                        if satisfied() { return }
                    }
                case .output(_, let bytes):
                    emulator?.feed(bytes)
                    lastOutput = monotonicSeconds()
                    if satisfied() { return }
                    // The snapshot carries the phase, never a finished command: any finish counted
                    // here is the running command's (or, from a prompt, the next one's).
                    if commandDone, let commands = emulator?.terminal.commandState, commands.finished > 0 {
                        throw ExitCode(commands.lastStatus ?? 0)
                    }
                case .sessions(let list):
                    if let after = afterCommands, let session = list.first(where: { $0.name == name }),
                        session.commandsFinished > after
                    {
                        throw ExitCode(session.lastCommandStatus ?? 0)
                    }
                case .exited(let status):
                    if exit { throw ExitCode(status) }
                    throw ClientError("session \(name) ended (status \(status)) before the condition held")
                default:
                    break
                }
            }
            let now = monotonicSeconds()
            if let idle, emulator != nil, now - lastOutput >= Double(idle) / 1000 { return }
            if let timeout, now - start >= timeout {
                let what =
                    commandDone
                    ? "the command to finish"
                    : exit ? "the program to exit" : match.map { "a row matching \($0)" } ?? "quiet output"
                printError("mux wait: gave up after \(timeout) s waiting for \(what) in session \(name)")
                throw ExitCode(124)
            }
            var wait = 1000.0
            if let idle { wait = min(wait, max(1, Double(idle) - (now - lastOutput) * 1000)) }
            if let timeout { wait = min(wait, max(1, (timeout - (now - start)) * 1000)) }
            var fd = pollfd(fd: connection.descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&fd, 1, Int32(wait.rounded(.up)))
            if ready > 0 {
                guard try connection.readMore() else { throw ClientError("the server closed the connection") }
            }
        }
    }

    private func exitStatus(of name: String, _ connection: ServerConnection) throws -> Int32 {
        guard case .sessions(let list) = try connection.request(.list),
            let session = list.first(where: { $0.name == name }), let status = session.exitStatus
        else { throw ClientError("session \(name) is gone") }
        return status
    }
}
