// `mux new`: Create a session and attach to it (or not, with -d).

import ArgumentParser

struct New: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "new",
        abstract: "Create a session and attach to it (or not, with -d). (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
