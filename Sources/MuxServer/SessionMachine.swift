// One session's decisions as a pure state machine (docs/server.md, "The session machine"): its
// lifecycle, its input lease, its attached clients and where each one is in the output stream.
// It answers every event with a list of actions for the server to carry out, in order, and does
// no I/O: no NIO, no PTY, no emulator. The style is swift-nio's HTTPServerPipelineHandler and its
// connection state machines.

import MuxPTY
import MuxProtocol

/// The decisions of one session.
struct SessionMachine {
    /// Where a session is in its life (the journal will record these).
    enum Lifecycle: Equatable {
        /// The program was spawned; the channels that read and write its terminal are opening.
        case starting
        case running
        /// The program was reaped; the rest of its output is still being read (at most 200 ms).
        case draining(ExitStatus)
        /// The program exited and its output is all read; listed with its status (and its screen
        /// captured) until collected: by `mux wait --exit` (unless `--keep`), by `mux kill`, by
        /// the creator attached when the program ended, or by the server's bound.
        case exited(ExitStatus)
        /// Gone: the server forgets the session.
        case ended
    }

    /// Things that happen to a session.
    enum Event: Equatable {
        /// The session's channels opened: it runs, and its creator is told.
        case opened
        /// The session's channels could not open.
        case failedToOpen(String)
        /// `count` parsed bytes were appended to the session's output (its ring ends `count` later);
        /// `scrolledOff` lines have left the top of the screen since the session began.
        case output(count: Int, scrolledOff: UInt64 = 0)
        /// The program entered (true) or left a synchronized update (mode 2026).
        case synchronizedOutput(Bool)
        case attach(AttachRequest)
        /// A client detaches (`acknowledge`: it asked, and gets DONE) or vanished.
        case detach(String, acknowledge: Bool)
        /// Input from a client: typed (INPUT) or sent (SEND, answered DONE when `acknowledge`).
        case input(from: String, bytes: [UInt8], force: Bool, acknowledge: Bool)
        /// A client's terminal changed size (RESIZE, with its size in pixels), or a client resizes
        /// the session (RESIZE_SESSION, answered DONE when `acknowledge`; no pixels).
        case resize(
            by: String, columns: UInt16, rows: UInt16, force: Bool, acknowledge: Bool, pixels: PixelSize? = nil)
        /// An attached client asks for a fresh snapshot (REFRESH).
        case refresh(String)
        /// A client's socket takes writes again.
        case writable(String)
        /// A client's socket stopped taking writes (its kernel and NIO buffers are full).
        case blocked(String)
        /// The server wrote a client's snapshot; its output continues from `offset`.
        case snapshotSent(String, at: UInt64)
        /// `taker` (nil: the newest attached control client not holding it) takes the lease, at
        /// `requester`'s request (LEASE_TAKE, answered LEASE_STATE).
        case takeLease(String?, requester: String)
        /// `holder` (nil: the current holder) gives the lease back (LEASE_RELEASE).
        case releaseLease(String?, requester: String)
        /// `requester` asks for the signal to be sent, and is answered DONE when the session ends.
        case kill(signal: Int32, requester: String)
        /// `requester` collects the status of a program that exited (KILL with signal 0): the
        /// session ends unless it was created with `--keep`; answered DONE.
        case collect(requester: String)
        /// The server's bound on exited sessions collects this one (unless it was created with
        /// `--keep`).
        case expire
        /// The server stops: the program gets SIGHUP, and the session ends with it.
        case shutdown
        case programExited(ExitStatus)
        /// The program's terminal has no more output (every writer closed it, or reading stopped).
        case terminalEnded
        case timer(Timer)
        /// The session is now called `newName` (RENAME, answered DONE); the server checked it.
        case rename(String, requester: String)
    }

    /// What ATTACH asks for.
    struct AttachRequest: Equatable {
        var client: String
        /// A control client (an observer can never hold the lease).
        var mayHold: Bool
        var asHolder: Bool
        var lossless: Bool
        /// The client's terminal.
        var columns: UInt16
        var rows: UInt16
        /// The client's terminal in pixels (zero when unknown).
        var pixels = PixelSize()
        /// Lines of scrollback before the first snapshot.
        var history: Int
        /// The client has the output up to here, and wants only what follows.
        var since: UInt64?
    }

