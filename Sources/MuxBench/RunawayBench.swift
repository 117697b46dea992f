// The runaway section of `mux bench` (docs/benchmarks.md, "Runaway output"): one session whose
// program scrolls coloured lines at a steady rate for a long time, as a TUI whose redraw never goes
// back home does, with a holder attached; the server's RSS sampled as it goes. mux bounds the
// history in bytes (`--scrollback-bytes`), tmux in lines only (a generous `history-limit`), so once
// mux's history is full its RSS must stay flat while tmux's keeps growing.

import Glibc
import MuxPTY
import MuxSystem

/// One system's server memory over a runaway program's output.
public struct RunawayFigures: Sendable {
    public struct Sample: Sendable {
        /// Seconds since the program started writing.
        public var seconds: Double
        public var serverRSS: Int
        /// The session's history in bytes as the server counts it (mux only).
        public var historyBytes: Int?
    }

    public var system: String
    /// Bytes a second the program writes, and the bytes it wrote in all.
    public var rate: Int
    public var written: Int
    /// The history's bound: bytes for mux, lines for tmux.
    public var bound: String
    public var samples: [Sample]
    /// Bytes the holder's terminal received (mux passes every byte on: at least `written`); nil
    /// for tmux, which renders instead.
    public var delivered: Int?

    /// The first sample taken at or after `fraction` of the run.
    public func sample(at fraction: Double) -> Sample? {
        guard let last = samples.last else { return nil }
        return samples.first { $0.seconds >= last.seconds * fraction - 0.001 } ?? last
    }

    /// RSS growth over the second half of the run: flat (near 0) once the history is full.
    public var secondHalfGrowth: Int {
        guard let middle = sample(at: 0.5), let last = samples.last else { return 0 }
        return last.serverRSS - middle.serverRSS
    }
}

extension BenchEnvironment {
    /// Runs the runaway program for `seconds` at `rate` bytes a second on mux (history bounded to
    /// `historyBytes`) and tmux (history-limit 1,000,000 lines), sampling every `seconds / 12`.
    public func runaway(rate: Int, seconds: Double, historyBytes: Int) throws -> [RunawayFigures] {
        var figures = [try runaway(tmux: false, rate: rate, seconds: seconds, historyBytes: historyBytes)]
        if tmux != nil {
            figures.append(try runaway(tmux: true, rate: rate, seconds: seconds, historyBytes: historyBytes))
        }
        return figures
    }

    private func runaway(tmux useTmux: Bool, rate: Int, seconds: Double, historyBytes: Int) throws
        -> RunawayFigures
    {
        let total = Int(Double(rate) * seconds)
        let program =
            "read go; exec \(emit("sgr", bytes: total).joined(separator: " ")) --rate \(rate); exec sleep 1000000"
        let name = "runaway"
        let serverPID: pid_t
        let holder: PTYProcess
        if useTmux {
            try runQuietly(tmuxCommand(["set-option", "-g", "history-limit", "1000000"]))
            try runQuietly(
                tmuxCommand([
                    "new-session", "-d", "-s", name, "-x", "\(columns)", "-y", "\(rows)", "/bin/sh -c '\(program)'",
                ]))
            guard let pid = pid_t(try output(tmuxCommand(["display-message", "-p", "#{pid}"])).filter(\.isNumber))
            else { throw BenchError("cannot find the tmux server's pid") }
            serverPID = pid
            holder = try terminal(tmuxCommand(["attach-session", "-t", name]))
        } else {
            try runQuietly([
                mux, "new", "-d", "-s", name, "--socket", socket, "--scrollback", "10000000", "--scrollback-bytes",
                "\(historyBytes)", "--", "/bin/sh", "-c", program,
            ])
            serverPID = pid_t(try connect().serverPID)
            holder = try terminal([mux, "attach", name, "--socket", socket])
        }
        let drainer = try Drainer()
        defer {
            drainer.stop()
            try? holder.signal(SIGKILL)
            _ = try? holder.waitForExit()
            holder.close()
            if useTmux {
                _ = try? runQuietly(tmuxCommand(["kill-session", "-t", name]))
            } else {
                _ = try? runQuietly([mux, "kill", name, "--socket", socket, "--signal", "KILL"])
            }
        }
        try settle(holder)
        let index = drainer.add(holder.masterDescriptor)
        try holder.write([0x0d])
        let start = MonotonicClock.seconds()
        var samples: [RunawayFigures.Sample] = []
        let every = seconds / 12
        while true {
            let now = MonotonicClock.seconds() - start
            samples.append(
                .init(
                    seconds: now, serverRSS: residentBytes(of: serverPID) ?? 0,
                    historyBytes: useTmux ? nil : try sessionHistoryBytes(name)))
            if now >= seconds { break }
            usleep(useconds_t(min(every, seconds - now) * 1_000_000))
        }
        var delivered: Int?
        if !useTmux {
            // The program's last bytes on their way to the terminal.
            try? waitFor("the runaway program's bytes to arrive", timeout: 30, every: 100_000) {
                drainer.allDelivered[index] >= total
            }
            delivered = drainer.allDelivered[index]
        }
        return RunawayFigures(
            system: useTmux ? "tmux" : "mux", rate: rate, written: total,
            bound: useTmux ? "1,000,000 lines" : "\(historyBytes / (1 << 20)) MiB", samples: samples,
            delivered: delivered)
    }

    /// The session's history in bytes, from `mux ls --json`.
    private func sessionHistoryBytes(_ name: String) throws -> Int? {
        let listing = try output([mux, "ls", "--json", "--socket", socket])
        guard let range = listing.firstRange(of: "\"historyBytes\":") else { return nil }
        return Int(listing[range.upperBound...].prefix { $0.isNumber || $0 == " " }.filter(\.isNumber))
    }
}
