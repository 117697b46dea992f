// Starting a server from a command: what the server says on the ready descriptor decides, by
// its kind, whether the starter goes on or shows the user why. And a command that must not start
// one, told by the kind of its error that none runs.

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import MuxSystem
import Testing

@Suite struct LauncherTests {
    @Test func aStarterThatFindsAServerAlreadyRunningUsesIt() throws {
        // As when two commands race to start one: the second's server finds the first's.
        let server = try TestServer()
        try server.newSession("first", "exec cat")
        let pid = try server.ok(["server", "status", "--json"]).split(separator: ",").first
        try ServerLauncher.start(socket: server.socket, executable: muxBinaryPath())
        #expect(try server.ok(["server", "status", "--json"]).split(separator: ",").first == pid)
        #expect(try server.ok(["ls"]).contains("first"))
    }

    @Test func aServerThatCannotStartSaysWhyInItsOwnWords() throws {
        let server = try TestServer()
        let path = server.directory + "/file.sock"
        close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
        #expect {
            try ServerLauncher.start(socket: path, executable: muxBinaryPath())
        } throws: { error in
            "\(error)" == "\(path) exists and is not a socket; not touching it"
        }
    }

    @Test func listingWithNoServerSaysSoAndStartsNone() throws {
        let server = try TestServer()
        let plain = try server.mux(["ls"])
        #expect(plain.status == 1 && plain.stdout == "")
        #expect(plain.stderr == "Error: no server running on \(server.socket)\n")
        let json = try server.mux(["ls", "--json"])
        #expect(json.status == 0 && json.stdout == "[]\n")
        #expect(access(server.socket, F_OK) != 0, "no server was started")
        let status = try server.mux(["server", "status"])
        #expect(status.status == 1 && status.stderr == "Error: no server is running on \(server.socket)\n")
    }
}

/// One server per socket, however many commands start at once, and none left behind on a socket
/// that is no longer its own (issue 14).
@Suite struct OneServerTests {
    /// With a stale socket (a server that died) at the path, or none.
    @Test(arguments: [false, true]) func manyFirstCommandsAtOnceAllSucceedWithOneServer(staleSocket: Bool) throws {
        let server = try TestServer()
        if staleSocket { close(try UnixSocket.bind(to: server.socket)) }
        let count = 16
        // Each starter waits for a line on a shared pipe, so that all of them go at once.
        let go = try makePipe()
        var started: [(pid: pid_t, stderr: TemporaryFile)] = []
        for index in 0..<count {
            let stderr = try TemporaryFile(contents: [])
            let pid = try spawnProgram(
                [
                    "/bin/sh", "-c", #"read line; exec "$@""#, "starter", muxBinaryPath(), "new", "-d", "-s",
                    "p\(index)", "--", "sleep", "30",
                ],
                environment: ProcessEnvironment.current + server.environment,
                descriptors: [
                    0: .duplicate(go.read), 1: .file("/dev/null", flags: O_WRONLY),
                    2: .file(stderr.path, flags: O_WRONLY),
                ])
            started.append((pid, stderr))
        }
        close(go.read)
        try writeAll(go.write, String(repeating: "\n", count: count))
        close(go.write)
        for (pid, stderr) in started {
            let status = try waitForProcess(pid)
            let text = String(decoding: try stderr.contents(), as: UTF8.self)
            #expect(status == 0, "\(text)")
        }
        let listed = try server.ok(["ls"])
        for index in 0..<count { #expect(listed.contains("p\(index): sleep 30")) }
        // The PID file names the server that answers, and no other server runs on this socket
        // (the starters whose servers lost the race have seen theirs exit).
        let status = try server.ok(["server", "status", "--json"])
        let pidFile = try runProgram(["/bin/cat", server.socket + ".pid"]).stdout
        #expect(status.hasPrefix("{\"pid\":\(pidFile.dropLast()),"))
        #expect(
            try eventually { serverProcesses(on: server.socket).count == 1 }, "\(serverProcesses(on: server.socket))")
    }

