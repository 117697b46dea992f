// What the journal keeps of a session (docs/journal.md, "Schema"): the facts to list it, to show
// its last screen and to start its program again. Plain values, so the server builds them on its
// event loop and hands them to the writer's thread.

/// What happens to a session whose program did not survive the server (`mux new --restore`).
public enum RestorePolicy: String, Sendable, CaseIterable {
    /// Listed as lost; `mux capture` shows the saved screen until `mux kill` removes it.
    case none
    /// As `none`, and `mux attach` shows the saved screen read-only with why and when it ended.
    case screen
    /// A new process with the same command, directory, environment and size, whose scrollback
    /// begins with the saved screen.
    case relaunch
}

/// Where a journaled session was when the journal last heard of it.
public enum JournalState: String, Sendable {
    /// Its program ran (or was starting) when the server last wrote.
    case running
    /// Its program exited; the status and time are kept.
    case exited
    /// A server started after its program was gone (a crash, a stop, a reboot).
    case lost
}

/// A session's row.
public struct JournalSession: Equatable, Sendable {
    /// The server's serial for it; unique in the journal (a server continues after the largest).
    public var id: Int64
    public var name: String
    public var command: [String]
    public var workingDirectory: String
    /// `NAME=value`, without secrets (`SecretNames`) unless `--env` gave them.
    public var environment: [String]
    public var columns: UInt16
    public var rows: UInt16
    public var scrollback: UInt32
    public var keep: Bool
    public var restore: RestorePolicy
    /// Seconds since 1970.
    public var created: UInt64
    public var state: JournalState
    /// Shell form (128 + signal).
    public var exitStatus: Int32?
    /// When the program exited, or the server stopped (seconds since 1970).
    public var endedAt: UInt64?
    /// Why it ended, in words (`server stop`, `exited with status 0`); nil while it runs.
    public var endReason: String?
    /// The machine's boot it ran in (`/proc/sys/kernel/random/boot_id`): a different one at
    /// reconcile means a reboot.
    public var bootID: String
    /// The pid of the server that ran it.
    public var serverPID: Int32
    public var labels: [String: String]

    public init(
        id: Int64, name: String, command: [String], workingDirectory: String, environment: [String], columns: UInt16,
        rows: UInt16, scrollback: UInt32, keep: Bool, restore: RestorePolicy, created: UInt64,
        state: JournalState = .running, exitStatus: Int32? = nil, endedAt: UInt64? = nil, endReason: String? = nil,
        bootID: String, serverPID: Int32, labels: [String: String] = [:]
    ) {
        self.id = id
        self.name = name
        self.command = command
        self.workingDirectory = workingDirectory
        self.environment = environment
        self.columns = columns
        self.rows = rows
        self.scrollback = scrollback
        self.keep = keep
        self.restore = restore
        self.created = created
        self.state = state
        self.exitStatus = exitStatus
        self.endedAt = endedAt
        self.endReason = endReason
        self.bootID = bootID
        self.serverPID = serverPID
        self.labels = labels
    }
}

/// A saved screen: the snapshot bytes the server sends an attaching client (scrollback, then the
/// screen), compressed.
public struct JournalScreen: Equatable, Sendable {
    /// Milliseconds since 1970.
    public var savedAt: UInt64
    public var columns: UInt16
    public var rows: UInt16
    /// The session's output offset it was taken at: a later one is more recent.
    public var offset: UInt64
    public var snapshot: [UInt8]
    /// The snapshot compressed, once the writer has packed it (`snapshot` is then empty, and
    /// `packedSize` its length): a backlog waiting for a full disk holds compressed screens.
    var packed: [UInt8]?
    var packedSize = 0

    public init(savedAt: UInt64, columns: UInt16, rows: UInt16, offset: UInt64, snapshot: [UInt8]) {
        self.savedAt = savedAt
        self.columns = columns
        self.rows = rows
        self.offset = offset
        self.snapshot = snapshot
    }
}

extension JournalScreen {
    /// Compresses the snapshot (on the writer's thread, off the event loop).
    func packedForWriting() -> JournalScreen {
        guard packed == nil, let data = try? Compression.compress(snapshot) else { return self }
        var screen = self
        screen.packed = data
        screen.packedSize = snapshot.count
        screen.snapshot = []
        return screen
    }
}

/// One change to the journal, applied in order by the writer.
public enum JournalChange: Equatable, Sendable {
    case insert(JournalSession)
    case rename(id: Int64, name: String)
    case exited(id: Int64, status: Int32, at: UInt64, reason: String)
    /// The server stops with the session still running (`server stop`): reconcile shows why.
    case stopped(id: Int64, at: UInt64, reason: String)
    case lost(id: Int64, reason: String, at: UInt64)
    case labels(id: Int64, set: [String: String], remove: [String])
    case screen(id: Int64, JournalScreen)
    case delete(id: Int64)
    /// A server started: how many sessions it found lost and how many it relaunched.
    case serverStarted(pid: Int32, at: UInt64, lost: Int, relaunched: Int)

    /// The session the change is about (nil: the server's own row).
    var sessionID: Int64? {
        switch self {
        case .insert(let session): session.id
        case .rename(let id, _), .exited(let id, _, _, _), .stopped(let id, _, _), .lost(let id, _, _),
            .labels(let id, _, _), .screen(let id, _), .delete(let id):
            id
        case .serverStarted: nil
        }
    }
}

/// Environment variables whose names say they hold a secret are not journaled, unless the user
/// gave them with `--env` (then they asked for them by name).
public enum SecretNames {
    static let words = ["SECRET", "TOKEN", "PASSWORD", "KEY"]

    public static func isSecret(_ name: String) -> Bool {
        let upper = name.uppercased()
        return words.contains { upper.contains($0) }
    }

    /// `entries` (`NAME=value`) without secrets, except those named in `explicit` (`--env`).
    public static func journaled(_ entries: [String], explicit: [String]) -> [String] {
        let given = Set(explicit.compactMap { $0.split(separator: "=", maxSplits: 1).first.map(String.init) })
        return entries.filter { entry in
            let name = String(entry.prefix { $0 != "=" })
            return !isSecret(name) || given.contains(name)
        }
    }
}
