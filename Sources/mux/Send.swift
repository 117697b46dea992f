// `mux send`: Type text or keys into a session.

import ArgumentParser

struct Send: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Type text or keys into a session. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
