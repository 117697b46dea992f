// The figures `mux bench` reports (docs/benchmarks.md): throughput against the floor and tmux,
// interrupt latency under a flood with a stalled observer, attach latency by history length,
// server memory, keystroke echo, and the CLI round trip.

import Glibc
import MuxPTY
import MuxProtocol
import MuxSystem
import MuxWorkloads

/// Seconds for each system to pass one workload, repeated: the runs alternate (floor, mux, tmux,
/// floor, ...), so a slow minute of a shared machine falls on all three alike; each ratio is the
/// median, over the repeats in which both of its systems ran clean, of the ratio measured within
/// each. A floor run is clean when its terminal received at least the workload's bytes; a mux run
/// (or a baseline's) when it did too and its server resynced no client meanwhile: a run that
/// skipped output is not a faster run. (tmux renders instead of passing bytes on, so its count
/// cannot be checked this way.)
public struct ThroughputRow: Sendable {
    public var workload: String
    public var bytes: Int
    public var floorRuns: [Double] = []
    public var muxRuns: [Double] = []
    public var tmuxRuns: [Double] = []
    /// Bytes that reached the drained terminal in each floor and mux run.
    public var floorDelivered: [Int] = []
    public var muxDelivered: [Int] = []
    /// Resyncs (and demotions) the server logged during each mux run.
    public var muxResyncs: [Int] = []
    /// The same for the baseline mux (`--baseline`), when there is one.
    public var baselineRuns: [Double] = []
    public var baselineDelivered: [Int] = []
    public var baselineResyncs: [Int] = []
    /// CPU seconds the mux server spent in user space and in the kernel in each mux run.
    public var serverUserRuns: [Double] = []
    public var serverSystemRuns: [Double] = []

    public init(workload: String, bytes: Int) {
        self.workload = workload
        self.bytes = bytes
    }

    public enum System: Sendable { case floor, mux, baseline }

    /// Whether `system`'s run in repeat `index` delivered everything without a resync.
    public func ranClean(_ system: System, _ index: Int) -> Bool {
        switch system {
        case .floor: floorDelivered[index] >= bytes
        case .mux: muxDelivered[index] >= bytes && muxResyncs[index] == 0
        case .baseline:
            index < baselineRuns.count && baselineDelivered[index] >= bytes && baselineResyncs[index] == 0
        }
    }

    /// The repeats in which every system measured ran clean.
    public var cleanRepeats: [Int] {
        muxRuns.indices.filter { index in
            ranClean(.floor, index) && ranClean(.mux, index) && (baselineRuns.isEmpty || ranClean(.baseline, index))
        }
    }

    /// `runs` of the repeats in which all of `systems` ran clean.
    private func runs(_ runs: [Double], cleanFor systems: [System]) -> [Double] {
        runs.indices.filter { index in systems.allSatisfy { ranClean($0, index) } }.map { runs[$0] }
    }

    private func ratio(_ top: [Double], _ bottom: [Double], cleanFor systems: [System]) -> Double? {
        optionalMedian(
            zip(runs(top, cleanFor: systems), runs(bottom, cleanFor: systems)).map { $0 / $1 })
    }

    public var floor: Double? { optionalMedian(runs(floorRuns, cleanFor: [.floor])) }
    public var mux: Double? { optionalMedian(runs(muxRuns, cleanFor: [.mux])) }
    public var tmux: Double? { optionalMedian(tmuxRuns) }
    public var baseline: Double? { optionalMedian(runs(baselineRuns, cleanFor: [.baseline])) }
    public var serverUser: Double? { optionalMedian(runs(serverUserRuns, cleanFor: [.mux])) }
    public var serverSystem: Double? { optionalMedian(runs(serverSystemRuns, cleanFor: [.mux])) }
    /// mux's time over the floor's (lower is better).
    public var muxOverFloor: Double? { ratio(muxRuns, floorRuns, cleanFor: [.mux, .floor]) }
    /// tmux's time over mux's (higher is better).
    public var tmuxOverMux: Double? { ratio(tmuxRuns, muxRuns, cleanFor: [.mux]) }
    /// The baseline's time over this mux's (higher is better: this build is faster).
    public var baselineOverMux: Double? { ratio(baselineRuns, muxRuns, cleanFor: [.baseline, .mux]) }
}

func optionalMedian(_ values: [Double]) -> Double? { values.isEmpty ? nil : median(values) }

