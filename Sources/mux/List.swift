// `mux ls`: List sessions.

import ArgumentParser

struct List: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List sessions. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
