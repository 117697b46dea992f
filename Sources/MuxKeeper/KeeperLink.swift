// The server's end of the link to its keeper (docs/lifecycle.md, "The link"): the inventory read at
// start, then a reading thread that turns the keeper's messages into events and routes each
// SPAWNED or SPAWN_FAILED to the caller of `spawn` waiting for it.

import CPTYShim
import Glibc
import MuxPTY
import MuxSystem

/// A program the keeper holds, as its inventory reports it.
public struct HeldProgram: Sendable {
    public let pid: pid_t
    /// A duplicate of the keeper's master, now the caller's (close-on-exec).
    public let master: Int32
    public let tag: [UInt8]
    /// How it ended, if the keeper has reaped it already.
    public let exit: ExitStatus?

    public init(pid: pid_t, master: Int32, tag: [UInt8], exit: ExitStatus?) {
        self.pid = pid
        self.master = master
        self.tag = tag
        self.exit = exit
    }
}

/// What the keeper holds when a server connects.
public struct KeeperInventory: Sendable {
    public var programs: [HeldProgram]
    /// A duplicate of the listening socket it holds for the server, if any.
    public var listener: Int32?

    public init(programs: [HeldProgram], listener: Int32?) {
        self.programs = programs
        self.listener = listener
    }
}

/// What the keeper tells a running server.
public enum KeeperEvent: Sendable {
    /// A program was reaped.
    case exited(pid: pid_t, ExitStatus)
    /// This server was replaced (RESTART succeeded): close the clients and exit without ending a
    /// session.
    case exit
    /// The replacement this server asked for failed: carry on.
    case rollback(String)
    /// The link closed or broke: the keeper is gone.
    case lost
}

/// The server's end of the link. Call `inventory()` once, then `start(events:)`; the other calls
/// may come from any thread. (`spawn` before `start` reads the link itself, and keeps the events it
/// reads meanwhile for `start` to deliver first; `start` waits for such a `spawn` to have its
/// answer, so that only one thread ever reads the link.)
public final class KeeperLink: @unchecked Sendable {
    private enum Answer {
        case pending
        case spawned(pid: pid_t, master: Int32)
        case failed(stage: Int32, errorNumber: Int32)
        case lost
    }

    private let descriptor: Int32
    /// Read by `inventory()` and inline spawns before `start`, by the reading thread after.
    private let receiver: KeeperReceiver
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Held by a `spawn` reading the link itself (before `start`).
    private let inlineReading = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    // Guarded by `mutex`:
    private var nextID: UInt32 = 0
    private var answers: [UInt32: Answer] = [:]
    private var handler: (@Sendable (KeeperEvent) -> Void)?
    private var heldBack: [KeeperEvent] = []
    private var lost = false

