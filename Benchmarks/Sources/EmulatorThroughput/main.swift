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
var measureSnapshots = true
var chunk = 65536
var forwarding = false
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--size": megabytes = Int(arguments.popFirst() ?? "") ?? megabytes
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--workload": only = Workload(rawValue: arguments.popFirst() ?? "")
    case "--warm": warm = true
    case "--no-snapshots": measureSnapshots = false
    case "--chunk": chunk = max(1, Int(arguments.popFirst() ?? "") ?? chunk)
    case "--forwarding": forwarding = true
    default:
        print(
            "usage: EmulatorThroughput [--size MB] [--runs N] [--workload NAME] [--warm] [--no-snapshots] [--chunk BYTES] [--forwarding]"
        )
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
            // `--chunk` bytes at a time (64 KiB unless told), as reads from a PTY arrive; with
            // `--forwarding`, as the server feeds them (also producing what clients receive).
            var offset = 0
            var forward: [UInt8] = []
            forward.reserveCapacity(chunk * 2)
            while offset < all.count {
                let end = min(offset + chunk, all.count)
                let piece = UnsafeBufferPointer(rebasing: all[offset..<end])
                if forwarding {
                    forward.removeAll(keepingCapacity: true)
                    emulator.feedForwarding(piece, into: &forward)
                } else {
                    emulator.feed(piece)
                }
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

// Snapshot encoding: a busy screen of coloured text, and the same with 10,000 lines of history.
func medianMicroseconds(runs: Int, _ body: () -> Void) -> Double {
    var times: [Double] = []
    for _ in 0..<runs {
        let start = now()
        body()
        times.append((now() - start) * 1e6)
    }
    times.sort()
    return times[times.count / 2]
}

for (columns, rows) in [(80, 24), (200, 60)] where measureSnapshots {
    var busy = Emulator(columns: columns, rows: rows, scrollbackLimit: 10_000)
    busy.feed(Workload.sgr.generate(size: columns * rows * 40))
    let terminal = busy.terminal
    var size = 0
    let screenOnly = medianMicroseconds(runs: 200) { size = terminal.snapshot(history: 0).count }
    print("snapshot \(columns)x\(rows), screen only: \(String(format: "%.0f", screenOnly)) µs, \(size) bytes")
    let history = terminal.scrollback.count
    let withHistory = medianMicroseconds(runs: 10) { size = terminal.snapshot(history: history).count }
    print(
        "snapshot \(columns)x\(rows) with \(history) lines of history: \(String(format: "%.1f", withHistory / 1000)) ms, \(size) bytes"
    )
}

// The target case: 80x24 with a full 10,000-line history, of plain and of coloured text.
for workload in [Workload.plain, .sgr] where measureSnapshots {
    var full = Emulator(columns: 80, rows: 24, scrollbackLimit: 10_000)
    while full.terminal.scrollback.count < 10_000 { full.feed(workload.generate(size: 1 << 20)) }
    let terminal = full.terminal
    var size = 0
    let time = medianMicroseconds(runs: 10) { size = terminal.snapshot(history: 10_000).count }
    print(
        "snapshot 80x24 with 10000 lines of \(workload.rawValue) history: \(String(format: "%.1f", time / 1000)) ms, \(size) bytes"
    )
}
