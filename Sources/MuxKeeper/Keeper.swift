// The keeper process (docs/lifecycle.md, "The keeper"): it owns every program and PTY master and
// the listening socket, and supervises the server, which works on duplicates. One thread, poll(2)
// on a signalfd and the server links; a child subreaper. It never parses output.

import CPTYShim
import Glibc
import MuxPTY
import MuxProtocol
import MuxSystem

public enum Keeper {
    /// Runs a keeper until its server stops on purpose (exit 0), or its first server fails to
    /// start (exit 1).
    public static func run(_ configuration: KeeperConfiguration) -> Never {
        let keeper = KeeperProcess(configuration)
        keeper.run()
    }
}

/// A program the keeper holds.
struct HeldEntry {
    /// -1 once released.
    var master: Int32
    var tag: [UInt8]
    /// The wait status, once reaped.
    var exit: Int32?
    /// The server released it: forgotten once reaped, left out of inventories.
    var released: Bool
    /// The generation of the server that spawned it (a rolled-back replacement's are released).
    var owner: UInt32
}

/// A server the keeper started, and its end of the link.
final class ServerChild {
    let pid: pid_t
    let generation: UInt32
    var link: Int32
    let receiver: KeeperReceiver
    /// The read end of the pipe the server says it is ready on (its --ready-fd), until it has.
    var readiness: Int32
    var readinessBytes: [UInt8] = []
    let startedAt: Double
    /// It said STOPPING.
    var stopping = false
    /// HELD messages in its inventory.
    var inventoryCount = 0
    /// A replacement only: the old server spawned a program it does not know of.
    var missedSpawn = false
    /// `waitpid` returned it: its pid is no longer its own to signal.
    var reaped = false

    init(pid: pid_t, generation: UInt32, link: Int32, readiness: Int32, startedAt: Double) {
        self.pid = pid
        self.generation = generation
        self.link = link
        self.receiver = KeeperReceiver(socket: link)
        self.readiness = readiness
        self.startedAt = startedAt
    }

    func closeLink() {
        if link >= 0 { close(link) }
        link = -1
        if readiness >= 0 { close(readiness) }
        readiness = -1
    }
}

final class KeeperProcess {
    let configuration: KeeperConfiguration
    var programs: [pid_t: HeldEntry] = [:]
    /// Pids in the order they were spawned: the inventory's order.
    var order: [pid_t] = []
    var listener: Int32 = -1
    var server: ServerChild?
    /// The replacement a RESTART started, until it is ready or rolled back.
    var candidate: ServerChild?
    var candidateDeadline = 0.0
    /// Servers on their way out (replaced or killed), reaped without a restart.
    var retiring: [ServerChild] = []
    var nextGeneration: UInt32 = 1
    /// When the next server starts after a crash.
    var restartAt: Double?
    /// How long the next quick crash waits: none for the first, then doubling.
    var backoff = 0.0
    /// Until a server has said it is ready, a server's exit ends the keeper instead of restarting.
    var everReady = false
    var readyDescriptor: Int32
    var stopRequested = false
    var reexecRequested = false
    var signals: Int32 = -1

    static let firstBackoff = 0.1
    static let longestBackoff = 10.0
    /// A server that ran this long before it crashed is restarted at once.
    static let stableRun = 10.0

    init(_ configuration: KeeperConfiguration) {
        self.configuration = configuration
        readyDescriptor = configuration.readyDescriptor
        if readyDescriptor >= 0 { _ = fcntl(readyDescriptor, F_SETFD, FD_CLOEXEC) }
    }

