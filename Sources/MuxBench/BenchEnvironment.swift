// What every measurement shares: this mux binary, a private mux server, a private tmux server,
// programs in PTYs standing in for users' terminals, the clock, and percentiles.

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import MuxSystem

/// Why a measurement could not be made.
public struct BenchError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The value below which `fraction` of `values` fall (nearest rank).
public func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// The middle value, or the mean of the two middle values of an even count.
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/// The servers and programs one `mux bench` run uses; torn down by `close()`.
public final class BenchEnvironment {
    public let mux: String
    public let tmux: String?
    /// Another mux binary (an earlier build) whose own server runs beside this one, for
    /// before-and-after throughput in one sitting.
    public let baseline: String?
    var baselineSocket: String { directory + "/baseline.sock" }
    public let directory: String
    public let socket: String
    let tmuxSocketName: String
    public let columns: UInt16 = 80
    public let rows: UInt16 = 24

    public init(useTmux: Bool, baseline: String? = nil) throws {
        mux = ServerLauncher.executablePath()
        self.baseline = baseline
        let candidates = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"]
        tmux = useTmux ? candidates.first { access($0, X_OK) == 0 } : nil
        var template = Array("/tmp/mux-bench-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw BenchError("cannot make a directory under /tmp") }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        socket = directory + "/mux.sock"
        tmuxSocketName = "mux-bench-\(getpid())"
        // At info level the log has every resync, which the throughput runs count (ServerLog).
        try ServerLauncher.start(socket: socket, logLevel: "info")
        if let baseline {
            guard access(baseline, X_OK) == 0 else { throw BenchError("--baseline \(baseline) is not an executable") }
            try ServerLauncher.start(socket: baselineSocket, logLevel: "info", executable: baseline)
        }
        if tmux != nil {
            // A session that keeps the tmux server up, so its start is not in any figure.
            _ = try runQuietly(tmuxCommand(["new-session", "-d", "-s", "keep", "sleep 1000000"]))
        }
    }

    public func close() {
        _ = try? runQuietly([mux, "server", "stop", "--socket", socket])
        if let baseline { _ = try? runQuietly([baseline, "server", "stop", "--socket", baselineSocket]) }
        if tmux != nil { _ = try? runQuietly(tmuxCommand(["kill-server"])) }
        _ = try? runQuietly(["/bin/rm", "-rf", directory])
    }

    /// The environment programs run with: this server's socket, no outer mux or tmux.
    public var environment: [String] {
        ProcessEnvironment.current.filter {
            !$0.hasPrefix("MUX_SOCKET=") && !$0.hasPrefix("MUX_SESSION=") && !$0.hasPrefix("TMUX=")
                && !$0.hasPrefix("TERM=")
        } + ["MUX_SOCKET=\(socket)", "TERM=xterm-256color"]
    }

    /// `tmux` on this run's private server, with no configuration file.
    public func tmuxCommand(_ arguments: [String]) -> [String] {
        [tmux ?? "tmux", "-L", tmuxSocketName, "-f", "/dev/null"] + arguments
    }

    /// `mux bench emit` as a shell word list.
    func emit(_ workload: String, bytes: Int) -> [String] {
        [mux, "bench", "emit", "--workload", workload, "--bytes", "\(bytes)"]
    }

    /// A connection to this run's mux server.
    public func connect(role: Role = .observer) throws -> ServerConnection {
        let connection = try ServerConnection.open(
            socket: socket, identity: ClientIdentity(role: role, columns: columns, rows: rows), start: false)
        _ = try connection.identify()
        return connection
    }

    /// Runs a program to its end with its output discarded; returns its status.
    @discardableResult
    func runQuietly(_ argv: [String]) throws -> Int32 {
        try run(argv, standardOutput: nil)
    }

    /// What `argv` prints on standard output.
    func output(_ argv: [String]) throws -> String {
        guard let pipe = try? makePipe() else { throw BenchError("no pipe") }
        var result: [UInt8] = []
        defer { Glibc.close(pipe.read) }
        // The pipe's write end is the child's standard output; it closes in us once spawned.
        _ = try run(argv, standardOutput: pipe.write) {
            Glibc.close(pipe.write)
            result = (try? readAll(pipe.read)) ?? []
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Spawns `argv` with this run's environment, standard input and error on /dev/null and
    /// standard output on `standardOutput` (or /dev/null); runs `whileRunning`, then waits.
    private func run(
        _ argv: [String], standardOutput: Int32?, whileRunning: () -> Void = {}
    ) throws -> Int32 {
        let pid: pid_t
        do {
            pid = try spawnProgram(
                argv, environment: environment, descriptors: standardOutput.map { [1: .duplicate($0)] } ?? [:])
        } catch {
            throw BenchError("cannot run \(argv[0]): error \(error.errorNumber)")
        }
        whileRunning()
        return try waitForProcess(pid)
    }

    /// Starts `argv` in a PTY of the bench size: the terminal of a user.
    func terminal(_ argv: [String]) throws -> PTYProcess {
        try PTYProcess.spawn(argv, environment: environment, size: TerminalSize(columns: columns, rows: rows))
    }

    /// The server's session screen as text.
    func capture(_ connection: ServerConnection, _ session: String) throws -> String {
        guard
            case .captured(let text) = try connection.request(
                .capture(session: session, format: .text, historyLines: 0))
        else { throw BenchError("capture of \(session) failed") }
        return text
    }

    /// Polls `condition` until it holds; throws after `timeout` seconds.
    func waitFor(
        _ what: String, timeout: Double = 60, every interval: useconds_t = 1000, _ condition: () throws -> Bool
    ) throws {
        let deadline = MonotonicClock.seconds() + timeout
        while try !condition() {
            guard MonotonicClock.seconds() < deadline else { throw BenchError("timed out waiting for \(what)") }
            usleep(interval)
        }
    }
}

/// Reads everything a PTY's program writes, on a thread of its own, until it ends.
func drain(_ process: PTYProcess) {
    let fd = process.masterDescriptor
    startThread {
        // Ends with EIO once the program's side closes.
        try? readUntilEnd(fd) { _ in }
    }
}

/// Reads a PTY until its program's side closes; returns the bytes read.
func readToEnd(_ process: PTYProcess) -> Int {
    var total = 0
    // Ends with EIO once the program's side closes.
    try? readUntilEnd(process.masterDescriptor) { total += $0.count }
    return total
}

/// The user and system CPU seconds a process has used so far (from /proc/PID/stat).
func cpuSeconds(of pid: pid_t) -> (user: Double, system: Double)? {
    let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let n = read(fd, &buffer, buffer.count)
    guard n > 0, let close = buffer[..<n].lastIndex(of: UInt8(ascii: ")")) else { return nil }
    // After "pid (comm)": state is field 3; utime and stime are fields 14 and 15.
    let fields = buffer[(close + 2)..<n].split(separator: UInt8(ascii: " "))
    guard fields.count > 12, let user = Double(String(decoding: fields[11], as: UTF8.self)),
        let system = Double(String(decoding: fields[12], as: UTF8.self))
    else { return nil }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return (user / ticks, system / ticks)
}
