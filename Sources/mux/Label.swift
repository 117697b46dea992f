// `mux label`: set and remove a session's labels, kept in the journal with the session.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Set or remove a session's labels.",
        discussion: """
            Labels are KEY=VALUE pairs a script finds sessions by (`mux ls --label KEY=VALUE`); \
            they show in `mux ls`, `mux status` and their --json. They are in the journal, so a \
            session lost in a crash keeps them (docs/journal.md); `mux label` returns once they are \
            written. A key is 1 to 64 letters, digits, '-', '_', '.' or '/'. Examples: `mux label \
            build team=core owner=me`, `mux label build --remove owner`.
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var name: String

    @Argument(help: ArgumentHelp("Labels to set.", valueName: "KEY=VALUE"))
    var labels: [String] = []

    @Option(help: ArgumentHelp("A label to remove; repeatable.", valueName: "KEY"))
    var remove: [String] = []

    func validate() throws {
        guard !labels.isEmpty || !remove.isEmpty else { throw ValidationError("give KEY=VALUE or --remove KEY") }
        for entry in labels where !entry.contains("=") || entry.hasPrefix("=") {
            throw ValidationError("labels are KEY=VALUE, not \(entry)")
        }
    }

    func run() throws {
        let connection = try server.connect(start: server.hasJournal)
        try expectDone(try connection.request(.label(session: name, set: labels, remove: remove)))
    }
}
