// One session: a program in a PTY, the emulator that mirrors its screen, the ring of its recent
// output, its attached clients and its input lease. Confined to the server's event loop.

import Glibc
import Logging
import MuxPTY
import MuxProtocol
import MuxTerminal
import NIOCore
import NIOPosix

final class Session: @unchecked Sendable {
    enum State {
        case running
        case exited(ExitStatus)
    }

    let name: String
    let command: String
    let created: UInt64
    let keep: Bool
    let process: PTYProcess
    var state = State.running
    var emulator: Emulator
    var ring = OutputRing(capacity: 1 << 20)
    var lease = InputLease()
    /// Attached clients in the order they attached.
    var clients: [Connection] = []
    var columns: UInt16
    var rows: UInt16
    /// The PTY's channel, for writing to the program (its output is read by `reader`, which
    /// rings `doorbell` when it has chunks waiting).
    var pty: Channel?
    var reader: OutputReader?
    var doorbell: Channel?
    let loop: EventLoop
    /// Set when the program has exited and its terminal has been read to the end.
    var programExited: ExitStatus?
    var ptyClosed = false
    /// Requests waiting for the session to end (`mux kill`).
    var onEnd: [() -> Void] = []
    var killRequested = false
    /// Parsed output not yet handed to clients, and whether this turn began inside an update.
    private var forward: [UInt8] = []
    private var batchStartedMidUpdate: Bool?
    private var handOnScheduled = false
    static let largestChunk = 1 << 16
    static let fullRead = 4000
    let logger: Logger
    /// A `--lossless` holder lags: the PTY is not read, so the kernel holds the program back.
    private(set) var readingPaused = false
    /// Set when a synchronized update (mode 2026) has lasted too long to wait for its end.
    private var updateOverdue = false
    private var updateGeneration = 0
    static let longestUpdate = TimeAmount.milliseconds(500)

    init(
        name: String, request: CreateRequest, process: PTYProcess, created: UInt64, loop: EventLoop, logger: Logger
    ) {
        self.loop = loop
        self.name = name
        self.command = request.command.joined(separator: " ")
        self.keep = request.keep
        self.process = process
        self.created = created
        self.columns = request.columns
        self.rows = request.rows
        self.logger = logger
        emulator = Emulator(
            columns: Int(request.columns), rows: Int(request.rows),
            scrollbackLimit: Int(request.scrollback))
    }

    var isRunning: Bool {
        if case .running = state { return true }
        return false
    }

    var summary: SessionSummary {
        var exitStatus: Int32 = 0
        var summaryState = SessionSummary.State.running
        if case .exited(let status) = state {
            summaryState = .exited
            exitStatus = status.shellStatus
        }
        return SessionSummary(
            name: name, command: command, columns: columns, rows: rows, state: summaryState,
            exitStatus: exitStatus, clients: UInt16(clients.count), holder: lease.holder ?? "", created: created)
    }

    // MARK: output

    /// The program wrote `bytes` (a chunk from the reader, valid for this call): parse them and
    /// answer their queries. What clients get is handed on at once, or in a flood (a chunk of at
    /// least one full PTY read) with what follows, up to 64 KiB or 2 ms, so that a burst travels
    /// in few frames instead of one small write and one wake-up per 4 KiB. Typing and prompts go
    /// at once.
    func programWrote(_ bytes: UnsafeBufferPointer<UInt8>) {
        if batchStartedMidUpdate == nil { batchStartedMidUpdate = isMidUpdate }
        emulator.feedForwarding(bytes, into: &forward)
        let effects = emulator.takeEffects()
        if !effects.replies.isEmpty { writeToProgram(effects.replies) }
        guard bytes.count >= Self.fullRead, forward.count < Self.largestChunk else { return handOn() }
        guard !handOnScheduled else { return }
        handOnScheduled = true
        loop.scheduleTask(in: .milliseconds(2)) { [self] in
            handOnScheduled = false
            handOn()
        }
    }