    func run() -> Never {
        _ = mux_become_subreaper()
        // Only a replacement is started with it (`startServer`), whatever this keeper inherited.
        unsetenv(KeeperConfiguration.replacing)
        // A starting command that went away must not take the keeper with it when the readiness
        // line is written to its pipe. (Started programs get every signal back at its default.)
        signal(SIGPIPE, SIG_IGN)
        let caught = [SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGUSR2]
        signals = caught.withUnsafeBufferPointer { mux_signalfd($0.baseAddress, Int32($0.count)) }
        guard signals >= 0 else {
            log("cannot create a signalfd: \(SystemError("signalfd", errorNumber: -signals).reason)")
            exit(1)
        }
        if configuration.resumeDescriptor >= 0 {
            resume(from: configuration.resumeDescriptor)
            reap()  // what ended during the exec
            if server == nil && !stopRequested { restartAt = now() }
        } else {
            startServer(executable: nil)
        }
        while true {
            if reexecRequested && candidate == nil && (server?.readiness ?? -1) < 0 { reexec() }
            pollOnce()
        }
    }

    // MARK: The loop

    private func pollOnce() {
        var watched: [(fd: Int32, server: ServerChild?, isLink: Bool)] = [(signals, nil, false)]
        for child in [server, candidate].compactMap({ $0 }) + retiring {
            if child.link >= 0 { watched.append((child.link, child, true)) }
            if child.readiness >= 0 { watched.append((child.readiness, child, false)) }
        }
        var fds = watched.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let deadlines = [restartAt, candidate == nil ? nil : candidateDeadline].compactMap { $0 }
        let timeout = deadlines.min().map { Int32(max(0, min(($0 - now()) * 1000 + 1, 60_000))) } ?? -1
        let n = poll(&fds, nfds_t(fds.count), timeout)
        if n < 0 && errno != EINTR {
            log("poll failed: \(SystemError("poll").reason)")
            exit(1)
        }
        for (index, entry) in watched.enumerated() where fds[index].revents != 0 {
            if entry.fd == signals {
                handleSignals()
            } else if let child = entry.server, entry.isLink, child.link == entry.fd {
                readLink(of: child)
            } else if let child = entry.server, !entry.isLink, child.readiness == entry.fd {
                readReadiness(of: child)
            }
        }
        let moment = now()
        if let due = restartAt, due <= moment, server == nil {
            restartAt = nil
            startServer(executable: nil)
        }
        if let candidate, candidateDeadline <= moment {
            rollback(candidate, "the new server was not ready within \(configuration.restartTimeout) s")
        }
    }

    private func handleSignals() {
        while true {
            let signal = mux_signalfd_next(signals)
            guard signal > 0 else { return }
            switch signal {
            case SIGCHLD:
                reap()
            case SIGUSR2:
                reexecRequested = true
            default:
                // Stop: the server is asked to stop, and the keeper follows it out.
                stopRequested = true
                if let candidate { kill(candidate.pid, SIGKILL) }
                guard let server else { shutDown(status: 0) }
                kill(server.pid, SIGTERM)
            }
        }
    }

