// `mux new`: create a session, and attach to it unless -d.

import ArgumentParser
import Glibc
import MuxClient
import MuxPTY
import MuxProtocol

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a session and attach to it (or, with -d, print its name).",
        discussion: """
            Runs COMMAND (default: $SHELL) in a new pseudo-terminal owned by the server, with this \
            command's environment (not the server's), without other multiplexers' variables \
            (TMUX*, STY, ZELLIJ*, and TERM_PROGRAM when it names tmux, screen or zellij), and with \
            TERM=mux-256color (xterm-256color where tic is missing), COLORTERM=truecolor, \
            MUX_SOCKET and MUX_SESSION set to the session's name; --env entries are set last. \
            With --clear-env the program gets only what mux sets and --env. Attached, `mux new` \
            exits with the program's exit status when it ends, and the session goes with it. \
            Otherwise a session whose program exits stays listed as `exited (status N)` until \
            `mux wait NAME --exit` collects the status (or `mux kill`, or the server's bound: see \
            `mux server start --help`). Examples: `mux new -s build -d -- make -j8; mux wait \
            build --exit`, `mux new --keep -- ./flaky-test`.
            """
    )

    @OptionGroup var server: ServerOptions

    @Option(name: .customShort("s"), help: "The session's name (default: the next free number).")
    var name: String?

    @Flag(name: .customShort("d"), help: "Do not attach; print the session's name.")
    var detached = false

    @Option(help: ArgumentHelp("The session's size (default: this terminal's, else 80x24).", valueName: "COLSxROWS"))
    var size: TerminalSizeArgument?

    @Option(help: "The program's working directory (default: this one).")
    var cwd: String?

    @Option(
        name: .customLong("env"), help: ArgumentHelp("Set a variable for the program; repeatable.", valueName: "K=V"))
    var environment: [String] = []

    @Flag(help: "Start from an empty environment, not this command's (mux's own variables and --env are set).")
    var clearEnv = false

    @Flag(
        help: """
            Keep the session listed after its program exits, until `mux kill`, even once its \
            status is collected (capture still works).
            """)
    var keep = false

    @Option(help: "Lines of scrollback the session keeps.")
    var scrollback: UInt32 = 10_000

    @Option(
        help: ArgumentHelp(
            """
            Bytes of scrollback the session keeps at most (the oldest lines go first), as a \
            number with an optional K, M or G (default: the server's, 64M).
            """, valueName: "SIZE"))
    var scrollbackBytes: ByteSize?

    @Option(
        help: ArgumentHelp(
            """
            After a server crash, stop or reboot: `none` lists it as lost (capture shows its saved \
            screen), `screen` also shows that screen read-only on attach, `relaunch` starts the \
            command again below its saved screen (default: the server's, `screen`; docs/journal.md).
            """, valueName: "POLICY"))
    var restore: SessionRestore?

    @Argument(parsing: .postTerminator, help: "The program and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        for entry in environment where !entry.contains("=") || entry.hasPrefix("=") {
            throw ValidationError("--env takes NAME=VALUE, not \(entry)")
        }
        if let name, name.isEmpty {
            throw ValidationError("-s needs a session name (leave -s out for the next free number)")
        }
        guard command.count < 4096 else { throw ValidationError("too many arguments for one command") }
        guard scrollback <= 10_000_000 else { throw ValidationError("--scrollback is at most 10,000,000 lines") }
        if let scrollbackBytes, scrollbackBytes.bytes < 4096 {
            throw ValidationError("--scrollback-bytes must be at least 4K")
        }
    }

    func run() throws {
        if !detached { try requireTerminalInput() }
        let connection = try server.connect()
        var request = newSessionRequest()
        request.name = name ?? ""
        request.command = command
        if let cwd { request.workingDirectory = absolutePath(cwd) }
        if clearEnv { request.environment = [] }
        request.overrides = environment
        request.keep = keep
        request.scrollback = scrollback
        request.scrollbackBytes = UInt64(scrollbackBytes?.bytes ?? 0)
        request.restore = restore ?? .serverDefault
        if let size {
            request.columns = UInt16(size.columns)
            request.rows = UInt16(size.rows)
        }
        guard case .created(let created) = try connection.request(.create(request)) else { return }
        if detached {
            writeLine(created)
            return
        }
        try attachInteractively(connection, session: created, asHolder: true, history: 1000, since: nil)
    }
}

/// A session running $SHELL in this directory at this terminal's size.
func newSessionRequest() -> CreateRequest {
    let size = AttachedTerminal.size(of: 1) ?? AttachedTerminal.size(of: 0) ?? (80, 24)
    let shell = getenv("SHELL").map { String(cString: $0) } ?? ""
    return CreateRequest(
        name: "", command: shell.isEmpty ? [] : [shell], workingDirectory: absolutePath("."),
        environment: ProcessEnvironment.current,
        columns: size.columns, rows: size.rows, keep: false)
}

/// `path` made absolute against this process's working directory.
func absolutePath(_ path: String) -> String {
    if path.hasPrefix("/") { return path }
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return path }
    let here = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return path == "." ? here : here + "/" + path
}

extension SessionRestore: ExpressibleByArgument {
    public init?(argument: String) {
        guard let policy = Self.allCases.first(where: { $0 != .serverDefault && "\($0)" == argument }) else {
            return nil
        }
        self = policy
    }

    public static var allValueStrings: [String] { ["none", "screen", "relaunch"] }
}
