// `mux server`: start, stop and inspect the server.

import ArgumentParser

struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Start, stop or inspect the server. (Not available yet.)",
        subcommands: [Start.self, Stop.self, Status.self]
    )

    struct Start: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Start the server.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Stop: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the server and its sessions.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Status: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Show the server's state.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
}