    /// Reaps every child that ended: programs, servers, and orphans a subreaper inherits.
    func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { return }
            if var program = programs[pid] {
                if program.released {
                    forget(pid)
                } else {
                    program.exit = status
                    programs[pid] = program
                    for child in [server, candidate].compactMap({ $0 }) where child.link >= 0 {
                        try? KeeperWire.send(.exited(pid: pid, status: status), on: child.link)
                    }
                }
            } else if let server, server.pid == pid {
                serverEnded(server, status: status)
            } else if let candidate, candidate.pid == pid {
                // Why it could not start, if it said so before it exited, is the better reason.
                candidate.reaped = true
                if candidate.readiness >= 0 { readReadiness(of: candidate) }
                if self.candidate === candidate {
                    rollback(candidate, "the new server \(ExitStatus(waitStatus: status)) before it was ready")
                }
            } else if let index = retiring.firstIndex(where: { $0.pid == pid }) {
                retiring.remove(at: index).closeLink()
            }
        }
    }

    private func forget(_ pid: pid_t) {
        if let master = programs.removeValue(forKey: pid)?.master, master >= 0 { close(master) }
        order.removeAll { $0 == pid }
    }

    // MARK: Servers

    /// Starts a server (from `executable` instead of the configured one, for RESTART) on a new
    /// link, and sends it the inventory. Returns nil when it could not be started.
    @discardableResult
    func startServer(executable: String?) -> ServerChild? {
        var arguments = configuration.serverArguments
        if let executable { arguments[0] = executable }
        let child: ServerChild
        do {
            let (mine, theirs) = try KeeperWire.makePair()
            let ready = try makePipe()
            _ = fcntl(ready.read, F_SETFL, fcntl(ready.read, F_GETFL) | O_NONBLOCK)
            // Above 4, so that no source of a dup2 is the target of another.
            let link = fcntl(theirs, F_DUPFD_CLOEXEC, 10)
            let readyEnd = fcntl(ready.write, F_DUPFD_CLOEXEC, 10)
            close(theirs)
            close(ready.write)
            defer {
                close(link)
                close(readyEnd)
            }
            let pid: pid_t
            do {
                // A replacement is told so in its environment (an older binary ignores it, where
                // an option it does not know would stop it): it must take every session or none.
                pid = try spawnProgram(
                    arguments + ["--keeper-fd", "3", "--ready-fd", "4"],
                    environment: executable == nil
                        ? nil : ProcessEnvironment.current + [KeeperConfiguration.replacing + "=1"],
                    descriptors: [3: .duplicate(link), 4: .duplicate(readyEnd)])
            } catch {
                close(mine)
                close(ready.read)
                throw error
            }
            child = ServerChild(
                pid: pid, generation: nextGeneration, link: mine, readiness: ready.read, startedAt: now())
            nextGeneration += 1
        } catch {
            log("cannot start the server \(arguments[0]): \(error)")
            if executable == nil { scheduleRestart(ranFor: 0) }
            return nil
        }
        sendInventory(to: child)
        if executable == nil {
            server = child
            log("started server pid \(child.pid) holding \(child.inventoryCount) program(s)")
        }
        return child
    }

    private func sendInventory(to child: ServerChild) {
        for pid in order {
            guard let program = programs[pid], !program.released, program.master >= 0 else { continue }
            let held = KeeperMessage.held(pid: pid, tag: program.tag, exit: program.exit)
            if (try? KeeperWire.send(held, descriptors: [program.master], on: child.link)) != nil {
                child.inventoryCount += 1
            }
        }
        if listener >= 0 { try? KeeperWire.send(.listener, descriptors: [listener], on: child.link) }
        try? KeeperWire.send(.heldEnd, on: child.link)
    }

    private func serverEnded(_ child: ServerChild, status: Int32) {
        // What it said before it ended comes first, whichever poll saw first: its readiness line,
        // and the messages it sent (a RELEASE or RETAG just before a crash still counts).
        if child.readiness >= 0 { readReadiness(of: child) }
        while child.link >= 0 {
            var fds = [pollfd(fd: child.link, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 0) == 1 else { break }
            readLink(of: child)
        }
        child.closeLink()
        server = nil
        let how = ExitStatus(waitStatus: status)
        if child.stopping || stopRequested {
            shutDown(status: 0)
        }
        if let candidate {
            // The old server died during a restart: the replacement, which has everything, carries on.
            self.candidate = nil
            server = candidate
            log("server pid \(child.pid) \(how) during a restart; pid \(candidate.pid) carries on")
            return
        }
        guard everReady else {
            if readyDescriptor >= 0 {
                let failure = ServerStartFailure(
                    .system, "the server \(how) before it was ready (see \(configuration.logPath))")
                try? writeAll(readyDescriptor, ServerReadiness.failed(failure).line)
            }
            log("server pid \(child.pid) \(how) before it was ready; the keeper exits")
            shutDown(status: 1)
        }
        let ran = now() - child.startedAt
        let delay = scheduleRestart(ranFor: ran)
        log(
            "server pid \(child.pid) \(how) after \(seconds(ran)) s; restarting"
                + (delay > 0 ? " in \(seconds(delay)) s" : ""))
    }

    /// Schedules the next start: at once after a long run and after the first quick crash; a
    /// server that keeps crashing waits 0.1 s, then twice as long each time, up to 10 s.
    @discardableResult
    private func scheduleRestart(ranFor ran: Double) -> Double {
        let delay: Double
        if ran >= Self.stableRun {
            delay = 0
            backoff = 0
        } else {
            delay = backoff
            backoff = backoff == 0 ? Self.firstBackoff : min(backoff * 2, Self.longestBackoff)
        }
        restartAt = now() + delay
        return delay
    }

    /// Reads what the server said on its readiness pipe (nonblocking), until a whole line or the end.
    private func readReadiness(of child: ServerChild) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var ended = false
        while child.readiness >= 0 {
            let n = read(child.readiness, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n > 0 { child.readinessBytes += buffer[..<n] }
            ended = n == 0 || (n < 0 && errno != EAGAIN)
            if n <= 0 || child.readinessBytes.contains(UInt8(ascii: "\n")) { break }
        }
        let complete = child.readinessBytes.contains(UInt8(ascii: "\n"))
        guard complete || ended else { return }
        close(child.readiness)
        child.readiness = -1
        guard complete else { return }  // it ended without a word: its exit says the rest
        let line = child.readinessBytes
        if child === server && readyDescriptor >= 0 {
            try? writeAll(readyDescriptor, line)
            close(readyDescriptor)
            readyDescriptor = -1
        }
        switch ServerReadiness(received: line) {
        case .failed(let failure):
            log("server pid \(child.pid) could not start: \(failure.description)")
            if child === candidate { rollback(child, "the new server could not start: \(failure.description)") }
        case .ready, nil:
            if child === server { everReady = true }
        }
    }

    // MARK: The link

    private func readLink(of child: ServerChild) {
        let received: (message: KeeperMessage, descriptors: [Int32])?
        do {
            received = try child.receiver.receive()
        } catch {
            if error.errorNumber == EPROTO || error.errorNumber == EMSGSIZE {
                log("server pid \(child.pid): \(error)")
                return
            }
            received = nil
        }
        guard let (message, descriptors) = received else {
            // Its end closed: the server is gone or going; its exit is handled when it is reaped
            // (which still reads what it said on its readiness pipe).
            if child.link >= 0 { close(child.link) }
            child.link = -1
            return
        }
        if retiring.contains(where: { $0 === child }) {
            for fd in descriptors { close(fd) }
            return
        }
        switch message {
        case .spawn(let request):
            spawn(request, for: child)
        case .retag(let pid, let tag):
            programs[pid]?.tag = tag
        case .release(let pid):
            guard var program = programs[pid] else { break }
            if program.exit != nil {
                forget(pid)
            } else {
                if program.master >= 0 { close(program.master) }
                program.master = -1
                program.released = true
                programs[pid] = program
            }
        case .holdListener:
            if listener >= 0 { close(listener) }
            listener = descriptors[0]
        case .ready(let count):
            if child === candidate { candidateReady(child, count: Int(count)) }
        case .stopping:
            child.stopping = true
        case .restart(let executable):
            if child === server && candidate == nil { restart(executable: executable) }
        default:
            for fd in descriptors { close(fd) }  // not a server's message
        }
    }

    private func spawn(_ request: SpawnRequest, for child: ServerChild) {
        let answer: KeeperMessage
        var master: Int32 = -1
        do {
            let process = try PTYProcess.spawn(
                request.arguments, environment: request.environment, workingDirectory: request.workingDirectory,
                size: TerminalSize(columns: request.columns, rows: request.rows))
            master = process.takeMasterDescriptor()
            programs[process.pid] = HeldEntry(
                master: master, tag: request.tag, exit: nil, released: false, owner: child.generation)
            order.append(process.pid)
            if child === server { candidate?.missedSpawn = true }
            answer = .spawned(id: request.id, pid: process.pid)
        } catch {
            let errorNumber = error.cause == .emptyCommand ? ENOENT : error.errorNumber
            answer = .spawnFailed(id: request.id, stage: error.stage, errorNumber: errorNumber)
        }
        try? KeeperWire.send(answer, descriptors: master >= 0 ? [master] : [], on: child.link)
    }

    // MARK: Restart

    private func restart(executable: String) {
        let path = executable.isEmpty ? ownExecutable() : executable
        guard let child = startServer(executable: path) else {
            if let server { try? KeeperWire.send(.rollback(reason: "cannot start \(path)"), on: server.link) }
            return
        }
        candidate = child
        candidateDeadline = now() + configuration.restartTimeout
        log("restart: started server pid \(child.pid) from \(path)")
    }

    private func candidateReady(_ child: ServerChild, count: Int) {
        if child.missedSpawn {
            return rollback(child, "a program was started during the restart; try again")
        }
        guard count == child.inventoryCount else {
            return rollback(child, "the new server restored \(count) of \(child.inventoryCount) sessions")
        }
        candidate = nil
        if let old = server {
            try? KeeperWire.send(.exit, on: old.link)
            retiring.append(old)
            log("restart: server pid \(child.pid) replaces pid \(old.pid)")
        }
        server = child
        everReady = true
        backoff = 0
    }

    /// Kills a replacement that failed, releases what it started, and tells the old server why.
    /// It is reaped first (unless it was already): once told, the old server reads its terminals
    /// again, and bytes the replacement read from them must all be in the input rings by then. A
    /// replacement that does not die within 2 s (stuck in the kernel) is left to `reap`.
    private func rollback(_ child: ServerChild, _ reason: String) {
        candidate = nil
        if !child.reaped {
            kill(child.pid, SIGKILL)
            var status: Int32 = 0
            for _ in 0..<200 where !child.reaped {
                let result = waitpid(child.pid, &status, WNOHANG)
                child.reaped = result == child.pid || (result < 0 && errno == ECHILD)
                if !child.reaped { usleep(10_000) }
            }
        }
        if child.reaped {
            retiring.removeAll { $0 === child }
        } else if !retiring.contains(where: { $0 === child }) {
            log("restart: the new server pid \(child.pid) has not died after SIGKILL; rolling back without it")
            retiring.append(child)
        }
        child.closeLink()
        for pid in order where programs[pid]?.owner == child.generation {
            programs[pid]?.released = true
            if let master = programs[pid]?.master, master >= 0 { close(master) }
            programs[pid]?.master = -1
        }
        for pid in order where programs[pid]?.released == true && programs[pid]?.exit != nil { forget(pid) }
        log("restart rolled back: \(reason)")
        if let server, server.link >= 0 { try? KeeperWire.send(.rollback(reason: reason), on: server.link) }
    }

    // MARK: Ending

    /// Closes every master (their programs see a hang-up once nobody else holds one) and exits.
    func shutDown(status: Int32) -> Never {
        if let candidate { kill(candidate.pid, SIGKILL) }
        for program in programs.values where program.master >= 0 { close(program.master) }
        if listener >= 0 { close(listener) }
        if readyDescriptor >= 0 { close(readyDescriptor) }
        exit(status)
    }

    /// One line in the socket's log. Opened for each line: there are few, and the directory may
    /// not exist until the first server has made it.
    func log(_ line: String) {
        let fd = open(configuration.logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        try? writeAll(fd, "\(Timestamp.now.utc) notice keeper: \(line)\n")
        close(fd)
    }

    func now() -> Double { MonotonicClock.seconds() }

    private func seconds(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// This program's file, for RESTART without an executable and for re-execution: the path
/// /proc/self/exe names, even when the binary there was replaced since it started (an upgrade), else
/// /proc/self/exe itself.
func ownExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard n > 0 else { return "/proc/self/exe" }
    var path = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if path.hasSuffix(" (deleted)") { path.removeLast(" (deleted)".count) }
    return access(path, X_OK) == 0 ? path : "/proc/self/exe"
}
