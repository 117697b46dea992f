// Starting and stopping the server process: its directory, its socket (never stealing a live
// one), the PID file, the log, the terminfo entry, signals, and the readiness handshake with
// the command that started it (docs/server.md).

import CPTYShim
import Glibc
import Logging
import MuxJournal
import MuxKeeper
import MuxPTY
import MuxProtocol
import MuxSystem
import NIOCore
import NIOPosix

public struct ServerConfiguration: Sendable {
    public var socketPath: String
    public var logLevel: Logger.Level
    /// The least a client's outbox holds before it is resynchronised (more for large screens).
    public var outboxMinimum: Int
    /// How many exited sessions stay listed, uncollected, at most; past it the oldest is collected.
    public var exitedLimit: Int
    /// How long (seconds) an exited session stays listed, uncollected, at most.
    public var exitedMaxAge: Int
    /// How long (ms) a lossless holder may hold its program back before it is demoted to resync.
    public var holderStallLimit: Int

    /// The size of each session's input ring (docs/lifecycle.md): a checkpoint is taken each time
    /// half of it has been read since the last, so that the ring always reaches back to the last
    /// checkpoint. Larger means fewer checkpoints and a longer replay after a crash.
    public var inputRingBytes = 4 << 20
    /// The keeper's end of the link, when a keeper started this server (docs/lifecycle.md).
    public var keeperDescriptor: Int32 = -1
    /// Started by a restart to replace a server that waits (docs/lifecycle.md): a session it
    /// cannot take over stops its start, before it changes anything the old server keeps.
    public var replacing = false

    /// Keep a journal (docs/journal.md); off for `--no-journal`.
    public var journal = true
    /// What a session created without `--restore` gets.
    public var defaultRestore = "screen"
    /// Bounds on memory and on what clients may open (ServerConfiguration+Bounds.swift).
    public var bounds = ServerBounds()

    public static let defaultExitedLimit = 100
    public static let defaultExitedMaxAge = 24 * 60 * 60
    public static let defaultHolderStallLimit = 10_000

    public init(
        socketPath: String, logLevel: Logger.Level, outboxMinimum: Int = 1 << 20,
        exitedLimit: Int = defaultExitedLimit, exitedMaxAge: Int = defaultExitedMaxAge,
        holderStallLimit: Int = defaultHolderStallLimit
    ) {
        self.holderStallLimit = holderStallLimit
        self.socketPath = socketPath
        self.logLevel = logLevel
        self.outboxMinimum = outboxMinimum
        self.exitedLimit = exitedLimit
        self.exitedMaxAge = exitedMaxAge
    }

    var directory: String {
        guard let slash = socketPath.lastIndex(of: "/") else { return "." }
        return slash == socketPath.startIndex ? "/" : String(socketPath[..<slash])
    }
    public var pidFilePath: String { socketPath + ".pid" }
    /// Locked by a server from its probe of the socket through bind and listen, and while it
    /// removes the socket when it stops.
    public var lockFilePath: String { socketPath + ".lock" }
    public var logFilePath: String { socketPath + ".log" }
    var terminfoDirectory: String { socketPath + ".terminfo" }
}

public enum Server {
    /// Runs a server until it is stopped. `readyDescriptor`, when not -1, gets a `ServerReadiness`
    /// line once the socket accepts connections, or why it could not start, and is closed (the
    /// starting command waits on it).
    public static func run(_ configuration: ServerConfiguration, readyDescriptor: Int32) throws(ServerStartFailure) {
        func tell(_ readiness: ServerReadiness) {
            guard readyDescriptor >= 0 else { return }
            try? writeAll(readyDescriptor, readiness.line)
            close(readyDescriptor)
        }
        // A write to a peer that is gone (a pipe, a socket) is an error to handle, never a death.
        signal(SIGPIPE, SIG_IGN)
        do {
            try serve(configuration, ready: { tell(.ready) })
        } catch {
            tell(.failed(error))
            throw error
        }
    }

