// The real `mux` binary, run as a user would run it.

import Glibc
import MuxPTY
import MuxSystem
import Testing

/// The path of the built `mux` binary: it sits beside the test bundle SwiftPM runs.
func muxBinaryPath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    precondition(n > 0, "cannot read /proc/self/exe")
    let me = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return String(me[..<me.lastIndex(of: "/")!]) + "/mux"
}

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the mux binary with `arguments`, feeding `input` on stdin.
func runMux(_ arguments: [String], input: [UInt8] = [], environment: [String] = []) throws -> RunResult {
    try runProgram([muxBinaryPath()] + arguments, input: input, environment: environment)
}

/// This process's environment with `changes` (`NAME=value`) applied. A changed name replaces the
/// inherited entry (getenv takes the first of duplicates, so appending would not do), and no
/// `MUX_` variable of the shell running the tests reaches the programs they start.
func environment(with changes: [String]) -> [String] {
    func name(_ entry: String) -> Substring { entry.prefix { $0 != "=" } }
    // Servers the tests start keep their journals out of the home directory (docs/journal.md).
    let changes =
        changes.contains { name($0) == "XDG_STATE_HOME" } ? changes : changes + ["XDG_STATE_HOME=\(testStateHome)"]
    let changed = Set(changes.map(name))
    return ProcessEnvironment.current.filter { !changed.contains(name($0)) && !$0.hasPrefix("MUX_") } + changes
}

/// Where servers started by tests that name no state directory keep their journals: one per test
/// run, each socket's its own file.
let testStateHome = "/tmp/mux-test-state-\(getpid())"

/// Runs a program to completion. Its stdin and stderr are temporary files, so that only stdout is
/// read while it runs and no helper thread is needed.
func runProgram(
    _ argv: [String], input: [UInt8] = [], environment: [String] = [], timeLimit: Double = programTimeLimit
) throws -> RunResult {
    let inFile = try TemporaryFile(contents: input)
    let errFile = try TemporaryFile(contents: [])
    let outPipe = try makePipe()
    defer { close(outPipe.read) }
    let spawned = Result { () throws(SystemError) in
        try spawnProgram(
            argv, environment: MuxCLITests.environment(with: environment),
            descriptors: [
                0: .file(inFile.path, flags: O_RDONLY), 1: .duplicate(outPipe.write),
                2: .file(errFile.path, flags: O_WRONLY),
            ])
    }
    close(outPipe.write)
    let pid = try spawned.get()
    let (stdout, hung) = try readOutput(outPipe.read, killing: pid, after: timeLimit)
    let status = try waitForProcess(pid)
    let exit = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    let stderr = String(decoding: try errFile.contents(), as: UTF8.self)
    return RunResult(
        status: exit, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: hung ? "(killed by the test: still running after \(timeLimit) s) " + stderr : stderr)
}

/// A command the tests run is killed past this: a hang fails its test instead of the whole run.
let programTimeLimit = 180.0

/// Reads `fd` to its end; if that takes over `seconds`, kills `pid` and reads on to the end.
/// Returns the bytes and whether `pid` had to be killed.
private func readOutput(_ fd: Int32, killing pid: pid_t, after seconds: Double) throws -> ([UInt8], Bool) {
    let deadline = now() + seconds
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    var killed = false
    while true {
        var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let wait = killed ? -1 : Int32(max(0, (deadline - now()) * 1000))
        let count = poll(&ready, 1, wait)
        if count < 0 && errno == EINTR { continue }
        if count == 0 {
            kill(pid, SIGKILL)
            killed = true
            continue
        }
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        output += chunk[..<n]
    }
    return (output, killed)
}

struct POSIXFailure: Error { let what: String }

/// A file under /tmp that is removed when the value goes away.
final class TemporaryFile {
    let path: String

    init(contents: [UInt8]) throws {
        var template = Array("/tmp/mux-test-XXXXXX".utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw POSIXFailure(what: "mkstemp") }
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { close(fd) }
        try writeAll(fd, contents)
    }

