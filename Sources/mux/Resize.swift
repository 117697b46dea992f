// `mux resize`: change a session's size from any shell.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Resize: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize",
        abstract: "Resize a session's terminal.",
        discussion: """
            Like input, resizing belongs to the lease holder: with a holder attached this is \
            refused (LEASE_REQUIRED) unless --force. The holder's next resize wins again.
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var name: String

    @Argument(help: ArgumentHelp("The new size.", valueName: "COLSxROWS"))
    var size: TerminalSizeArgument

    @Flag(help: "Resize even though another client holds the lease.")
    var force = false

    func run() throws {
        let connection = try server.connect(start: false)
        try expectDone(
            try connection.request(
                .resizeSession(session: name, columns: UInt16(size.columns), rows: UInt16(size.rows), force: force)))
    }
}
