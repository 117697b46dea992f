// A real keeper (`mux keeper`) whose server is `mux keeper-stand-in`: each server the keeper starts
// hands its link and readiness descriptors to the test over a Unix socket, and the test plays the
// server through a real `KeeperLink`. The stand-in process stays alive until the test tells it to
// exit (or kills it), so the keeper supervises a real process.

import CPTYShim
import Glibc
import MuxKeeper
import MuxPTY
import MuxSystem
import Synchronization
import Testing

/// The mux binary beside the test bundle.
func muxBinaryPath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    precondition(n > 0, "cannot read /proc/self/exe")
    let me = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return String(me[..<me.lastIndex(of: "/")!]) + "/mux"
}

/// Polls `condition` until it holds or 10 s pass; returns whether it held.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<1000 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

private let counter = Atomic<Int>(0)

final class KeeperHarness {
    let directory: String
    let socketPath: String
    private let handPath: String
    private let hand: Int32
    let keeperPID: pid_t
    /// The launcher's end of the readiness pipe: what `ServerLauncher.start` would read.
    let ready: Int32
    private var keeperReaped = false
    private(set) var servers: [StandIn] = []

    init(restartTimeout: Double = 20) throws {
        // Telling a stand-in that already died to exit must not kill the test.
        signal(SIGPIPE, SIG_IGN)
        directory = "/tmp/mk-\(getpid())-\(counter.add(1, ordering: .relaxed).newValue)"
        mkdir(directory, 0o700)
        socketPath = directory + "/s.sock"
        handPath = directory + "/hand.sock"
        hand = try UnixSocket.bind(to: handPath)
        listen(hand, 8)
        let pipe = try makePipe()
        ready = pipe.read
        let mux = muxBinaryPath()
        keeperPID = try spawnProgram(
            [
                mux, "keeper", "--socket", socketPath, "--ready-fd", "3", "--restart-timeout", "\(restartTimeout)",
                "--", mux, "keeper-stand-in", "--hand-to", handPath,
            ], descriptors: [3: .duplicate(pipe.write)])
        close(pipe.write)
    }

    deinit {
        if !keeperReaped {
            kill(keeperPID, SIGKILL)
            _ = try? waitForProcess(keeperPID)
        }
        for server in servers { server.dismiss() }
        close(hand)
        close(ready)
        unlink(handPath)
        unlink(socketPath + ".log")
        rmdir(directory)
    }

    /// The next server the keeper starts, once it has handed its descriptors over.
    func nextServer() throws -> StandIn {
        var fds = [pollfd(fd: hand, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, 10_000) == 1 else { throw SystemError("no server connected", errorNumber: ETIMEDOUT) }
        let connection = accept(hand, nil, nil)
        guard connection >= 0 else { throw SystemError("accept") }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        var pid: UInt32 = 0
        var received = [Int32](repeating: -1, count: 2)
        var count: Int32 = 0
        var truncated: Int32 = 0
        let n = mux_recv_with_fds(connection, &pid, 4, &received, 2, &count, &truncated)
        guard n == 4, count == 2 else { throw SystemError("receive a stand-in's descriptors", errorNumber: EPROTO) }
        let server = StandIn(
            pid: pid_t(UInt32(littleEndian: pid)), link: received[0], readiness: received[1], control: connection)
        servers.append(server)
        return server
    }

    /// The keeper's exit status, waiting for it.
    func keeperExit() throws -> MuxPTY.ExitStatus {
        keeperReaped = true
        return MuxPTY.ExitStatus(waitStatus: try waitForProcess(keeperPID))
    }

    /// The keeper's lines in the socket's log.
    func log() -> [String] {
        let fd = open(socketPath + ".log", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let text = String(decoding: (try? readAll(fd)) ?? [], as: UTF8.self)
        return text.split(separator: "\n").map(String.init).filter { $0.contains(" keeper: ") }
    }

    /// What the launcher would read on its readiness pipe, to the end.
    func readinessLine() -> String {
        String(decoding: (try? readAll(ready)) ?? [], as: UTF8.self)
    }
}

/// A server the keeper started, played by the test.
final class StandIn: Sendable {
    let pid: pid_t
    let link: KeeperLink
    private let readiness: Mutex<Int32>
    private let control: Int32
    private let received = Mutex<[KeeperEvent]>([])

    init(pid: pid_t, link: Int32, readiness: Int32, control: Int32) {
        self.pid = pid
        self.link = KeeperLink(descriptor: link)
        self.readiness = Mutex(readiness)
        self.control = control
    }

    deinit { close(control) }

    /// Reads the inventory, says it is ready (on --ready-fd) and starts taking events.
    func connect(ready: Bool = true) throws -> KeeperInventory {
        let inventory = try link.inventory()
        if ready { say("\n") }
        startEvents()
        return inventory
    }

    /// Starts the link's reading thread, recording its events.
    func startEvents() {
        link.start { [self] event in received.withLock { $0.append(event) } }
    }

    /// Writes `line` on the readiness pipe and closes it, as a server does once.
    func say(_ line: String) {
        readiness.withLock { fd in
            guard fd >= 0 else { return }
            try? writeAll(fd, line)
            close(fd)
            fd = -1
        }
    }

    /// The stand-in process exits with `status`.
    func exit(_ status: UInt8) {
        var byte = status
        _ = write(control, &byte, 1)
    }

    /// Lets the stand-in go (exit 0) and forgets its descriptors.
    func dismiss() {
        exit(0)
        say("")
    }

    var events: [KeeperEvent] { received.withLock { $0 } }

    /// The first event that `matches`, waiting up to 10 s for it.
    func event(_ matches: (KeeperEvent) -> Bool) -> KeeperEvent? {
        var found: KeeperEvent?
        _ = eventually {
            found = events.first(where: matches)
            return found != nil
        }
        return found
    }
}

/// Reads `master` until what came contains `text` (10 s at most).
func read(_ master: Int32, until text: String) -> String {
    var seen: [UInt8] = []
    for _ in 0..<1000 {
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        if poll(&fds, 1, 10) == 1 {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = Glibc.read(master, &buffer, buffer.count)
            if n <= 0 { break }
            seen += buffer[..<n]
            if String(decoding: seen, as: UTF8.self).contains(text) { break }
        }
    }
    return String(decoding: seen, as: UTF8.self)
}

/// Fields of /proc/PID/stat after the command: state, ppid, pgrp, session.
func processStat(_ pid: pid_t) -> (parent: pid_t, session: pid_t)? {
    let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let text = String(decoding: (try? readAll(fd)) ?? [], as: UTF8.self)
    guard let close = text.lastIndex(of: ")") else { return nil }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 4, let parent = pid_t(fields[1]), let session = pid_t(fields[3]) else { return nil }
    return (parent, session)
}

/// Whether `pid` is gone altogether (reaped, not a zombie).
func reaped(_ pid: pid_t) -> Bool { access("/proc/\(pid)", F_OK) != 0 }
