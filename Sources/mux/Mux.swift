// The `mux` command: one root with a subcommand per file. Each command's --help is its documentation.

import ArgumentParser
import Glibc
import MuxClient
import MuxJournal
import MuxProtocol

@main
struct Mux: ParsableCommand {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if List.runWithoutParser(arguments) { return }
        if let message = unknownCommandMessage(arguments) {
            printError("Error: \(message)")
            Glibc.exit(64)  // EX_USAGE, as the parser exits for a usage error
        }
        main(nil)
    }

    /// The names a first argument may be: each subcommand's name and aliases, and `help`;
    /// `shown`: only those the usage lists (the ones "did you mean" offers).
    static func commandNames(shown: Bool = false) -> [String] {
        var names = ["help"]
        for command in configuration.subcommands where !shown || command.configuration.shouldDisplay {
            names.append(command._commandName)
            names += command.configuration.aliases
        }
        return names
    }

    /// Options the root takes before a subcommand, or alone (`mux --socket PATH` is `mux` alone).
    static let rootOptions: Set = [
        "-h", "--help", "--version", "--socket", "--generate-completion-script", "---completion",
        "--experimental-dump-help",
    ]

    /// What to say when the arguments start with something that is neither a subcommand nor an
    /// option of `mux` alone, so that the hidden `default` subcommand's usage never shows: the
    /// nearest names, tmux users' habits included. Nil when the parser should go on.
    static func unknownCommandMessage(_ arguments: [String]) -> String? {
        var rest = arguments[...]
        while let first = rest.first, first == "--socket" || first.hasPrefix("--socket=") {
            rest = rest.dropFirst(first == "--socket" ? 2 : 1)
        }
        guard let word = rest.first else { return nil }
        if word.hasPrefix("-") {
            let option = String(word.prefix { $0 != "=" })
            return rootOptions.contains(option) ? nil : "unknown option '\(word)' (see `mux --help`)"
        }
        guard !commandNames().contains(word) else { return nil }
        let limit = max(1, word.count / 3)
        var scored: [(name: String, distance: Int)] = []
        for name in commandNames(shown: true) {
            let distance = editDistance(word, name)
            if distance <= limit { scored.append((name, distance)) }
        }
        scored.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        let nearest: [String] = scored.prefix(3).map { "'\($0.name)'" }
        let suggestion = nearest.isEmpty ? "" : "; did you mean " + nearest.joined(separator: " or ") + "?"
        return "unknown command '\(word)'\(suggestion) (see `mux --help`)"
    }

    /// Levenshtein distance, for "did you mean".
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return a.isEmpty ? b.count : row[b.count]
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
            Rename.self,
            Label.self,
            Server.KillServer.self,
            Resize.self,
            Lease.self,
            Server.self,
            Bench.self,
            Keeper.self,
            KeeperStandIn.self,
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
    var hasJournal: Bool { address.hasJournal }

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

    /// Whether a journal for this socket exists: commands that only look at sessions (`ls`,
    /// `status`, `capture`, `kill`, `label`) start a server then, so that sessions a crash, a stop
    /// or a reboot ended are listed instead of "no server" (docs/journal.md).
    var hasJournal: Bool {
        access(JournalLocation.path(forSocket: socketPath), F_OK) == 0
    }

    /// A connection that has said HELLO, starting the server if needed.
    func connect(role: Role = .control, clientID: String = "", start: Bool = true) throws -> ServerConnection {
        var identity = ClientIdentity(role: role, clientID: clientID)
        for descriptor: Int32 in [1, 0] {
            guard let size = AttachedTerminal.size(of: descriptor) else { continue }
            identity.columns = size.columns
            identity.rows = size.rows
            (identity.pixelWidth, identity.pixelHeight) = AttachedTerminal.pixelSize(of: descriptor)
            break
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

extension CompletionKind {
    /// Completes the names of the sessions on the server that `--socket` (or the environment)
    /// names, without starting one; nothing when none runs.
    static var sessionNames: CompletionKind {
        .custom { words, _, prefix in
            var address = ServerAddress()
            if let index = words.firstIndex(of: "--socket"), index + 1 < words.count {
                address.explicit = words[index + 1]
            }
            guard let connection = try? address.connect(role: .observer, start: false),
                case .sessions(let sessions) = try? connection.request(.list)
            else { return [] }
            return sessions.map(\.name).filter { $0.hasPrefix(prefix) }
        }
    }
}
