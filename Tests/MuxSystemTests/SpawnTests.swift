// spawnProgram and waitForProcess with real programs: the arguments, the environment and the
// descriptors a program gets, its own session when asked, signals at their defaults, its status.

import Glibc
import MuxSystem
import Testing

/// Runs `arguments` with standard output on a pipe; returns what it printed and its wait status.
private func run(
    _ arguments: [String], environment: [String]? = nil, descriptors: [Int32: ChildDescriptor] = [:],
    newSession: Bool = false
) throws -> (output: String, status: Int32, pid: pid_t) {
    let pipe = try makePipe()
    defer { close(pipe.read) }
    var plan = descriptors
    plan[1] = .duplicate(pipe.write)
    let spawned = Result { () throws(SystemError) in
        try spawnProgram(arguments, environment: environment, descriptors: plan, newSession: newSession)
    }
    close(pipe.write)
    let pid = try spawned.get()
    let output = try readAll(pipe.read)
    return (String(decoding: output, as: UTF8.self), try waitForProcess(pid), pid)
}

/// Field `index` (1-based, as proc(5) numbers them) of /proc/PID/stat as `cat` printed it.
private func statField(_ stat: String, _ index: Int) -> String? {
    guard let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return index >= 3 && index - 3 < fields.count ? String(fields[index - 3]) : nil
}

@Suite struct SpawnTests {
    @Test func theProgramGetsItsArgumentsAndEnvironmentAndItsStatusComesBack() throws {
        let result = try run(
            ["/bin/sh", "-c", "echo \"$1 $GREETING $HOME\"; exit 3", "sh", "first"], environment: ["GREETING=hello"])
        #expect(result.output == "first hello \n", "only the environment given, no HOME of ours")
        #expect(result.status >> 8 & 0xff == 3 && result.status & 0x7f == 0)
    }

    @Test func withoutAnEnvironmentTheProgramGetsOurs() throws {
        let result = try run(["/bin/sh", "-c", "echo \"$PATH\""])
        #expect(result.output == String(cString: getenv("PATH")) + "\n")
    }

    @Test func descriptorsNotNamedGetDevNullAndFilesOpenAsAsked() throws {
        let directory = TemporaryDirectory()
        let input = directory.path + "/input"
        let fd = open(input, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        try writeAll(fd, "from the file\n")
        close(fd)
        let result = try run(
            ["/bin/sh", "-c", "cat; readlink /proc/self/fd/2; readlink /proc/self/fd/5"],
            descriptors: [0: .file(input, flags: O_RDONLY), 5: .null])
        #expect(result.output == "from the file\n/dev/null\n/dev/null\n")
    }

    @Test func aNewSessionIsTheProgramsOwn() throws {
        let own = try run(["/bin/cat", "/proc/self/stat"], newSession: true)
        #expect(statField(own.output, 6) == "\(own.pid)", "the program leads its session")
        let shared = try run(["/bin/cat", "/proc/self/stat"])
        #expect(statField(shared.output, 6) == "\(getsid(0))", "without it the program stays in ours")
    }

    @Test func signalsStartAtTheirDefaults() throws {
        // Ours: SIGPIPE ignored (as NIO does in the server) and SIGTERM blocked on this thread.
        _ = installTestSignals
        var terminate = sigset_t()
        sigemptyset(&terminate)
        sigaddset(&terminate, SIGTERM)
        var before = sigset_t()
        pthread_sigmask(SIG_BLOCK, &terminate, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        let status = try run(["/bin/cat", "/proc/self/status"]).output
        /// The signal mask /proc shows on the line `name`: bit n-1 for signal n.
        func mask(_ name: String) -> UInt64? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":\t") }
                .flatMap { UInt64($0.dropFirst(name.count + 2), radix: 16) }
        }
        let blocked = try #require(mask("SigBlk"))
        let ignored = try #require(mask("SigIgn"))
        #expect(blocked & 1 << (SIGTERM - 1) == 0)
        #expect(ignored & 1 << (SIGPIPE - 1) == 0)
        // (glibc keeps its two internal signals, 32 and 33, as it wants them.)
        #expect(blocked & 0x7fff_ffff == 0 && ignored & 0x7fff_ffff == 0, "no standard signal blocked or ignored")
    }

    @Test func aProgramThatCannotBeRunIsAnError() {
        #expect(throws: SystemError("spawn", errorNumber: ENOENT)) {
            try spawnProgram(["/nonexistent/mux-program"])
        }
    }

    @Test func waitingForAProcessThatIsNotOurChildIsAnError() {
        #expect(throws: SystemError("wait for process 1", errorNumber: ECHILD)) { try waitForProcess(1) }
    }
}