    /// Takes ownership of `descriptor`, the server's end of the link (made close-on-exec here, so
    /// that no program the server starts inherits it).
    public init(descriptor: Int32) {
        self.descriptor = descriptor
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        KeeperWire.prepare(descriptor)
        receiver = KeeperReceiver(socket: descriptor)
        pthread_mutex_init(mutex, nil)
        pthread_mutex_init(inlineReading, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        close(descriptor)
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        pthread_mutex_destroy(inlineReading)
        inlineReading.deallocate()
        condition.deallocate()
        mutex.deallocate()
    }

    private func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Reads HELD... LISTENER... HELD_END (blocking). Call once, first.
    public func inventory() throws(SystemError) -> KeeperInventory {
        var inventory = KeeperInventory(programs: [], listener: nil)
        while true {
            guard let (message, descriptors) = try receiver.receive() else {
                for program in inventory.programs { close(program.master) }
                if let listener = inventory.listener { close(listener) }
                throw SystemError("read the keeper's inventory: the link closed", errorNumber: ECONNRESET)
            }
            switch message {
            case .held(let pid, let tag, let exit):
                inventory.programs.append(
                    HeldProgram(pid: pid, master: descriptors[0], tag: tag, exit: exit.map(ExitStatus.init)))
            case .listener:
                if let old = inventory.listener { close(old) }
                inventory.listener = descriptors[0]
            case .heldEnd:
                return inventory
            default:
                handle(message, descriptors)
            }
        }
    }

    /// Starts a thread that reads the link from now on; events go to `handler` on that thread
    /// (first those an earlier `spawn` read).
    public func start(events handler: @escaping @Sendable (KeeperEvent) -> Void) {
        // A `spawn` reading inline finishes first: two readers would each take messages the other
        // waits for (a server spawning for a client in its first moments hung that way).
        pthread_mutex_lock(inlineReading)
        let early = locked {
            self.handler = handler
            defer { heldBack = [] }
            return heldBack
        }
        pthread_mutex_unlock(inlineReading)
        for event in early { handler(event) }
        startThread { [self] in
            while readOne() {}
        }
    }

    /// Reads and handles one message; false once the link is gone.
    private func readOne() -> Bool {
        let received: (message: KeeperMessage, descriptors: [Int32])?
        do {
            received = try receiver.receive()
        } catch {
            received = nil
        }
        guard let (message, descriptors) = received else {
            let handler = locked {
                lost = true
                for (id, answer) in answers {
                    if case .pending = answer { answers[id] = .lost }
                }
                pthread_cond_broadcast(condition)
                return self.handler
            }
            deliver(.lost, to: handler)
            return false
        }
        handle(message, descriptors)
        return true
    }

    private func handle(_ message: KeeperMessage, _ descriptors: [Int32]) {
        let event: KeeperEvent
        switch message {
        case .spawned(let id, let pid):
            answer(id, .spawned(pid: pid, master: descriptors[0]))
            return
        case .spawnFailed(let id, let stage, let errorNumber):
            answer(id, .failed(stage: stage, errorNumber: errorNumber))
            return
        case .exited(let pid, let status): event = .exited(pid: pid, ExitStatus(waitStatus: status))
        case .exit: event = .exit
        case .rollback(let reason): event = .rollback(reason)
        default:
            // Not a message for a server (or an inventory message out of place): dropped.
            for fd in descriptors { close(fd) }
            return
        }
        deliver(event, to: locked { handler })
    }

    private func deliver(_ event: KeeperEvent, to handler: (@Sendable (KeeperEvent) -> Void)?) {
        if let handler {
            handler(event)
        } else {
            locked { heldBack.append(event) }
        }
    }

    private func answer(_ id: UInt32, _ answer: Answer) {
        let taken = locked {
            guard case .pending = answers[id] else { return false }
            answers[id] = answer
            pthread_cond_broadcast(condition)
            return true
        }
        if !taken, case .spawned(_, let master) = answer { close(master) }
    }

    /// Blocking round trip: the keeper starts the program in a new PTY exactly as
    /// `PTYProcess.spawn` would, and holds it; the result owns a duplicate of the master. The
    /// program is the keeper's child, not ours: its exit comes as `KeeperEvent.exited`.
    public func spawn(
        _ arguments: [String], environment: [String], workingDirectory: String?, size: TerminalSize, tag: [UInt8]
    ) throws(SpawnError) -> PTYProcess {
        guard let program = arguments.first else { throw SpawnError(cause: .emptyCommand, errorNumber: 0) }
        let (id, reading): (UInt32, Bool) = locked {
            nextID &+= 1
            answers[nextID] = lost ? .lost : .pending
            return (nextID, handler == nil)
        }
        let request = SpawnRequest(
            id: id, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
            columns: size.columns, rows: size.rows, tag: tag)
        do {
            try KeeperWire.send(.spawn(request), on: descriptor)
        } catch {
            locked { answers[id] = nil }
            // Too large a request is the caller's; any other failure means the keeper is gone.
            throw error.errorNumber == EMSGSIZE
                ? SpawnError(cause: .terminal, errorNumber: EMSGSIZE)
                : SpawnError(cause: .keeperLost, errorNumber: error.errorNumber)
        }
        if reading {
            // Before `start`, the callers read the link themselves, one at a time; each answer
            // read goes to its own caller. Once `start` has run, its thread reads instead.
            pthread_mutex_lock(inlineReading)
            while locked({
                guard handler == nil, case .pending = answers[id] else { return false }
                return true
            }) {
                guard readOne() else { break }
            }
            pthread_mutex_unlock(inlineReading)
        }
        pthread_mutex_lock(mutex)
        while case .pending = answers[id] { pthread_cond_wait(condition, mutex) }
        let answer = answers.removeValue(forKey: id)!
        pthread_mutex_unlock(mutex)
        switch answer {
        case .spawned(let pid, let master):
            return PTYProcess(adopting: pid, master: master)
        case .failed(let stage, let errorNumber):
            throw SpawnError(
                stage: stage, errorNumber: errorNumber, program: program, workingDirectory: workingDirectory)
        case .lost, .pending:
            throw SpawnError(cause: .keeperLost, errorNumber: 0)
        }
    }

    /// Replaces the opaque tag the keeper keeps with program `pid`.
    public func retag(pid: pid_t, tag: [UInt8]) { send(.retag(pid: pid, tag: tag)) }

    /// The keeper closes its master of `pid` and forgets the program once it has exited.
    public func release(pid: pid_t) { send(.release(pid: pid)) }

    /// Sends a duplicate of the listening socket for the keeper to hold; the caller keeps its own.
    public func holdListener(_ descriptor: Int32) { send(.holdListener, descriptors: [descriptor]) }

    /// The server has restored `sessions` sessions and serves.
    public func ready(sessions: Int) { send(.ready(count: UInt32(clamping: sessions))) }

    /// The server stops on purpose: the keeper releases everything and exits after it.
    public func stopping() { send(.stopping) }

    /// Asks the keeper to replace this server with one started from `executable` (empty: the
    /// keeper's own binary); the answer is `KeeperEvent.exit` or `.rollback`.
    public func restart(executable: String) { send(.restart(executable: executable)) }

    /// A failed send means the keeper is gone, which the reading thread reports as `.lost`.
    private func send(_ message: KeeperMessage, descriptors: [Int32] = []) {
        try? KeeperWire.send(message, descriptors: descriptors, on: descriptor)
    }
}
