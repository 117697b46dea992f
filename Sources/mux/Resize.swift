// `mux resize`: Change a session's size.

import ArgumentParser

struct Resize: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "resize",
        abstract: "Change a session's size. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
