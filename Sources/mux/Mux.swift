// The `mux` command: one root with a subcommand per file. Each command's --help is its documentation.

import ArgumentParser
import Glibc
import MuxClient
import MuxProtocol

@main
struct Mux: ParsableCommand {
    static func main() {
        if List.runWithoutParser(Array(CommandLine.arguments.dropFirst())) { return }
        main(nil)
    }

    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "mux",
        abstract: "A headless terminal multiplexer: sessions that outlive their windows.",
        discussion: """
            A server keeps one pseudo-terminal and one exact terminal state per session. Clients \
            attach as the input-lease holder or as observers. `mux` alone attaches to the most \
            recently used session, or starts one running $SHELL. Inside an attached client: \
            \(PrefixKey.help).
            """,
        version: version,
        subcommands: [
            Default.self,
            Render.self,
            New.self,
            Attach.self,
            List.self,
            Status.self,
            Send.self,
            Capture.self,
            Wait.self,
            Kill.self,
            Resize.self,
            Lease.self,
            Server.self,
            Bench.self,
        ],
        defaultSubcommand: Default.self
    )
}

/// Options every command that talks to a server shares.
struct ServerOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The server's Unix socket (default: $MUX_SOCKET, else $XDG_RUNTIME_DIR/mux/default.sock, else /tmp/mux-$UID/default.sock).",
            valueName: "path"))
    var socket: String?

    var address: ServerAddress { ServerAddress(explicit: socket) }
    var socketPath: String { address.socketPath }

    /// A connection that has said HELLO, starting the server if needed.
    func connect(role: Role = .control, clientID: String = "", start: Bool = true) throws -> ServerConnection {
        try address.connect(role: role, clientID: clientID, start: start)
    }
}

/// Where the server is, from `--socket` or the environment.
struct ServerAddress {
    var explicit: String?

    var socketPath: String {
        var environment: [String: String] = [:]
        for name in ["MUX_SOCKET", "XDG_RUNTIME_DIR"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        return SocketLocation.resolve(explicit: explicit, environment: environment, uid: getuid())
    }

    /// A connection that has said HELLO, starting the server if needed.
    func connect(role: Role = .control, clientID: String = "", start: Bool = true) throws -> ServerConnection {
        var identity = ClientIdentity(role: role, clientID: clientID)
        if let size = AttachedTerminal.size(of: 1) ?? AttachedTerminal.size(of: 0) {
            identity.columns = size.columns
            identity.rows = size.rows
        }
        identity.term = getenv("TERM").map { String(cString: $0) } ?? ""
        return try ServerConnection.open(socket: socketPath, identity: identity, start: start)
    }
}

/// Sends a request, expecting DONE.
func expectDone(_ answer: Message) throws {
    guard case .done = answer else { throw unexpected(answer) }
}

func unexpected(_ message: Message) -> ClientError {
    ClientError("the server answered with an unexpected message 0x\(String(message.type, radix: 16))")
}