    @Test func aStartingServerWaitsForTheStartLockBeforeItTouchesTheSocket() throws {
        let server = try TestServer()
        let lock = try FileLock.lock(server.socket + ".lock")
        let lockFile = try #require(FileIdentity(path: server.socket + ".lock"))
        let stderr = try TemporaryFile(contents: [])
        let starter = try spawnProgram(
            [muxBinaryPath(), "new", "-d", "-s", "a", "--", "sleep", "30"],
            environment: ProcessEnvironment.current + server.environment,
            descriptors: [
                0: .file("/dev/null", flags: O_RDONLY), 1: .file("/dev/null", flags: O_WRONLY),
                2: .file(stderr.path, flags: O_WRONLY),
            ])
        // The kernel lists a process blocked in flock with "->" (proc(5), /proc/locks).
        #expect(
            try eventually {
                (try? runProgram(["/bin/cat", "/proc/locks"]).stdout)?.split(separator: "\n").contains {
                    $0.contains("-> FLOCK") && $0.hasSuffix(":\(lockFile.inode) 0 EOF")
                } == true
            })
        #expect(access(server.socket, F_OK) != 0, "nothing is bound while another holds the lock")
        lock.unlock()
        let status = try waitForProcess(starter)
        let complaint = String(decoding: try stderr.contents(), as: UTF8.self)
        #expect(status == 0, "\(complaint)")
        #expect(try server.ok(["ls"]).contains("a: sleep 30"))
    }

    @Test func aServerWhoseSocketIsRemovedStopsByItself() throws {
        let server = try TestServer()
        try server.newSession("s", "exec cat")
        let pids = serverProcesses(on: server.socket)
        #expect(pids.count == 1)
        unlink(server.socket)
        #expect(try eventually(timeout: 15) { pids.allSatisfy(isGone) })
        let log = try runProgram(["/bin/cat", server.socket + ".log"]).stdout
        #expect(log.contains("is no longer this server's socket (removed or replaced)"))
    }

    @Test func aServerWhoseSocketIsReplacedStopsAndLeavesTheNewOneAlone() throws {
        let server = try TestServer()
        try server.newSession("old", "exec cat")
        let old = serverProcesses(on: server.socket)
        #expect(old.count == 1)
        // Someone removes the socket and a new server takes the path.
        unlink(server.socket)
        try server.newSession("new", "exec cat")
        #expect(try eventually(timeout: 15) { old.allSatisfy(isGone) })
        // The old one, stopping, removed neither the new socket nor its PID file.
        let listed = try server.ok(["ls"])
        #expect(listed.contains("new:") && !listed.contains("old:"))
        let pidFile = try runProgram(["/bin/cat", server.socket + ".pid"]).stdout
        #expect(try server.ok(["server", "status", "--json"]).hasPrefix("{\"pid\":\(pidFile.dropLast()),"))
    }
}

/// The pids of `mux server start --foreground` processes serving `socket`.
func serverProcesses(on socket: String) -> [pid_t] {
    muxProcesses(on: socket, keepers: false)
}

/// The pids of the keepers (`mux keeper --socket socket ...`) of servers on `socket`.
func keeperProcesses(on socket: String) -> [pid_t] {
    muxProcesses(on: socket, keepers: true)
}

/// The live processes whose command line names `socket` as a server's, or a keeper's when
/// `keepers` (a keeper's command line holds its server's too).
private func muxProcesses(on socket: String, keepers: Bool) -> [pid_t] {
    guard let directory = opendir("/proc") else { return [] }
    defer { closedir(directory) }
    let wanted = Array("server\0start\0--foreground\0--socket\0\(socket)\0".utf8)
    var pids: [pid_t] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard let pid = pid_t(name), !isGone(pid) else { continue }
        let fd = open("/proc/\(pid)/cmdline", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { continue }
        defer { close(fd) }
        guard let cmdline = try? readAll(fd) else { continue }
        let isKeeper = cmdline.split(separator: 0).dropFirst().first.map(Array.init) == Array("keeper".utf8)
        if isKeeper != keepers { continue }
        if cmdline.count >= wanted.count,
            (0...(cmdline.count - wanted.count)).contains(where: {
                cmdline[$0..<$0 + wanted.count].elementsEqual(wanted)
            })
        {
            pids.append(pid)
        }
    }
    return pids
}

/// The process has exited (or is a zombie nobody reaped yet).
func isGone(_ pid: pid_t) -> Bool {
    let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return true }
    defer { close(fd) }
    guard let stat = try? readAll(fd), let close = stat.lastIndex(of: UInt8(ascii: ")")), close + 2 < stat.count
    else { return true }
    return stat[close + 2] == UInt8(ascii: "Z")
}
