// The messages of protocol version 4 (docs/protocol.md). Their numbers are in MessageType.swift,
// their bytes in Message+Wire.swift.

/// What a client is allowed to do.
public enum Role: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// May create, kill, send, take the lease and attach as holder.
    case control = 1
    /// May only list, capture and attach read-only.
    case observer = 2

    public var description: String { self == .control ? "control" : "observer" }
}

/// A session as SESSIONS lists it.
public struct SessionSummary: Equatable, Sendable {
    public enum State: UInt8, Sendable, CustomStringConvertible {
        case starting = 0
        case running, exited
        /// Its program did not survive the server (a crash, a stop, a reboot): the journal's saved
        /// screen is all that is left (docs/journal.md).
        case lost

        public var description: String {
            switch self {
            case .starting: "starting"
            case .running: "running"
            case .exited: "exited"
            case .lost: "lost"
            }
        }
    }

    /// Whether a process exists, as far as the server could tell (never dead on a failed check).
    public enum Liveness: UInt8, Sendable, CustomStringConvertible {
        case unknown = 0
        case alive, dead

        public var description: String {
            switch self {
            case .unknown: "unknown"
            case .alive: "alive"
            case .dead: "dead"
            }
        }
    }

    /// Whether the terminal's foreground process is blocked reading the terminal.
    public enum Activity: UInt8, Sendable, CustomStringConvertible {
        /// Not known, or not running.
        case unknown = 0
        case waitingForInput, busy

        public var description: String {
            switch self {
            case .unknown: "unknown"
            case .waitingForInput: "waiting-for-input"
            case .busy: "busy"
            }
        }
    }

    /// Where the shell is by its OSC 133 prompt marks.
    public enum CommandPhase: UInt8, Sendable, CustomStringConvertible {
        /// No marks seen (or none since the last command finished).
        case unknown = 0
        case prompt, input, running

        public var description: String {
            switch self {
            case .unknown: "unknown"
            case .prompt: "prompt"
            case .input: "input"
            case .running: "running"
            }
        }
    }

    public var name: String
    public var command: String
    public var columns: UInt16
    public var rows: UInt16
    public var state: State
    /// The program's exit status (shell form); nil while it runs.
    public var exitStatus: Int32?
    public var clients: UInt16
    /// The lease holder's client id; empty when nobody holds it.
    public var holder: String
    /// When the session was created, in seconds since 1970.
    public var created: UInt64
    /// The program's pid (the session leader in its PTY).
    public var pid: Int32?
    public var liveness: Liveness
    public var activity: Activity
    /// The terminal's foreground process (the program itself, or what it runs in the foreground).
    public var foregroundPID: Int32?
    public var foregroundCommand: String?
    /// The foreground process's working directory.
    public var workingDirectory: String?
    /// When the program last wrote, and a client last wrote to it, in milliseconds since 1970.
    public var lastOutput: UInt64?
    public var lastInput: UInt64?
    /// OSC 0/2; nil when none was set (or it was set empty).
    public var title: String?
    public var commandPhase: CommandPhase
    /// The status of the last command the shell's OSC 133 marks said finished.
    public var lastCommandStatus: Int32?
    /// How many commands the marks said finished (lets a script wait for the one it started).
    public var commandsFinished: UInt64
    /// `KEY=VALUE`, sorted by key (`mux label`).
    public var labels: [String] = []
    /// What a server does with it after a crash, a stop or a reboot.
    public var restore: SessionRestore = .serverDefault
    /// A lost session: when (seconds since 1970) and why its program ended.
    public var ended: UInt64?
    public var endReason: String?
    /// The scrollback's lines, and the bytes they hold (what `--scrollback-bytes` bounds).
    public var historyLines: UInt32 = 0
    public var historyBytes: UInt64 = 0

    public init(
        name: String, command: String, columns: UInt16, rows: UInt16, state: State, exitStatus: Int32?,
        clients: UInt16, holder: String, created: UInt64, pid: Int32? = nil, liveness: Liveness = .unknown,
        activity: Activity = .unknown, foregroundPID: Int32? = nil, foregroundCommand: String? = nil,
        workingDirectory: String? = nil, lastOutput: UInt64? = nil, lastInput: UInt64? = nil, title: String? = nil,
        commandPhase: CommandPhase = .unknown, lastCommandStatus: Int32? = nil, commandsFinished: UInt64 = 0
    ) {
        self.name = name
        self.command = command
        self.columns = columns
        self.rows = rows
        self.state = state
        self.exitStatus = exitStatus
        self.clients = clients
        self.holder = holder
        self.created = created
        self.pid = pid
        self.liveness = liveness
        self.activity = activity
        self.foregroundPID = foregroundPID
        self.foregroundCommand = foregroundCommand
        self.workingDirectory = workingDirectory
        self.lastOutput = lastOutput
        self.lastInput = lastInput
        self.title = title
        self.commandPhase = commandPhase
        self.lastCommandStatus = lastCommandStatus
        self.commandsFinished = commandsFinished
    }
}

