// `mux rename`: give a session another name.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename a session.",
        discussion: """
            OLD may be a unique prefix of the session's name. NEW follows the rule for names (1 to \
            64 letters, digits, '-', '_' or '.', not starting with '-' or '.') and must be free. The \
            program keeps the MUX_SESSION it started with. Example: `mux rename 0 build`.
            """,
        aliases: ["rename-session"]
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var old: String

    @Argument(help: "Its new name.")
    var new: String

    func run() throws {
        let connection = try server.connect(start: false)
        try expectDone(try connection.request(.rename(session: old, newName: new)))
    }
}
