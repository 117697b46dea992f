// `mux` alone: attach to the most recently used session, or start one running $SHELL.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Default: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "default",
        abstract: "Attach to the most recent session, or start one.",
        shouldDisplay: false
    )

    @OptionGroup var server: ServerOptions

    func run() throws {
        try requireTerminalInput()
        let connection = try server.connect()
        guard case .sessions(let sessions) = try connection.request(.list) else { return }
        let name: String
        if sessions.contains(where: { $0.state != .exited }) {
            name = ""  // the server picks the most recently used one
        } else {
            guard case .created(let created) = try connection.request(.create(newSessionRequest())) else { return }
            name = created
        }
        try attachInteractively(connection, session: name, asHolder: true, history: 1000, since: nil)
    }
}
