// The `mux` command: one root with a subcommand per file. Each command's --help is its documentation.

import ArgumentParser

@main
struct Mux: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "mux",
        abstract: "A headless terminal multiplexer: sessions that outlive their windows.",
        discussion: """
            A server keeps one pseudo-terminal and one exact terminal state per session. Clients \
            attach as the input-lease holder or as read-only observers.
            """,
        version: version,
        subcommands: [
            Render.self,
            New.self,
            Attach.self,
            List.self,
            Send.self,
            Capture.self,
            Wait.self,
            Kill.self,
            Resize.self,
            Lease.self,
            Server.self,
            Bench.self,
        ]
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
}