    /// Listens, calls `ready`, and serves until the server is stopped.
    private static func serve(_ configuration: ServerConfiguration, ready: () -> Void) throws(ServerStartFailure) {
        let socketPath = configuration.socketPath
        guard socketPath.utf8.count < 108 else {
            throw ServerStartFailure(.unusablePath, "the socket path \(socketPath) is too long (108 bytes at most)")
        }
        do {
            try RuntimeDirectory.prepare(configuration.directory)
        } catch {
            throw ServerStartFailure(.unusablePath, error.description)
        }
        // A keeper's server learns first what the keeper holds: the programs of a server that
        // crashed or is being replaced, and its listening socket (docs/lifecycle.md).
        var keeper: KeeperLink?
        var inventory = KeeperInventory(programs: [], listener: nil)
        if configuration.keeperDescriptor >= 0 {
            let link = KeeperLink(descriptor: configuration.keeperDescriptor)
            do {
                inventory = try link.inventory()
            } catch {
                throw ServerStartFailure(.system, "cannot read what the keeper holds: \(error)")
            }
            keeper = link
        }
        // Servers racing to start on this socket take turns from here to listening: the first binds,
        // the others then find it answering. Only the lock holder removes a stale socket.
        let startLock: FileLock
        do {
            startLock = try FileLock.lock(configuration.lockFilePath)
        } catch {
            throw ServerStartFailure(.system, error.description)
        }
        defer { startLock.unlock() }
        switch inventory.listener != nil ? .absent : SocketProbe.probe(socketPath) {
        case .answering:
            throw ServerStartFailure(.alreadyRunning, "a server is already running on \(socketPath)")
        case .foreign(let uid):
            throw ServerStartFailure(.unusablePath, "\(socketPath) belongs to user \(uid); not touching it")
        case .notASocket:
            throw ServerStartFailure(.unusablePath, "\(socketPath) exists and is not a socket; not touching it")
        case .stale:
            unlink(socketPath)
        case .absent:
            break
        }
        let logDescriptor = open(configuration.logFilePath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard logDescriptor >= 0 else {
            throw ServerStartFailure(.system, "cannot open the log \(configuration.logFilePath): \(lastError())")
        }
        let level = configuration.logLevel
        let logger = Logger(label: "mux") { _ in FileLogHandler(descriptor: logDescriptor, logLevel: level) }

        // Signals that stop the server are taken by one thread with sigwait; every other thread
        // (NIO's among them) starts with them blocked.
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&stopSignals, signal) }
        pthread_sigmask(SIG_BLOCK, &stopSignals, nil)

        // The journal is read here, under the lock, so only the server that will own the socket
        // reads it, and before anyone can connect (docs/journal.md, "Reconcile at start").
        // A server holds its journal's lock for its life: one whose socket was replaced may still be
        // stopping, and its journal stays its own (the new server then runs without one).
        let journalPath = JournalLocation.path(forSocket: socketPath)
        var journalLock: FileLock?
        var journalBusy = false
        if configuration.journal {
            _ = JournalLocation.prepare(JournalLocation.directory())
            do {
                journalLock = try FileLock.lockIfFree(journalPath + ".lock")
                journalBusy = journalLock == nil
            } catch {
                // Cannot even create the lock file: the journal cannot be written either; the
                // writer says so and tries again.
            }
        }
        let journalStart = configuration.journal && !journalBusy ? JournalStart.read(journalPath) : nil
        let defaultRestore = RestorePolicy(rawValue: configuration.defaultRestore) ?? .screen

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let environment = sessionEnvironment(configuration, logger: logger)
        // The state lives on the loop; other threads reach it through `ServerDoor` only.
        // One directory per keeper: a server whose socket was taken over by another (and which
        // stops by itself) must not touch the files of the sessions of the other.
        let recoveryDirectory = RecoveryFiles.directory(forSocket: configuration.socketPath, keeper: getppid())
        if keeper != nil {
            if let failure = RecoveryFiles.prepare(recoveryDirectory, fresh: inventory.programs.isEmpty) {
                logger.warning("\(failure); sessions will not survive a crash of the server")
            }
        }
        let heldInventory = inventory
        let link = keeper
        let started = try onLoop(loop) { () -> Result<(NIOLoopBound<ServerState>, Int), ServerStartFailure> in
            let state = ServerState(loop: loop, configuration: configuration, logger: logger)
            state.sessionEnvironment = environment
            var recovered = 0
            if let keeper = link {
                state.host = KeeperProgramHost(keeper)
                state.keeper = keeper
                state.recoveryDirectory = recoveryDirectory
                do throws(ServerStartFailure) {
                    recovered = try state.takeOver(heldInventory)
                } catch {
                    return .failure(error)
                }
            }
            state.reconcile(journalStart, defaultRestore: defaultRestore)
            return .success((NIOLoopBound(state, eventLoop: loop), recovered))
        }
        // A replacement that could not take every session exits here, before it listens, writes
        // its pid or touches the journal (the readers it started die with it).
        let (state, recovered) = try started.get()

