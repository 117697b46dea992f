// `mux render`: feed bytes to a fresh emulator and print the final state.

import ArgumentParser

struct Render: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Feed a file's bytes to a fresh emulator and print the final screen."
    )
    static let arrivesWith = "the emulator"
    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