/// What CREATE asks for.
public struct CreateRequest: Equatable, Sendable {
    /// Empty: the server picks the next free number.
    public var name: String
    /// Empty: the client's `$SHELL`, else `/bin/sh`.
    public var command: [String]
    /// Empty: the client's working directory is not known; the server's is used.
    public var workingDirectory: String
    /// The program's environment as `NAME=value` entries: the creator's own (the server drops
    /// other multiplexers' variables and adds its own, `TERM`, `MUX_SESSION`, ...); empty for
    /// `--clear-env`.
    public var environment: [String]
    /// `NAME=value` entries set last (`--env`), over the server's own variables too.
    public var overrides: [String]
    public var columns: UInt16
    public var rows: UInt16
    /// Keep the session listed after its program exits, until `mux kill`.
    public var keep: Bool
    /// Lines of scrollback to keep.
    public var scrollback: UInt32
    /// What a server does with the session after a crash, a stop or a reboot (`--restore`).
    public var restore: SessionRestore = .serverDefault
    /// The most bytes of scrollback to keep; 0: the server's default (`--scrollback-bytes`).
    public var scrollbackBytes: UInt64 = 0

    public init(
        name: String, command: [String], workingDirectory: String, environment: [String], overrides: [String] = [],
        columns: UInt16, rows: UInt16, keep: Bool, scrollback: UInt32 = 10_000
    ) {
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.overrides = overrides
        self.columns = columns
        self.rows = rows
        self.keep = keep
        self.scrollback = scrollback
    }
}

/// `mux new --restore`: what a server starting after this one does with the session.
public enum SessionRestore: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    /// The server's default (`screen`).
    case serverDefault = 0
    /// Listed as lost; `mux capture` shows its saved screen.
    case none
    /// As `none`, and `mux attach` shows the saved screen read-only.
    case screen
    /// Its program is started again, its scrollback beginning with the saved screen.
    case relaunch

    public var description: String {
        switch self {
        case .serverDefault: "default"
        case .none: "none"
        case .screen: "screen"
        case .relaunch: "relaunch"
        }
    }
}

/// One piece of what SEND types: literal text, or a key by name (`Enter`, `C-c`, `Up`, `F5`).
public enum SendItem: Equatable, Sendable {
    case text(String)
    case key(String)
}

/// The formats CAPTURE can return, as `mux render` prints them.
public enum CaptureFormat: UInt8, Sendable, CaseIterable {
    case text = 0
    case ansi, json
}

/// One connection as STATUS describes it.
public struct ClientStatus: Equatable, Sendable {
    public var clientID: String
    public var role: Role
    /// The attached session; empty when not attached.
    public var session: String
    public var holdsLease: Bool
    public var lossless: Bool
    /// A lossless holder whose terminal stalled past the server's bound: now resynced instead.
    public var demoted: Bool
    /// Output accepted for this client and not yet written to its socket.
    public var queuedBytes: UInt64
    /// Times its queue was dropped for a fresh snapshot.
    public var resyncs: UInt64

    public init(
        clientID: String, role: Role, session: String, holdsLease: Bool, lossless: Bool, demoted: Bool = false,
        queuedBytes: UInt64, resyncs: UInt64
    ) {
        self.demoted = demoted
        self.clientID = clientID
        self.role = role
        self.session = session
        self.holdsLease = holdsLease
        self.lossless = lossless
        self.queuedBytes = queuedBytes
        self.resyncs = resyncs
    }
}

/// The server's journal as STATUS describes it (docs/journal.md).
public struct JournalStatus: Equatable, Sendable {
    public var path: String
    /// The file and its write-ahead log.
    public var bytes: UInt64
    /// Milliseconds since 1970 of the last commit.
    public var lastWrite: UInt64?
    /// Why changes wait unwritten; nil when everything is written.
    public var error: String?
    /// A corrupt or newer journal found at start was moved here.
    public var movedAside: String?
    /// What the server's start found: sessions lost, and of them relaunched.
    public var lost: UInt32
    public var relaunched: UInt32

    public init(
        path: String, bytes: UInt64, lastWrite: UInt64?, error: String?, movedAside: String?, lost: UInt32,
        relaunched: UInt32
    ) {
        self.path = path
        self.bytes = bytes
        self.lastWrite = lastWrite
        self.error = error
        self.movedAside = movedAside
        self.lost = lost
        self.relaunched = relaunched
    }
}

/// The server as STATUS describes it.
public struct ServerStatus: Equatable, Sendable {
    public var pid: UInt32
    public var socket: String
    public var started: UInt64
    public var sessions: UInt16
    public var clients: [ClientStatus]
    /// Nil when the server runs without a journal (`--no-journal`).
    public var journal: JournalStatus?

