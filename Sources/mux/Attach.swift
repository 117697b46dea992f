// `mux attach`: Attach to a session as the lease holder or, with --observe, read-only.

import ArgumentParser

struct Attach: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Attach to a session as the lease holder or, with --observe, read-only. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
