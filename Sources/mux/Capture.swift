// `mux capture`: Print a session's screen as text, ANSI or JSON.

import ArgumentParser

struct Capture: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Print a session's screen as text, ANSI or JSON. (Not available yet.)"
    )
    static let arrivesWith = "the server"

    @OptionGroup var server: ServerOptions
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