    /// Delays the machine asks for; each comes back as `Event.timer`.
    enum Timer: Equatable {
        /// A synchronized update has lasted too long to wait for its end.
        case updateOverdue(generation: Int)
        /// The program exited but something still holds its terminal: stop reading it.
        case drainDeadline
        /// The program ignored the signal `mux kill` sent.
        case killDeadline
        /// Reading has been paused for a lossless holder since `generation`; the server's stall
        /// limit is up.
        case holderStalled(generation: Int, milliseconds: Int)

        var milliseconds: Int {
            switch self {
            case .updateOverdue: 500
            case .drainDeadline: 200
            case .killDeadline: 3000
            case .holderStalled(_, let milliseconds): milliseconds
            }
        }
    }

    enum LogLevel: Equatable { case info, warning }

    /// What the server must do, in order.
    enum Action: Equatable {
        /// A message to a client (attached or not), written now, ahead of queued output.
        case send(String, Message)
        /// An answer that promises what the journal records (CREATED, the DONE of a kill): sent
        /// once the journal has committed every change handed to it before (docs/journal.md).
        case reply(String, Message)
        /// Write the client's queued output while its socket takes it.
        case flush(String)
        /// Write all of the client's output from `from` on, or a snapshot when nil, whether or not
        /// its socket takes it now (the session is ending).
        case drain(String, from: UInt64?)
        /// Take a snapshot for the client and send it (answer with `Event.snapshotSent`). With
        /// `skippedFrom`, the client fell behind when `skippedFrom` lines had scrolled off the
        /// screen: first tell it (GAP) how many more have since.
        case sendSnapshot(String, history: Int, skippedFrom: UInt64? = nil)
        /// The client is no longer attached to this session.
        case release(String)
        case writeToProgram([UInt8])
        case resizeTerminal(columns: UInt16, rows: UInt16)
        /// The pixel sizes the program is told (XTWINOPS 14, 15, 16, 19 and the PTY's ws_xpixel
        /// and ws_ypixel) changed: they are the lease holder's terminal's.
        case setPixelGeometry(PixelGeometry)
        case pauseReading
        case resumeReading
        case stopReading
        case signalProgram(Int32)
        case schedule(Timer)
        case log(LogLevel, String)
        /// The program and its terminal are done with: release them.
        case closeProgram
        /// The session stays listed as exited until it is collected; the server notes when, for
        /// its bound on exited sessions.
        case listExited
        /// The session is gone: forget it.
        case forget
    }

    // The machine's state. Its transitions live in extensions in other files, so Swift cannot keep
    // these private; only the machine's own methods change them (the server reads them).
    /// The session's name; RENAME changes it (the server keeps its dictionary by name in step).
    var name: String
    let ringCapacity: Int
    let outboxMinimum: Int
    /// How long (ms) reading stays paused for a lossless holder before it is demoted.
    let holderStallLimit: Int
    /// Created with `--keep`: only `mux kill` (or the server stopping) removes it once exited.
    let keep: Bool
    /// The client that asked for the session, told when it starts (or fails to).
    let creator: String
    var lifecycle = Lifecycle.starting
    var columns: UInt16
    var rows: UInt16
    /// What the program is told of pixels: from the lease holder's terminal (SessionMachine+Pixels).
    var pixelGeometry = PixelGeometry()
    var lease = InputLease()
    /// Attached clients in the order they attached.
    var attachments: [Attachment] = []
    /// The offset of the next byte of output: everything before it is in the ring.
    var endOffset: UInt64 = 0
    /// A lossless holder lags: the PTY is not read, so the kernel holds the program back.
    var readingPaused = false
    /// Counts pauses, so that a stall timer from an earlier pause is recognised as stale.
    var pauseGeneration = 0
    /// Lines that left the top of the screen, as of `endOffset`; and, for the offsets live
    /// clients may still be at, what the count was there (`ScrolledOffLog`).
    var scrolledOff = ScrolledOffLog()
    /// The program's terminal has no more output.
    var terminalEnded = false
    var killRequested = false
    /// Clients waiting for the session to end (`mux kill`).
    var killWaiters: [String] = []
    /// Inside a synchronized update (mode 2026), and whether it has overstayed.
    var synchronizedOutput = false
    var updateOverdue = false
    var updateGeneration = 0

