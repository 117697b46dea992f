// `mux wait`: block until a session's program exits, its screen matches, it goes quiet, or the
// shell's command finishes (OSC 133 marks, kept by the watcher's own emulator), whichever of the
// conditions given comes first; the exit status says which.

import ArgumentParser
import Glibc
import MuxClient
import MuxProtocol
import MuxSystem
import MuxTerminal

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract:
            "Wait until a session's program exits, its screen matches, its output is quiet, or its command is done.",
        discussion: """
            Watches the session as a read-only observer with its own copy of the screen (it never \
            holds the lease or changes the size). Give one or more conditions; the first that \
            holds ends the wait. --exit: the program exits (or had exited); its status is \
            collected, which removes the session unless it was created with `mux new --keep`. \
            --match REGEX: a row of the screen matches (Swift regex syntax), each row as \
            displayed: trailing blanks are trimmed, except on the cursor's row, which keeps them \
            up to the cursor, so a prompt `$ ` matches '\\$ $'. --idle MS: no output has arrived \
            for MS milliseconds. --command-done: the shell's running command finishes (or, at a \
            prompt, the next one), by its OSC 133 prompt marks (docs/cli-json.md).

            Exit status: the program's status when --exit held (128+N when a signal N killed \
            it); the command's status when --command-done held; 0 when --match held; 0 when \
            --idle held and it was the only condition, 3 when it was combined with others; 124 \
            when --timeout passed first (and a line says so); 1 for errors, 64 for a wrong \
            command line. With more than one condition, one line on standard output says which \
            held: `exited N`, `command-done N`, `matched` or `idle`.

            Examples: `mux send build --key Enter -- make; mux wait build --match '\\$ $' \
            --timeout 600` (a shell with PS1='$ ' is back at its prompt); `mux wait job --exit` \
            (the job's status, and the session is gone); `mux wait server --match 'listening' \
            --exit` (ready, or died first).
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session.")
    var name: String

    @Flag(help: "Wait for the program to exit; exit with its status and collect it.")
    var exit = false

    @Option(help: "Wait until a row of the screen, as displayed, matches this regular expression.")
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

    /// The exit status when `--idle` held alongside other conditions.
    static let idleStatus: Int32 = 3

    /// Which condition ended the wait.
    enum Outcome: Equatable {
        case exited(Int32)
        case commandDone(Int32)
        case matched
        case idle
    }

    private var conditionCount: Int {
        (exit ? 1 : 0) + (match == nil ? 0 : 1) + (idle == nil ? 0 : 1) + (commandDone ? 1 : 0)
    }

    func validate() throws {
        guard conditionCount >= 1 else {
            throw ValidationError("give one or more of --exit, --match REGEX, --idle MS, --command-done")
        }
        if afterCommands != nil && !commandDone { throw ValidationError("--after goes with --command-done") }
        if let match {
            do { _ = try Regex(match) } catch { throw ValidationError("--match: \(error)") }
        }
        if let idle, idle < 0 { throw ValidationError("--idle takes milliseconds, 0 or more") }
        if let timeout, timeout <= 0 { throw ValidationError("--timeout takes seconds, more than 0") }
    }

    func run() throws {
        let outcome = try waitForOutcome()
        if conditionCount > 1 {
            switch outcome {
            case .exited(let status): writeLine("exited \(status)")
            case .commandDone(let status): writeLine("command-done \(status)")
            case .matched: writeLine("matched")
            case .idle: writeLine("idle")
            }
        }
        switch outcome {
        case .exited(let status):
            collect()
            if status != 0 { throw ExitCode(status) }
        case .commandDone(let status):
            if status != 0 { throw ExitCode(status) }
        case .matched:
            return
        case .idle:
            if conditionCount > 1 { throw ExitCode(Self.idleStatus) }
        }
    }

    private func waitForOutcome() throws -> Outcome {
        let connection = try server.connect(role: .observer, start: false)
        let pattern = try match.map { try Regex($0) }
        let start = MonotonicClock.seconds()
        var lastOutput = start
        var emulator: Emulator?
        var snapshot: [UInt8] = []
        _ = try connection.identify()
        try connection.send(.attach(session: name, asHolder: false, historyLines: 0, since: nil, lossy: true))
        // Answered after the snapshot: a count past --after there is a command that ended before
        // this watcher could see it (any that ends later shows in the output).
        if commandDone && afterCommands != nil { try connection.send(.list) }
        /// A command finished since the watcher attached: the snapshot carries the phase, never a
        /// finished command, so any finish counted is the running command's (or the next one's).
        func commandFinished() -> Int32? {
            guard commandDone, let commands = emulator?.terminal.commandState, commands.finished > 0 else { return nil }
            return commands.lastStatus ?? 0
        }
        func matched() -> Bool {
            guard let pattern, let emulator else { return false }
            return emulator.terminal.displayedLines.contains { $0.contains(pattern) }
        }
        while true {
            while let message = try connection.nextBuffered() {
                switch message {
                case .error(.sessionExited, _) where exit:
                    return .exited(try exitStatus(of: name, connection))
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
                        if matched() { return .matched }
                        if let status = commandFinished() { return .commandDone(status) }
                    }
                case .output(_, let bytes):
                    emulator?.feed(bytes)
                    lastOutput = MonotonicClock.seconds()
                    if matched() { return .matched }
                    if let status = commandFinished() { return .commandDone(status) }
                case .sessions(let list):
                    if let after = afterCommands, let session = list.first(where: { $0.name == name }),
                        session.commandsFinished > after
                    {
                        return .commandDone(session.lastCommandStatus ?? 0)
                    }
                case .exited(let status):
                    if exit { return .exited(status) }
                    throw ClientError("session \(name) ended (status \(status)) before the condition held")
                default:
                    break
                }
            }
            let now = MonotonicClock.seconds()
            if let idle, emulator != nil, now - lastOutput >= Double(idle) / 1000 { return .idle }
            if let timeout, now - start >= timeout {
                let what = [
                    exit ? "the program to exit" : nil, match.map { "a row matching \($0)" },
                    idle.map { "\($0) ms of quiet" }, commandDone ? "the command to finish" : nil,
                ].compactMap { $0 }.joined(separator: " or ")
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
            let session = list.first(where: { $0.name == name })
        else { throw ClientError("session \(name) is gone") }
        return session.exitStatus ?? 0
    }

    /// Collects the exited program's status (KILL with signal 0): the server removes the session
    /// unless it was created with --keep. Another waiter may have collected it first.
    private func collect() {
        guard let control = try? server.connect(role: .control, start: false) else { return }
        _ = try? control.request(.kill(session: name, signal: 0))
    }
}
