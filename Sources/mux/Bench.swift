// `mux bench`: the whole path measured against a raw PTY and tmux (docs/benchmarks.md).

import ArgumentParser
import Glibc
import MuxBench
import MuxWorkloads

extension Workload: ExpressibleByArgument {}

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure throughput, latency and memory against a raw PTY and tmux.",
        discussion: """
            Runs each workload through three paths and times each to the end: the floor (two PTY \
            hops with a plain copy between, no parsing: the limit of any design), mux (the program \
            in a session, one attached client on a drained PTY) and tmux (the same with a tmux \
            client), side by side in one run, --repeats times in turn (floor, mux, tmux, floor, ...) \
            so that a slow minute of the machine falls on all three alike. Then interrupt latency (Ctrl-C from the holder while \
            `yes` floods and an observer has stopped reading), attach latency by history length, \
            server memory over a flood with a stalled observer and per 10,000 lines of scrollback, \
            keystroke echo, the `ls` round trip, keystroke echo under load (--load-sessions sessions, \
            each with a holder and two observers attached in PTYs, half of them printing bursts, each \
            system on a server of its own, --load-seconds of measurement each), and the server's memory \
            over a runaway program (--runaway-rate bytes a second of coloured lines for \
            --runaway-seconds, mux's history bound to --runaway-history MiB, tmux's to 1,000,000 lines). Use a release build; progress goes to standard \
            error. docs/benchmarks.md explains how to read the figures.
            """,
        subcommands: [Run.self, Emit.self, Copy.self],
        defaultSubcommand: Run.self
    )

    enum Section: String, ExpressibleByArgument, CaseIterable {
        case throughput, interrupt, attach, memory, echo, roundtrip, load, runaway
    }

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run", abstract: "Run the benchmarks (the default).", shouldDisplay: false)

        @Option(help: "Sections to run (repeatable; default: all).")
        var only: [Section] = []

        @Option(help: "Workloads for the throughput section (repeatable; default: plain, sgr, cjk and the rest).")
        var workload: [Workload] = []

        @Option(help: "Megabytes of each workload (default 128; 32 with --quick).")
        var size: Int?

        @Option(help: "Runs of each workload through each system, alternating (default 3; 1 with --quick).")
        var repeats: Int?

        @Option(help: "Interrupt trials per system.")
        var trials = 30

        @Option(help: "Keystrokes per system for the echo latency.")
        var keys = 300

        @Option(help: "Megabytes the memory section floods with.")
        var floodSize = 1000

        @Option(help: "Sessions in the load section (each with 3 clients; half of them bursty).")
        var loadSessions = 100

        @Option(help: "Seconds of measurement in the load section, per system.")
        var loadSeconds = 20.0

        @Option(help: "Seconds the runaway section's program writes, per system.")
        var runawaySeconds = 120.0

        @Option(help: "Bytes a second the runaway section's program writes.")
        var runawayRate = 100_000

        @Option(help: "The runaway session's history bound (mux's --scrollback-bytes) in MiB.")
        var runawayHistory = 4

        @Flag(help: "Smaller sizes and fewer trials, for a quick look (not for the record).")
        var quick = false

        @Flag(help: "Leave tmux out even when it is installed.")
        var noTmux = false

        @Option(
            help: ArgumentHelp(
                "Another mux binary (an earlier build) to run the throughput workloads through too, on its own server.",
                valueName: "mux"))
        var baseline: String?

        @Flag(help: "Print JSON instead of the table.")
        var json = false

        @Option(help: "Also write bench.json, bench.md and ratios.svg into this directory.")
        var out: String?

        func validate() throws {
            guard size ?? 1 > 0, repeats ?? 1 > 0, trials > 0, keys > 0, floodSize > 0, loadSessions > 0,
                loadSeconds > 0, runawaySeconds > 0, runawayRate > 0, runawayHistory > 0
            else {
                throw ValidationError("sizes and counts must be more than 0")
            }
        }

        func run() throws {
            let sections = Set(only.isEmpty ? Section.allCases : only)
            let workloads = workload.isEmpty ? Workload.allCases : workload
            let megabytes = size ?? (quick ? 32 : 128)
            let runs = repeats ?? (quick ? 1 : 3)
            let environment = try BenchEnvironment(useTmux: !noTmux, baseline: baseline)
            defer { environment.close() }
            if environment.tmux == nil && !noTmux { progress("tmux is not installed: its columns stay empty") }
            var report = BenchReport()
            if sections.contains(.throughput) {
                for workload in workloads {
                    progress("throughput: \(workload.rawValue), \(megabytes) MB through floor, mux, tmux, \(runs)×")
                    report.throughput.append(
                        try environment.throughput(workload, bytes: megabytes * 1_000_000, repeats: runs))
                }
            }
            if sections.contains(.interrupt) {
                let count = quick ? 5 : trials
                progress("interrupt latency: \(count) trials for mux")
                report.muxInterrupt = try environment.muxInterrupt(trials: count)
                if environment.tmux != nil {
                    progress("interrupt latency: \(count) trials for tmux")
                    report.tmuxInterrupt = try environment.tmuxInterrupt(trials: count)
                }
            }
            if sections.contains(.attach) {
                for lines in [0, 10_000, 100_000] {
                    progress("attach latency with \(lines) lines of history")
                    report.attach.append(
                        (lines, try environment.attachLatency(historyLines: lines, runs: quick ? 3 : 7)))
                }
            }
            if sections.contains(.memory) {
                let megabytes = quick ? 100 : floodSize
                progress("memory: a \(megabytes) MB flood with a stalled observer")
                // Each on a server of its own, so that memory freed by earlier figures is not reused.
                report.floodBytes = megabytes * 1_000_000
                let floodServer = try BenchEnvironment(useTmux: false)
                defer { floodServer.close() }
                report.floodMemory = try floodServer.memoryUnderFlood(bytes: report.floodBytes)
                progress("memory: 100,000 lines of scrollback")
                let scrollbackServer = try BenchEnvironment(useTmux: false)
                defer { scrollbackServer.close() }
                report.memoryPerTenThousandLines = try scrollbackServer.memoryPerTenThousandLines()
            }
            if sections.contains(.echo) {
                progress("keystroke echo: raw PTY, mux, tmux")
                let echo = try environment.echo(trials: quick ? 50 : keys)
                (report.rawEcho, report.muxEcho, report.tmuxEcho) = (echo.raw, echo.mux, echo.tmux)
            }
            if sections.contains(.roundtrip) {
                progress("CLI round trip: mux ls and tmux ls")
                let runs = quick ? 30 : 200
                report.muxRoundTrip = try environment.roundTrip(
                    [environment.mux, "ls", "--socket", environment.socket], runs: runs)
                if environment.tmux != nil {
                    report.tmuxRoundTrip = try environment.roundTrip(environment.tmuxCommand(["ls"]), runs: runs)
                }
            }
            if sections.contains(.load) {
                // On servers of their own, so that the other sections' sessions are not in its figures.
                let loaded = try BenchEnvironment(useTmux: !noTmux, baseline: baseline)
                defer { loaded.close() }
                report.load = try loaded.load(
                    sessions: loadSessions, seconds: quick ? min(loadSeconds, 5) : loadSeconds)
            }
            if sections.contains(.runaway) {
                let seconds = quick ? min(runawaySeconds, 24) : runawaySeconds
                progress("runaway output: \(runawayRate) bytes/s for \(Int(seconds)) s on mux and tmux")
                let runaway = try BenchEnvironment(useTmux: !noTmux)
                defer { runaway.close() }
                report.runaway = try runaway.runaway(
                    rate: runawayRate, seconds: seconds, historyBytes: runawayHistory << 20)
            }
            writeOut(json ? report.json() : report.table())
            if let out {
                if mkdir(out, 0o755) != 0 && errno != EEXIST {
                    throw ValidationError("cannot create \(out): \(String(cString: strerror(errno)))")
                }
                for (name, text) in [
                    ("bench.json", report.json()), ("bench.md", report.markdown()), ("ratios.svg", report.svg()),
                ] {
                    try writeFile(out + "/" + name, text)
                }
                progress("wrote \(out)/bench.json, bench.md and ratios.svg")
            }
        }

        func progress(_ line: String) {
            printError("mux bench: \(line)")
        }
    }

    struct Emit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emit", abstract: "Write a workload to standard output (the benchmarked program).",
            shouldDisplay: false)
        @Option var workload: Workload = .plain
        @Option var bytes = 1_000_000
        @Option(help: "Bytes a second (default: as fast as the terminal takes them).")
        var rate: Int?

        func validate() throws {
            guard bytes >= 0, rate ?? 1 > 0 else { throw ValidationError("--bytes and --rate must not be negative") }
        }

        func run() {
            BenchPrograms.emit(workload, bytes: bytes, rate: rate)
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "copy", abstract: "Run a program in a PTY and copy its output here (the floor).",
            shouldDisplay: false)
        @Argument(parsing: .postTerminator) var command: [String] = []

        func run() throws {
            guard !command.isEmpty else { throw ValidationError("give a command after --") }
            let status = BenchPrograms.copy(command)
            if status != 0 { throw ExitCode(status) }
        }
    }
}
