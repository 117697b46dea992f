// Micro-benchmarks of the emulator with ordo-one/benchmark: 1 MiB of each workload fed to a fresh
// 80x24 emulator per iteration. Throughput is iterations per second, so MB/s = throughput x 1.05.
// Run in Benchmarks/: swift package --allow-writing-to-package-directory benchmark

import Benchmark
import MuxTerminal
import MuxWorkloads

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 1_000
    )
    for workload in Workload.allCases {
        let input = workload.generate(size: 1 << 20)
        Benchmark("feed 1 MiB \(workload.rawValue)") { benchmark in
            for _ in benchmark.scaledIterations {
                var emulator = Emulator(columns: 80, rows: 24, scrollbackLimit: 10_000)
                emulator.feed(input)
                blackHole(emulator.terminal.cursor)
            }
        }
    }
    // Steady state: the history is full, so lines recycle its buffers. Mallocs per MiB here are
    // what "no allocation per printed character" is checked against.
    let plain = Workload.plain.generate(size: 1 << 20)
    Benchmark("feed 1 MiB plain, warm emulator") { benchmark in
        var emulator = Emulator(columns: 80, rows: 24, scrollbackLimit: 1_000)
        emulator.feed(plain)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { emulator.feed(plain) }
        benchmark.stopMeasurement()
        blackHole(emulator.terminal.cursor)
    }
}