    init(
        name: String, columns: UInt16, rows: UInt16, keep: Bool, creator: String, ringCapacity: Int,
        outboxMinimum: Int, holderStallLimit: Int = 10_000
    ) {
        self.holderStallLimit = holderStallLimit
        self.name = name
        self.columns = columns
        self.rows = rows
        self.keep = keep
        self.creator = creator
        self.ringCapacity = ringCapacity
        self.outboxMinimum = outboxMinimum
    }

    /// A recovered session's output so far (docs/lifecycle.md): its offsets go on from here.
    mutating func recovered(endOffset: UInt64, scrolledOff lines: UInt64) {
        self.endOffset = endOffset
        scrolledOff.record(end: endOffset, count: lines)
    }

    /// The offset of the oldest byte the ring still holds.
    var startOffset: UInt64 { endOffset - min(UInt64(ringCapacity), endOffset) }

    /// The program may still run and be attached to: starting, running, or draining its output.
    var isLive: Bool {
        switch lifecycle {
        case .starting, .running, .draining: true
        case .exited, .ended: false
        }
    }

    /// The exit status, once the session has exited (draining or kept).
    var exitStatus: ExitStatus? {
        switch lifecycle {
        case .draining(let status), .exited(let status): status
        case .starting, .running, .ended: nil
        }
    }

    /// Snapshots wait while the program is inside a synchronized update that has not overstayed,
    /// so a viewer never starts from a half-drawn screen.
    var isMidUpdate: Bool { synchronizedOutput && !updateOverdue }

    func attachment(_ client: String) -> Attachment? { attachments.first { $0.client == client } }

    func index(of client: String) -> Int? { attachments.firstIndex { $0.client == client } }

    /// Whether `client` holds this session's program back when it lags: a lossless holder (the
    /// default) that has not been demoted for stalling. Observers never do.
    func holdsProgramBack(_ attachment: Attachment) -> Bool {
        attachment.lossless && !attachment.demoted && lease.holder == attachment.client
    }

    /// A lossless holder's bounds do not grow with the screen as an observer's do: what waits
    /// behind a Ctrl-C is at most the high mark (1 MiB by default) plus the reader's read-ahead,
    /// which a terminal drains in about 20 ms.
    var holderWatermarks: (high: Int, low: Int) { Outbox.watermarks(forCells: 0, minimum: outboxMinimum) }

    // MARK: events

