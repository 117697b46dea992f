// Emulator throughput per workload (MB/s, one core) and scrollback memory per 10,000 lines.
// Release build: `swift run -c release EmulatorThroughput [--size MB] [--runs N]` in Benchmarks/.

import CHeapStats
import Foundation
import Glibc
import MuxTerminal
import MuxWorkloads

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

var megabytes = 64
var runs = 5
var only: Workload?
var warm = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--size": megabytes = Int(arguments.popFirst() ?? "") ?? megabytes
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--workload": only = Workload(rawValue: arguments.popFirst() ?? "")
    case "--warm": warm = true
    default:
        print("usage: EmulatorThroughput [--size MB] [--runs N] [--workload NAME] [--warm]")
        exit(2)
    }
}

print("workload       MB/s (best)  MB/s (median)  bytes")
for workload in Workload.allCases where only == nil || only == workload {
    let input = workload.generate(size: megabytes << 20)
    var rates: [Double] = []
    var emulator = Emulator(columns: 80, rows: 24, scrollbackLimit: 10_000)
    for _ in 0..<runs {
        // --warm keeps one emulator (history full, buffers recycled) across runs.
        if !warm { emulator = Emulator(columns: 80, rows: 24, scrollbackLimit: 10_000) }
        let start = now()
        input.withUnsafeBufferPointer { all in
            // 64 KiB at a time, as reads from a PTY arrive.
            var offset = 0
            while offset < all.count {
                let end = min(offset + 65536, all.count)
                emulator.feed(UnsafeBufferPointer(rebasing: all[offset..<end]))
                offset = end
            }
        }
        let elapsed = now() - start
        rates.append(Double(input.count) / elapsed / 1e6)
        precondition(emulator.terminal.columns == 80)
    }
    rates.sort()
    let name = workload.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)
    print(
        "\(name) \(String(format: "%11.1f", rates.last!))  \(String(format: "%13.1f", rates[rates.count / 2]))  \(input.count)"
    )
}

// Scrollback memory: heap in use before and after 10,000 lines of 80-column text scroll away.
func heapInUse() -> Int { Int(mux_heap_in_use()) }
let line = Array(("memory test line " + String(repeating: "x", count: 80)).utf8.prefix(80)) + [0x0d, 0x0a]
var emulator = Emulator(columns: 80, rows: 24, scrollbackLimit: 10_000)
let before = heapInUse()
for _ in 0..<(10_000 + 24) { emulator.feed(line) }
let after = heapInUse()
print(
    "scrollback: \(emulator.terminal.scrollback.count) lines of 80 columns hold \(after - before) bytes of heap (\(String(format: "%.2f", Double(after - before) / 1_048_576)) MiB); accounted: \(emulator.terminal.scrollback.retainedBytes) bytes"
)