    /// Appends what was parsed since the last call to the ring and hands it to every client.
    /// Called after a chunk the reader brought (or 2 ms after, see `programWrote`) and before
    /// anything looks at the emulator (snapshots, captures, keys, resizes), so the emulator and the ring
    /// always agree when a snapshot is taken.
    func handOn() {
        if !forward.isEmpty {
            let offset = ring.append(forward)
            let chunk = Outbox.Chunk(offset: offset, bytes: forward)
            forward.removeAll(keepingCapacity: true)
            for client in clients { client.deliver(chunk) }
        }
        if let was = batchStartedMidUpdate, was != isMidUpdate { synchronizedUpdateChanged() }
        batchStartedMidUpdate = nil
    }

    /// Makes the ring agree with the emulator for a snapshot at the ring's end: controls already
    /// executed inside a sequence the parser still holds back go out first (a viewer starting from
    /// the snapshot must not apply them again), then everything parsed is handed on.
    func prepareForSnapshot() {
        emulator.releaseExecutedControls(into: &forward)
        handOn()
    }

    // MARK: synchronized output

    /// Inside a synchronized update (mode 2026) that has not overstayed: snapshots wait for its
    /// end, so a viewer never starts from a half-drawn screen.
    var isMidUpdate: Bool { emulator.terminal.modes.synchronizedOutput && !updateOverdue }

    private func synchronizedUpdateChanged() {
        updateGeneration += 1
        if emulator.terminal.modes.synchronizedOutput {
            let generation = updateGeneration
            loop.scheduleTask(in: Self.longestUpdate) { [self] in
                guard generation == updateGeneration else { return }
                updateOverdue = true
                for client in clients { client.pump() }
            }
        } else {
            updateOverdue = false
            for client in clients { client.pump() }
        }
    }

    // MARK: holding the program back

    func pauseReading() {
        guard !readingPaused, let reader else { return }
        readingPaused = true
        reader.pause()
    }

    func resumeReadingIfNobodyLags() {
        guard readingPaused else { return }
        if clients.contains(where: { $0.holdsProgramBack && !$0.outbox.isUnderLowWatermark }) { return }
        readingPaused = false
        reader?.resume()
    }

    func writeToProgram(_ bytes: [UInt8]) {
        guard let pty, isRunning else { return }
        var buffer = pty.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        pty.writeAndFlush(buffer, promise: nil)
    }

    // MARK: size

    /// Resizes the PTY and the emulator; every client gets the new size and a fresh snapshot,
    /// since a reflow is not something the byte stream carries.
    func resize(columns: UInt16, rows: UInt16) {
        guard columns > 0, rows > 0, columns != self.columns || rows != self.rows, isRunning else { return }
        handOn()  // what was parsed at the old size goes out before the new size
        self.columns = columns
        self.rows = rows
        emulator.resize(columns: Int(columns), rows: Int(rows))
        do {
            try process.resize(to: TerminalSize(columns: columns, rows: rows))
        } catch {
            logger.warning("session \(name): \(error)")
        }
        for client in clients {
            client.send(.resized(columns: columns, rows: rows), flush: false)
            client.outbox.requireSnapshot()
            client.pump()
        }
    }

    // MARK: lease

    /// Tells every client about a change of the lease, and follows the new holder's size.
    func leaseChanged(_ change: InputLease.Change?) {
        guard let change else { return }
        logger.info("session \(name): lease \(change.from ?? "-") → \(change.to ?? "-")")
        if let holder = change.to, let client = clients.first(where: { $0.clientID == holder }) {
            resize(columns: client.columns, rows: client.rows)
        }
        for client in clients {
            client.send(.lease(holder: change.to ?? "", holdsLease: client.clientID == change.to))
        }
        resumeReadingIfNobodyLags()
    }

    // MARK: clients

    func detach(_ client: Connection) {
        clients.removeAll { $0 === client }
        client.session = nil
        leaseChanged(lease.leave(client.clientID))
        resumeReadingIfNobodyLags()
    }
}