    /// Answers one event with what the server must do, in order.
    mutating func handle(_ event: Event) -> [Action] {
        var actions: [Action] = []
        switch event {
        case .opened: opened(into: &actions)
        case .failedToOpen(let reason): failedToOpen(reason, into: &actions)
        case .output(let count, let scrolledOff): output(count, scrolledOff: scrolledOff, into: &actions)
        case .synchronizedOutput(let on): synchronizedOutputChanged(on, into: &actions)
        case .attach(let request): attach(request, into: &actions)
        case .detach(let client, let acknowledge): detach(client, acknowledge: acknowledge, into: &actions)
        case .input(let client, let bytes, let force, let acknowledge):
            input(bytes, from: client, force: force, acknowledge: acknowledge, into: &actions)
        case .resize(let client, let columns, let rows, let force, let acknowledge, let pixels):
            if let pixels, let index = index(of: client) {
                attachments[index].pixels = PixelGeometry(columns: columns, rows: rows, pixels: pixels)
            }
            resize(by: client, columns: columns, rows: rows, force: force, acknowledge: acknowledge, into: &actions)
        case .refresh(let client): refresh(client, into: &actions)
        case .writable(let client): writable(client, into: &actions)
        case .blocked(let client):
            if let index = index(of: client) { attachments[index].socketBlocked = true }
        case .snapshotSent(let client, let offset): snapshotSent(client, at: offset, into: &actions)
        case .takeLease(let taker, let requester): takeLease(taker, requester: requester, into: &actions)
        case .releaseLease(let holder, let requester): releaseLease(holder, requester: requester, into: &actions)
        case .kill(let signal, let requester): kill(signal, requester: requester, into: &actions)
        case .collect(let requester): collect(requester: requester, into: &actions)
        case .expire: if !keep, case .exited = lifecycle { end(into: &actions) }
        case .shutdown: shutdown(into: &actions)
        case .programExited(let status): programExited(status, into: &actions)
        case .terminalEnded: terminalEnded(into: &actions)
        case .timer(let timer): fired(timer, into: &actions)
        case .rename(let newName, let requester):
            name = newName
            actions.append(.send(requester, .done))
        }
        switch event {
        case .attach, .detach, .resize, .takeLease, .releaseLease: updatePixelGeometry(into: &actions)
        default: break
        }
        // One place decides whether a paused program goes on, whatever the event was: a holder
        // caught up, left, lost the lease, was demoted, or had its queue replaced by a snapshot.
        resumeReadingIfNobodyLags(into: &actions)
        return actions
    }

    /// The client's socket took output up to `offset` (the server wrote frames from its cursor).
    mutating func handedOn(_ client: String, through offset: UInt64) -> [Action] {
        guard let index = index(of: client), case .live(let cursor) = attachments[index].phase, offset > cursor,
            offset <= endOffset
        else { return [] }
        attachments[index].phase = .live(cursor: offset)
        var actions: [Action] = []
        resumeReadingIfNobodyLags(into: &actions)
        return actions
    }

    /// The output a live client has yet to be handed: from its cursor to the end.
    func pendingOutput(for client: String) -> Range<UInt64>? {
        guard let attachment = attachment(client), case .live(let cursor) = attachment.phase, cursor < endOffset
        else { return nil }
        return cursor..<endOffset
    }

    /// The oldest offset a live client still needs; output before it may be forgotten.
    var oldestCursor: UInt64 {
        attachments.reduce(endOffset) { oldest, attachment in
            if case .live(let cursor) = attachment.phase { return min(oldest, cursor) }
            return oldest
        }
    }
}

extension SessionMachine {
    /// One attached client, as the session sees it.
    struct Attachment: Equatable {
        /// Where a client is in the output stream.
        enum Phase: Equatable {
            /// Owed a snapshot (it just attached, the session was resized, it asked, or it fell
            /// behind), with this many lines of history; sent once its socket takes writes and
            /// no synchronized update is in progress.
            case awaitingSnapshot(history: Int)
            /// The server is taking its snapshot now.
            case snapshotting
            /// Receives output from `cursor` on.
            case live(cursor: UInt64)
        }

        let client: String
        let mayHold: Bool
        let lossless: Bool
        /// A lossless holder whose terminal stalled past the limit: resynced like an observer
        /// until it takes the lease again.
        var demoted = false
        /// It fell behind when this many lines had scrolled off the screen; its snapshot is
        /// preceded by a GAP.
        var skippedFrom: UInt64?
        /// The client's terminal; the session takes this size when the client holds the lease.
        var columns: UInt16
        var rows: UInt16
        /// What the client's terminal says of pixels (from its size in cells and in pixels when it
        /// last reported them); the program is told it when the client holds the lease.
        var pixels = PixelGeometry()
        var phase: Phase
        var socketBlocked = false
        /// Output queued past this many bytes costs a snapshot (or pauses the program, for a
        /// lossless holder); a paused program goes on once the queue is under the low mark.
        let highWatermark: Int
        let lowWatermark: Int
        /// How many times its queue was dropped for a snapshot.
        var resyncs = 0

        /// Output the session has and this client has not been handed.
        func queuedBytes(end: UInt64) -> Int {
            if case .live(let cursor) = phase { return Int(end - cursor) }
            return 0
        }
    }
}