public struct LatencyFigures: Sendable {
    public var samples: [Double]
    public var p50: Double { percentile(samples, 0.5) }
    public var p99: Double { percentile(samples, 0.99) }
}

extension BenchEnvironment {
    // MARK: throughput

    /// Seconds from starting `argv` in a drained PTY until its output ends, and the bytes the
    /// PTY delivered.
    func timeToEnd(_ argv: [String]) throws -> (seconds: Double, delivered: Int) {
        let start = MonotonicClock.seconds()
        let process = try terminal(argv)
        let delivered = readToEnd(process)
        let end = MonotonicClock.seconds()
        let status = try process.waitForExit()
        guard status.shellStatus == 0 else { throw BenchError("\(argv.joined(separator: " ")) ended: \(status)") }
        return (end - start, delivered)
    }

    public func throughput(_ workload: Workload, bytes: Int, repeats: Int) throws -> ThroughputRow {
        let program = emit(workload.rawValue, bytes: bytes)
        let server = pid_t(try connect().serverPID)
        var row = ThroughputRow(workload: workload.rawValue, bytes: bytes)
        var log = ServerLog(path: socket + ".log")
        var baselineLog = ServerLog(path: baselineSocket + ".log")
        for _ in 0..<repeats {
            let floor = try timeToEnd([mux, "bench", "copy", "--"] + program)
            row.floorRuns.append(floor.seconds)
            row.floorDelivered.append(floor.delivered)
            let before = cpuSeconds(of: server)
            log.skipToEnd()
            let run = try timeToEnd([mux, "new", "--socket", socket, "--"] + program)
            row.muxRuns.append(run.seconds)
            row.muxDelivered.append(run.delivered)
            row.muxResyncs.append(log.resyncsSinceLastRead())
            if let before, let after = cpuSeconds(of: server) {
                row.serverUserRuns.append(after.user - before.user)
                row.serverSystemRuns.append(after.system - before.system)
            }
            if let baseline {
                baselineLog.skipToEnd()
                let run = try timeToEnd([baseline, "new", "--socket", baselineSocket, "--"] + program)
                row.baselineRuns.append(run.seconds)
                row.baselineDelivered.append(run.delivered)
                row.baselineResyncs.append(baselineLog.resyncsSinceLastRead())
            }
            if tmux != nil {
                row.tmuxRuns.append(
                    try timeToEnd(
                        tmuxCommand([
                            "new-session", "-x", "\(columns)", "-y", "\(rows)", program.joined(separator: " "),
                        ])
                    ).seconds)
            }
        }
        return row
    }

    // MARK: interrupt latency

    /// Ctrl-C from the holder while `yes` floods and an observer has stopped reading: seconds
    /// until the shell's next prompt is on the server's screen.
    public func muxInterrupt(trials: Int) throws -> LatencyFigures {
        try runQuietly([mux, "new", "-d", "-s", "intr", "--env", "PS1=BENCH$ ", "--", "/bin/sh"])
        defer { _ = try? runQuietly([mux, "kill", "intr", "--signal", "KILL"]) }
        let holder = try terminal([mux, "attach", "intr"])
        drain(holder)
        let stalled = try terminal([mux, "attach", "intr", "--observe"])
        defer { try? stalled.signal(SIGKILL) }
        let watcher = try connect()
        let lastLine = { () throws -> Substring in
            try self.capture(watcher, "intr").split(separator: "\n").last ?? ""
        }
        try waitFor("the shell prompt") { try lastLine().hasPrefix("BENCH$") }
        try waitFor("the holder to hold the lease") {
            guard case .leaseState(_, let holders) = try watcher.request(.leaseStatus(session: "intr")) else {
                return false
            }
            return !holders.isEmpty
        }
        var samples: [Double] = []
        for _ in 0..<trials {
            try holder.write(Array("yes\r".utf8))
            try waitFor("yes to flood") { try lastLine() == "y" }
            usleep(200_000)
            let start = MonotonicClock.seconds()
            try holder.write([0x03])
            try waitFor("the prompt after Ctrl-C") { try lastLine().hasPrefix("BENCH$") }
            samples.append(MonotonicClock.seconds() - start)
        }
        try? holder.signal(SIGKILL)
        return LatencyFigures(samples: samples)
    }

