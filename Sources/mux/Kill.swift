// `mux kill`: End a session.

import ArgumentParser

struct Kill: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "End a session. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
