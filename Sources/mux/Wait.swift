// `mux wait`: Wait until a session exits, matches a pattern, or goes quiet.

import ArgumentParser

struct Wait: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until a session exits, matches a pattern, or goes quiet. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