    /// The same for tmux, as its users script it: `send-keys C-c`, then `capture-pane` polled.
    public func tmuxInterrupt(trials: Int) throws -> LatencyFigures {
        try runQuietly(
            tmuxCommand([
                "new-session", "-d", "-s", "intr", "-x", "\(columns)", "-y", "\(rows)", "env PS1='BENCH$ ' /bin/sh",
            ]))
        defer { _ = try? runQuietly(tmuxCommand(["kill-session", "-t", "intr"])) }
        let holder = try terminal(tmuxCommand(["attach-session", "-t", "intr"]))
        drain(holder)
        let stalled = try terminal(tmuxCommand(["attach-session", "-t", "intr"]))
        defer { try? stalled.signal(SIGKILL) }
        let lastLine = { () throws -> Substring in
            try self.output(self.tmuxCommand(["capture-pane", "-p", "-t", "intr"])).split(separator: "\n").last ?? ""
        }
        try waitFor("the shell prompt") { try lastLine().hasPrefix("BENCH$") }
        var samples: [Double] = []
        for _ in 0..<trials {
            try runQuietly(tmuxCommand(["send-keys", "-t", "intr", "yes", "Enter"]))
            try waitFor("yes to flood") { try lastLine() == "y" }
            usleep(200_000)
            let start = MonotonicClock.seconds()
            try runQuietly(tmuxCommand(["send-keys", "-t", "intr", "C-c"]))
            try waitFor("the prompt after Ctrl-C") { try lastLine().hasPrefix("BENCH$") }
            samples.append(MonotonicClock.seconds() - start)
        }
        try? holder.signal(SIGKILL)
        return LatencyFigures(samples: samples)
    }

    // MARK: attach latency and memory

