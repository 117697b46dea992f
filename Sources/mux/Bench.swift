// `mux bench`: Measure mux against a raw PTY and tmux.

import ArgumentParser

struct Bench: PlannedCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure mux against a raw PTY and tmux. (Not available yet.)"
    )
    static let arrivesWith = "the benchmarks"

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []
}
