// `mux bench`: the whole path measured against a raw PTY and tmux (docs/benchmarks.md).

import ArgumentParser

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput and latency against a raw PTY and tmux. (Not available yet.)"
    )

    @Argument(parsing: .allUnrecognized) var arguments: [String] = []

    func run() throws {
        throw ValidationError("mux bench: not available yet (arrives with the backpressure issue)")
    }
}