    func contents() throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw POSIXFailure(what: "open \(path)") }
        defer { close(fd) }
        return try readAll(fd)
    }

    deinit { unlink(path) }
}

@Suite struct CLITests {
    @Test func versionAndHelp() throws {
        let version = try runMux(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."))
        let help = try runMux(["--help"])
        #expect(help.status == 0)
        for command in ["render", "attach", "lease", "server", "bench"] {
            #expect(help.stdout.contains(command))
        }
    }

    @Test func benchPiecesDoWhatTheySay() throws {
        // The generator writes exactly the bytes asked for; the floor's copier passes them on.
        let emitted = try runMux(["bench", "emit", "--workload", "sgr", "--bytes", "100000"])
        #expect(emitted.status == 0 && emitted.stdout.utf8.count == 100_000)
        // Paced, it writes the same bytes (in tenths of a second's worth).
        let paced = try runMux(["bench", "emit", "--workload", "sgr", "--bytes", "100000", "--rate", "400000"])
        #expect(paced.status == 0 && paced.stdout == emitted.stdout)
        #expect(try runMux(["bench", "emit", "--rate", "0"]).stderr.contains("must not be negative"))
        let copied = try runMux(["bench", "copy", "--", muxBinaryPath(), "bench", "emit", "--bytes", "5000"])
        #expect(copied.status == 0)
        #expect(copied.stdout.utf8.count >= 5000, "the PTY adds a CR before each LF, never drops a byte")
        // A small run of two sections, as JSON, on a private server (no tmux: tests must not
        // depend on it). Only its shape and sign are checked; timings are not tested.
        let run = try runMux([
            "bench", "--only", "throughput", "--only", "roundtrip", "--workload", "plain", "--size", "1",
            "--repeats", "2", "--no-tmux", "--quick", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("{\"throughput\":[{\"workload\":\"plain\",\"bytes\":1000000,"))
        #expect(run.stdout.contains("\"tmuxSeconds\":null"))
        // Two alternating runs of each system, each timed.
        #expect(
            run.stdout.contains(#/"floorRuns":\[\d+\.\d+,\d+\.\d+\],"muxRuns":\[\d+\.\d+,\d+\.\d+\],"tmuxRuns":\[\]/#))
        #expect(run.stdout.contains("\"roundTrip\":{\"muxSeconds\":0."))
        #expect(run.stderr.contains("mux bench: throughput: plain"))
    }

    /// The runaway section on a short run: mux's history stays within its bound, and every byte
    /// the program wrote reached the holder's terminal (sizes only; no timing is tested).
    @Test func benchRunawayKeepsTheHistoryWithinItsBoundAndDeliversEveryByte() throws {
        let run = try runMux([
            "bench", "--only", "runaway", "--runaway-seconds", "3", "--runaway-rate", "400000", "--runaway-history",
            "1", "--no-tmux", "--json",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let written = try #require(run.stdout.firstMatch(of: #/"written":(\d+)/#).flatMap { Int($0.1) })
        let delivered = try #require(run.stdout.firstMatch(of: #/"delivered":(\d+)/#).flatMap { Int($0.1) })
        #expect(written == 1_200_000 && delivered >= written)
        let history = run.stdout.matches(of: #/"historyBytes":(\d+)/#).compactMap { Int($0.1) }
        #expect(history.count >= 2 && history.allSatisfy { $0 <= 1 << 20 } && history.last! > 1 << 19)
    }

    /// The tests' own guard: a command that hangs is killed and fails its test, not the run.
    @Test func aHungCommandIsKilledAndSaysSo() throws {
        let result = try runProgram(["/bin/sleep", "30"], timeLimit: 0.5)
        #expect(result.status == 128 + SIGKILL)
        #expect(result.stderr.hasPrefix("(killed by the test: still running after 0.5 s)"))
    }

    @Test func unknownFlagIsAClearError() throws {
        let result = try runMux(["--no-such-flag"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("no-such-flag"))
    }
}

@Suite struct RenderCommandTests {
    @Test func textFormatPrintsTheVisibleRows() throws {
        let result = try runMux(["render", "--size", "10x3"], input: Array("hello\r\n\u{1b}[31mworld\u{1b}[0m".utf8))
        #expect(result.status == 0)
        #expect(result.stdout == "hello\nworld\n\n")
    }

    @Test func ansiFormatCarriesAttributes() throws {
        let result = try runMux(
            ["render", "--size", "10x1", "--format", "ansi", "-"], input: Array("a\u{1b}[1;31mb".utf8))
        #expect(result.stdout == "a\u{1b}[0;1;31mb\u{1b}[0m\n")
    }

    @Test func jsonFormatFollowsTheSchema() throws {
        let input = "\u{1b}]2;T\u{7}ab\u{1b}[1;38;2;16;32;48mcd\r\n中\u{1b}[4:3;41me"
        let result = try runMux(["render", "--size", "6x2", "--format", "json"], input: Array(input.utf8))
        #expect(result.status == 0)
        let expected = """
            {"cols":6,"rows":2,"cursor":{"x":3,"y":1,"visible":true,"pendingWrap":false},\
            "alternateScreen":false,"title":"T","lines":["abcd","中e"],"history":[],\
            "runs":[[{"from":2,"to":4,"fg":"#102030","bold":true}],\
            [{"from":0,"to":2,"fg":"#102030","bold":true},\
            {"from":2,"to":3,"fg":"#102030","bg":1,"bold":true,"underline":3}]]}

            """
        #expect(result.stdout == expected)
    }

    @Test func historyAppearsInJSON() throws {
        let result = try runMux(["render", "--size", "5x1", "--format", "json"], input: Array("1\r\n2\r\n3".utf8))
        #expect(result.stdout.contains("\"lines\":[\"3\"],\"history\":[\"1\",\"2\"]"))
    }

    @Test func readsAFile() throws {
        let file = try TemporaryFile(contents: Array("from a file".utf8))
        let result = try runMux(["render", "--size", "20x1", file.path])
        #expect(result.stdout == "from a file\n")
    }

    @Test func missingFileIsOneLineError() throws {
        let result = try runMux(["render", "/nonexistent/mux-input"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("cannot read /nonexistent/mux-input"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: [["--size", "0x5"], ["--size", "banana"], ["--format", "pdf"], ["--scrollback", "-1"]])
    func badArgumentsAreRefused(arguments: [String]) throws {
        let result = try runMux(["render"] + arguments, input: [])
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }

    @Test func garbageInputNeverCrashes() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let result = try runMux(["render", "--size", "40x10", "--format", "json"], input: bytes)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("{\"cols\":40"))
    }
}

@Suite struct RenderSnapshotTests {
    @Test func snapshotFormatRebuildsTheScreen() throws {
        let input = "one\r\ntwo\r\n\u{1b}[1;31mthree\u{1b}[0m\r\nfour"
        let snapshot = try runMux(
            ["render", "--size", "12x2", "--format", "snapshot", "--history", "2"], input: Array(input.utf8))
        #expect(snapshot.status == 0)
        // Rendering the snapshot bytes gives the same screen and the history asked for.
        let again = try runMux(["render", "--size", "12x2", "--format", "json"], input: Array(snapshot.stdout.utf8))
        #expect(again.stdout.contains("\"lines\":[\"three\",\"four\"],\"history\":[\"one\",\"two\"]"))
        #expect(again.stdout.contains("\"fg\":1,\"bold\":true"))
    }

    @Test func negativeHistoryIsRefused() throws {
        let result = try runMux(["render", "--format", "snapshot", "--history", "-3"], input: [])
        #expect(result.status != 0)
        #expect(result.stderr.contains("--history"))
    }
}