    public init(
        pid: UInt32, socket: String, started: UInt64, sessions: UInt16, clients: [ClientStatus],
        journal: JournalStatus? = nil
    ) {
        self.pid = pid
        self.socket = socket
        self.started = started
        self.sessions = sessions
        self.clients = clients
        self.journal = journal
    }
}

/// Every message of the protocol.
public enum Message: Equatable, Sendable {
    // client → server
    /// `pixelWidth` and `pixelHeight`: the client's terminal in pixels (TIOCGWINSZ's ws_xpixel
    /// and ws_ypixel), 0 when unknown.
    case hello(
        version: UInt16, role: Role, clientID: String, columns: UInt16, rows: UInt16, term: String,
        pixelWidth: UInt16 = 0, pixelHeight: UInt16 = 0)
    /// `lossy`: while holding the lease, drop to a fresh snapshot when lagging instead of holding
    /// the program back (holders are lossless by default; observers never hold a program back).
    case attach(session: String, asHolder: Bool, historyLines: UInt32, since: UInt64?, lossy: Bool)
    case input([UInt8])
    /// The client's terminal, in cells and in pixels (0 when unknown).
    case resize(columns: UInt16, rows: UInt16, pixelWidth: UInt16 = 0, pixelHeight: UInt16 = 0)
    case detach
    case list
    case create(CreateRequest)
    case kill(session: String, signal: Int32)
    case resizeSession(session: String, columns: UInt16, rows: UInt16, force: Bool)
    case send(session: String, items: [SendItem], force: Bool)
    case capture(session: String, format: CaptureFormat, historyLines: UInt32)
    case leaseTake(session: String, clientID: String)
    case leaseRelease(session: String, clientID: String)
    case leaseStatus(session: String)
    case status
    case shutdown
    /// An attached client asks for a fresh snapshot (after drawing over its screen).
    case refresh
    /// Renames a session; answered DONE.
    case rename(session: String, newName: String)
    /// Sets (`KEY=VALUE`) and removes (`KEY`) a session's labels; answered DONE once journaled.
    case label(session: String, set: [String], remove: [String])
    /// Replaces the server with one started from `executable` (empty: the keeper's own binary),
    /// no session ending (docs/lifecycle.md); answered DONE once the new one serves, or ERROR
    /// when it failed and this one carries on.
    case restart(executable: String)
    // server → client
    case welcome(version: UInt16, clientID: String, serverPID: UInt32)
    case error(ErrorCode, String)
    case attached(session: String, columns: UInt16, rows: UInt16, holdsLease: Bool)
    case snapshot(offset: UInt64, final: Bool, bytes: [UInt8])
    case output(offset: UInt64, bytes: [UInt8])
    case lease(holder: String, holdsLease: Bool)
    case exited(status: Int32)
    case sessions([SessionSummary])
    case created(session: String)
    /// A request without an answer of its own succeeded.
    case done
    case captured(String)
    /// The holder first, then the clients waiting for the lease to come back, nearest first.
    case leaseState(session: String, holders: [String])
    case serverStatus(ServerStatus)
    /// The session was resized (by the lease moving, `mux resize`, or the holder's terminal).
    case resized(columns: UInt16, rows: UInt16)
    /// Sent just before a resync's SNAPSHOT: `lines` lines scrolled off the top of the session's
    /// screen between what this client was last sent and the snapshot, and it will not get them.
    case gap(lines: UInt64)
    /// Something the attached client's user should know (its status line shows it), such as a
    /// holder demoted from lossless because its terminal stalled.
    case notice(String)
    /// An OSC 52 clipboard write by the session's program, for the lease holder's terminal only
    /// (and only when the server was started with `--clipboard`): the selection letters and the
    /// base64 text as the program sent them.
    case clipboard(selections: String, base64: String)

    /// Each message's entry in the table of types.
    public var messageType: MessageType {
        switch self {
        case .hello: .hello
        case .attach: .attach
        case .input: .input
        case .resize: .resize
        case .detach: .detach
        case .list: .list
        case .create: .create
        case .kill: .kill
        case .resizeSession: .resizeSession
        case .send: .send
        case .capture: .capture
        case .leaseTake: .leaseTake
        case .leaseRelease: .leaseRelease
        case .leaseStatus: .leaseStatus
        case .status: .status
        case .shutdown: .shutdown
        case .refresh: .refresh
        case .rename: .rename
        case .label: .label
        case .restart: .restart
        case .welcome: .welcome
        case .error: .error
        case .attached: .attached
        case .snapshot: .snapshot
        case .output: .output
        case .lease: .lease
        case .exited: .exited
        case .sessions: .sessions
        case .created: .created
        case .done: .done
        case .captured: .captured
        case .leaseState: .leaseState
        case .serverStatus: .serverStatus
        case .resized: .resized
        case .gap: .gap
        case .notice: .notice
        case .clipboard: .clipboard
        }
    }

    /// The message's frame type on the wire.
    public var type: UInt16 { messageType.rawValue }
}