        // Bound here and handed to NIO, which would otherwise remove the path when it closes the
        // listener, whoever's socket the path names by then (see `removeSocket`).
        let previousMask = umask(0o177)
        let listener: Channel
        do {
            let bound = try inventory.listener ?? UnixSocket.bind(to: socketPath)
            if inventory.listener == nil { keeper?.holdListener(bound) }
            listener = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 128)
                .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 64 * 1024))
                .childChannelInitializer { channel in
                    acceptConnection(channel, state: state)
                }
                .withBoundSocket(bound)
                .wait()
        } catch {
            umask(previousMask)
            try? group.syncShutdownGracefully()
            throw ServerStartFailure(.system, "cannot listen on \(socketPath): \(error)")
        }
        umask(previousMask)
        chmod(socketPath, 0o600)
        writePIDFile(configuration.pidFilePath)
        // What was bound, to tell later whether the path still names this server's socket.
        let socketIdentity = FileIdentity(path: socketPath)
        startLock.unlock()
        logger.info("listening on \(socketPath) as pid \(getpid())")
        if journalBusy {
            logger.warning("journal: \(journalPath) is held by another server on this socket; running without one")
        }

        let stopped = loop.makePromise(of: Void.self)
        let journalHold = JournalHold(lock: journalLock, path: journalPath + ".lock")
        let journalWriter = journalStart?.writer
        let door = try onLoop(loop) {
            state.value.listener = listener
            state.value.stopped = {
                listener.close(promise: nil)
                stopped.succeed(())
            }
            // A new server taking the sessions over reads and writes the journal from its start.
            state.value.releaseJournal = {
                journalWriter?.drain()
                journalHold.release()
            }
            state.value.retakeJournal = { journalHold.retake() }
            state.value.startHousekeeping(socket: socketIdentity)
            state.value.startSavingScreens()
            return ServerDoor(state.value)
        }
        if let keeper {
            keeper.start { event in door.post(.keeper(event)) }
            if !heldInventory.programs.isEmpty {
                logger.info("recovered \(recovered) of the \(heldInventory.programs.count) sessions the keeper held")
            }
            keeper.ready(sessions: recovered)
        }
        let waitedSignals = stopSignals
        startThread {
            var signal: Int32 = 0
            var mask = waitedSignals
            sigwait(&mask, &signal)
            door.post(.signal(signal))
        }
        ready()
        try? stopped.futureResult.wait()
        // Everything the stop wrote (screens, reasons) is committed before the process exits.
        journalStart?.writer.drain()
        journalHold.release()
        let handedOver = (try? loop.submit { state.value.handedOver }.wait()) ?? false
        if !handedOver { removeSocket(configuration, identity: socketIdentity, logger: logger) }
        logger.info("stopped")
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` on the loop and waits for its result (the loop only refuses when shut down).
    private static func onLoop<T: Sendable>(
        _ loop: EventLoop, _ body: @escaping @Sendable () -> T
    ) throws(ServerStartFailure) -> T {
        do {
            return try loop.submit(body).wait()
        } catch {
            throw ServerStartFailure(.system, "the event loop is gone: \(error)")
        }
    }

    private static func acceptConnection(_ channel: Channel, state: NIOLoopBound<ServerState>) -> EventLoopFuture<Void>
    {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ServerStartFailure(.system, "not a socket"))
        }
        let credentials: EventLoopFuture<mux_peer_credentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return credentials.flatMapThrowing { peer in
            let connection = Connection(channel: channel, peerUID: peer.uid, peerPID: peer.pid)
            try channel.pipeline.syncOperations.addHandler(
                ConnectionHandler(server: state.value, connection: connection))
        }
    }

    /// TERM and friends for every session; compiles the terminfo entry once per server.
    private static func sessionEnvironment(_ configuration: ServerConfiguration, logger: Logger) -> [String: String] {
        var environment = ["COLORTERM": "truecolor", "MUX_SOCKET": configuration.socketPath]
        switch Terminfo.install(into: configuration.terminfoDirectory) {
        case .success:
            environment["TERM"] = "mux-256color"
            let existing = ProcessEnvironment.value("TERMINFO_DIRS") ?? ""
            // An empty entry stands for the system's default directories.
            environment["TERMINFO_DIRS"] = configuration.terminfoDirectory + ":" + existing
        case .failure(let reason):
            logger.warning("sessions get TERM=xterm-256color: \(reason)")
            environment["TERM"] = "xterm-256color"
        }
        return environment
    }

    /// Removes the socket and the PID file, under the start lock and only while the path still
    /// names the socket this server bound: a server started since on the same path keeps its own.
    private static func removeSocket(_ configuration: ServerConfiguration, identity: FileIdentity?, logger: Logger) {
        let lock = try? FileLock.lock(configuration.lockFilePath)
        defer { lock?.unlock() }
        guard let identity, FileIdentity(path: configuration.socketPath) == identity else {
            logger.info("\(configuration.socketPath) is no longer this server's socket; leaving it")
            return
        }
        unlink(configuration.socketPath)
        unlink(configuration.pidFilePath)
    }

    /// Writes this process's pid to `path` (at start, and again after a restart rolled back).
    static func writePIDFile(_ path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        try? writeAll(fd, "\(getpid())\n")
        close(fd)
    }
}

func lastError() -> String { String(cString: strerror(errno)) }

/// The journal's lock, which a server lets go of while a new server takes its sessions over.
final class JournalHold: @unchecked Sendable {
    private var lock: FileLock?
    private let path: String
    /// Whether this server had the journal to begin with.
    private let wanted: Bool

    init(lock: FileLock?, path: String) {
        self.lock = lock
        self.path = path
        wanted = lock != nil
    }

    func release() {
        lock?.unlock()
        lock = nil
    }

    func retake() {
        if wanted && lock == nil { lock = try? FileLock.lockIfFree(path) }
    }
}
