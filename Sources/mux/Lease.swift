// `mux lease`: move the input lease between attached clients.

import ArgumentParser

struct Lease: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Take, release or show a session's input lease. (Not available yet.)",
        subcommands: [Take.self, Release.self, Status.self]
    )

    struct Take: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Give the lease to a client.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Release: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Hand the lease back to its previous holder.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }

    struct Status: PlannedCommand {
        static let configuration = CommandConfiguration(abstract: "Show who holds the lease.")
        static let arrivesWith = "the server"
        @OptionGroup var server: ServerOptions
        @Argument(parsing: .allUnrecognized) var arguments: [String] = []
    }
}
