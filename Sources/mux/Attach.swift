// `mux attach`: attach to a session as the lease holder, or as an observer.

import ArgumentParser
import Glibc
import MuxClient
import MuxProtocol
import MuxSystem

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to a session as the lease holder or, with --observe, as an observer.",
        discussion: """
            Puts this terminal in raw mode and shows the session: first a snapshot of its screen \
            with the last --history lines of its scrollback, then its output as it comes. Without \
            --observe this client takes the input lease (the holder before it gets it back when \
            this one detaches) and the session takes this terminal's size. With --observe it \
            watches and types nothing until it takes the lease (C-b t, or `mux lease take`). \
            --read-only attaches as an observer that can never type. Keys after the prefix: \
            \(PrefixKey.help). Ends when you detach (exit 0), when the program exits (with its \
            status), when the server stops, or when nothing reads its output any more (`mux \
            attach | head`: it detaches and ends as on SIGPIPE); the terminal's modes are put \
            back and one line says why it ended. When the server's process vanishes (a crash, a restart), the \
            client connects again by itself and continues where it was, for up to 30 s \
            (MUX_RECONNECT_SECONDS; 0 turns it off), holding the keys typed meanwhile. Standard input must be a terminal (scripts use `mux send` and \
            `mux capture`).
            """,
        aliases: ["a", "at", "attach-session"]
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session; the most recently used one when omitted.", completion: .sessionNames)
    var name: String?

    @Flag(help: "Watch without taking the lease; the session keeps its size.")
    var observe = false

    @Flag(help: "Attach with the observer role: never type, resize or take the lease.")
    var readOnly = false

    @Option(help: "Lines of scrollback to send before the screen.")
    var history: UInt32 = 1000

    @Option(help: "Resume after stream offset OFFSET: no snapshot when it is still in the server's ring.")
    var since: UInt64?

    @Option(help: "This client's id (for `mux lease take --client`); generated when omitted.")
    var client: String = ""

    @Flag(
        help: """
            While holding the lease, skip output when this terminal falls behind (a fresh \
            snapshot, with a mark saying how many lines were not shown) instead of holding the \
            program back. By default a holder misses nothing: the server stops reading the \
            program while the holder lags (the kernel then holds it back), for at most the \
            server's --holder-stall-limit.
            """)
    var lossy = false

    /// Accepted for scripts written when holders were lossy by default; lossless is the default now.
    @Flag(help: .hidden) var lossless = false

    func validate() throws {
        if lossy && lossless { throw ValidationError("--lossy and --lossless contradict each other") }
    }

    func run() throws {
        try requireTerminalInput()
        // A server that vanishes before it has answered the attach (it crashed, or is being
        // replaced) is waited for as an attached client waits for it: its keeper brings the next.
        let deadline = MonotonicClock.seconds() + reconnectSeconds()
        while true {
            do {
                let connection = try server.connect(role: readOnly ? .observer : .control, clientID: client)
                return try attachInteractively(
                    connection, session: name ?? "", asHolder: !(observe || readOnly), history: history,
                    since: since, lossy: lossy)
            } catch let error as ClientError where error.code == nil && error.kind == nil {
                let vanished =
                    error.description.hasPrefix("the server closed the connection")
                    || error.description.hasPrefix("lost the server")
                guard vanished, MonotonicClock.seconds() < deadline else { throw error }
                usleep(50_000)
            }
        }
    }
}

/// Refuses to attach when standard input is not a terminal: raw escapes would go to a pipe.
func requireTerminalInput() throws {
    guard isatty(0) == 1 else {
        throw ClientError(
            "standard input is not a terminal: attaching needs one (scripts use `mux send` and `mux capture`)")
    }
}

/// Attaches on this terminal until the attachment ends, then exits as `mux attach` documents.
func attachInteractively(
    _ connection: ServerConnection, session: String, asHolder: Bool, history: UInt32, since: UInt64?,
    lossy: Bool = false
) throws {
    // Sessions get MUX_SESSION and MUX_SOCKET: a client inside one must not attach to it.
    var inside: String?
    if let name = getenv("MUX_SESSION"), let socket = getenv("MUX_SOCKET"),
        String(cString: socket) == connection.socketPath
    {
        inside = String(cString: name)
    }
    let terminal = AttachedTerminal(connection: connection)
    terminal.reconnectLimit = reconnectSeconds()
    let end = try terminal.run(
        session: session, asHolder: asHolder, history: history, since: since, lossy: lossy,
        insideSession: inside)
    switch end {
    case .detached: return
    case .exited(let status): throw ExitCode(status)
    case .serverGone: throw ExitCode(1)
    case .outputClosed:
        // As any command whose output's reader went away: ended by SIGPIPE, which shells keep quiet.
        signal(SIGPIPE, SIG_DFL)
        raise(SIGPIPE)
        throw ExitCode(128 + SIGPIPE)
    }
}

/// How long an attached client tries to reach a server that vanished: MUX_RECONNECT_SECONDS, or
/// 30 s (docs/client.md, "Reconnecting").
func reconnectSeconds() -> Double {
    guard let value = getenv("MUX_RECONNECT_SECONDS"), let seconds = Double(String(cString: value)),
        seconds.isFinite, seconds >= 0
    else { return 30 }
    return seconds
}