    /// Seconds until an attaching client has the whole snapshot of a session with `lines` lines
    /// of history (median of `runs`).
    public func attachLatency(historyLines lines: Int, runs: Int) throws -> Double {
        let name = "history-\(lines)"
        try runQuietly([
            mux, "new", "-d", "-s", name, "--scrollback", "\(max(lines, 1))", "--", "/bin/sh", "-c",
            "seq 1 \(lines + Int(rows)); echo FILLED; exec sleep 1000000",
        ])
        defer { _ = try? runQuietly([mux, "kill", name, "--signal", "KILL"]) }
        let watcher = try connect()
        try waitFor("history to fill") { try capture(watcher, name).contains("FILLED") }
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = MonotonicClock.seconds()
            let client = try connect()
            try client.send(
                .attach(session: name, asHolder: false, historyLines: UInt32(lines), since: nil, lossy: true))
            while true {
                if case .snapshot(_, true, _) = try client.receive() { break }
            }
            samples.append(MonotonicClock.seconds() - start)
        }
        return median(samples)
    }

    /// The server's resident memory growth while a session writes `bytes` bytes with one drained
    /// holder and one observer that never reads.
    public func memoryUnderFlood(bytes: Int) throws -> (before: Int, peak: Int) {
        let watcher = try connect()
        let server = pid_t(watcher.serverPID)
        try runQuietly([
            mux, "new", "-d", "-s", "flood", "--", "/bin/sh", "-c",
            "read go; \(emit("plain", bytes: bytes).joined(separator: " ")); echo EMIT-DONE; exec sleep 1000000",
        ])
        defer { _ = try? runQuietly([mux, "kill", "flood", "--signal", "KILL"]) }
        let holder = try terminal([mux, "attach", "flood"])
        drain(holder)
        defer { try? holder.signal(SIGKILL) }
        let stalled = try terminal([mux, "attach", "flood", "--observe"])
        defer { try? stalled.signal(SIGKILL) }
        try waitFor("both clients") {
            guard case .sessions(let list) = try watcher.request(.list) else { return false }
            return list.first { $0.name == "flood" }?.clients == 2
        }
        guard let before = residentBytes(of: server) else { throw BenchError("cannot read the server's memory") }
        try holder.write([0x0d])
        var peak = before
        let deadline = MonotonicClock.seconds() + 600
        while try !capture(watcher, "flood").contains("EMIT-DONE") {
            guard MonotonicClock.seconds() < deadline else { throw BenchError("the flood did not end") }
            peak = max(peak, residentBytes(of: server) ?? 0)
            usleep(50_000)
        }
        peak = max(peak, residentBytes(of: server) ?? 0)
        return (before, peak)
    }

    /// Server memory per 10,000 lines of 80-column scrollback, from filling 100,000 lines.
    public func memoryPerTenThousandLines() throws -> Int {
        let watcher = try connect()
        let server = pid_t(watcher.serverPID)
        guard let before = residentBytes(of: server) else { throw BenchError("cannot read the server's memory") }
        try runQuietly([
            mux, "new", "-d", "-s", "scrollback", "--scrollback", "100000", "--", "/bin/sh", "-c",
            "\(emit("plain", bytes: 14 << 20).joined(separator: " ")); echo FILLED; exec sleep 1000000",
        ])
        defer { _ = try? runQuietly([mux, "kill", "scrollback", "--signal", "KILL"]) }
        try waitFor("scrollback to fill", timeout: 300) { try capture(watcher, "scrollback").contains("FILLED") }
        guard let after = residentBytes(of: server) else { throw BenchError("cannot read the server's memory") }
        return (after - before) / 10
    }

    // MARK: echo and round trip

    /// Seconds from a keystroke written to the terminal until its echo comes back.
    func echoLatency(_ terminal: PTYProcess, trials: Int) throws -> LatencyFigures {
        var samples: [Double] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        for trial in 0..<trials {
            let key: UInt8 = trial % 60 == 59 ? 0x0d : UInt8(ascii: "a") + UInt8(trial % 26)
            samples.append(
                try typeAndTimeEcho(key, echo: key == 0x0d ? 0x0a : key, on: terminal, within: 5, buffer: &buffer))
            if key == 0x0d { usleep(2000) }
        }
        return LatencyFigures(samples: samples)
    }

    /// Writes `key` to `terminal` and reads it until `echo` comes back; returns the seconds that
    /// took. `what` names the terminal in errors.
    func typeAndTimeEcho(
        _ key: UInt8, echo: UInt8, on terminal: PTYProcess, within seconds: Int32, buffer: inout [UInt8],
        what: String = "the terminal"
    ) throws -> Double {
        let start = MonotonicClock.seconds()
        try terminal.write([key])
        var seen = false
        while !seen {
            var fd = pollfd(fd: terminal.masterDescriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&fd, 1, seconds * 1000) > 0 else { throw BenchError("\(what): no echo within \(seconds) s") }
            let n = buffer.withUnsafeMutableBytes { read(terminal.masterDescriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("\(what) closed") }
            seen = buffer[..<n].contains(echo)
        }
        return MonotonicClock.seconds() - start
    }

    /// Echo through a raw PTY running cat, through mux, and through tmux.
    public func echo(trials: Int) throws -> (raw: LatencyFigures, mux: LatencyFigures, tmux: LatencyFigures?) {
        let raw = try terminal(["/bin/cat"])
        defer { try? raw.signal(SIGKILL) }
        let rawFigures = try echoLatency(raw, trials: trials)

        try runQuietly([mux, "new", "-d", "-s", "echo", "--", "/bin/cat"])
        defer { _ = try? runQuietly([mux, "kill", "echo", "--signal", "KILL"]) }
        let viaMux = try terminal([mux, "attach", "echo"])
        defer { try? viaMux.signal(SIGKILL) }
        try settle(viaMux)
        let muxFigures = try echoLatency(viaMux, trials: trials)

        var tmuxFigures: LatencyFigures?
        if tmux != nil {
            try runQuietly(
                tmuxCommand(["new-session", "-d", "-s", "echo", "-x", "\(columns)", "-y", "\(rows)", "/bin/cat"]))
            defer { _ = try? runQuietly(tmuxCommand(["kill-session", "-t", "echo"])) }
            let viaTmux = try terminal(tmuxCommand(["attach-session", "-t", "echo"]))
            defer { try? viaTmux.signal(SIGKILL) }
            try settle(viaTmux)
            tmuxFigures = try echoLatency(viaTmux, trials: trials)
        }
        return (rawFigures, muxFigures, tmuxFigures)
    }

    /// Reads what an attaching client draws first, until it has been quiet for 200 ms.
    func settle(_ terminal: PTYProcess) throws {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            var fd = pollfd(fd: terminal.masterDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&fd, 1, 200) <= 0 { return }
            let n = buffer.withUnsafeMutableBytes { read(terminal.masterDescriptor, $0.baseAddress, $0.count) }
            guard n > 0 else { throw BenchError("the terminal closed") }
        }
    }

    /// Median seconds for `argv` to run to its end (a CLI round trip), over `runs`.
    public func roundTrip(_ argv: [String], runs: Int) throws -> Double {
        var samples: [Double] = []
        for _ in 0..<runs {
            let start = MonotonicClock.seconds()
            try runQuietly(argv)
            samples.append(MonotonicClock.seconds() - start)
        }
        return median(samples)
    }
}
