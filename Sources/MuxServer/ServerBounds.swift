// The server's bounds on memory and on what clients may open (docs/server.md, "Bounds"): each
// is refused with LIMIT_REACHED or enforced with a log line, never left to grow.

/// What `mux server start` bounds: history bytes per session and in all, sessions, clients per
/// session, and whether programs may set the lease holder's clipboard.
public struct ServerBounds: Sendable, Equatable {
    /// The most bytes of scrollback a session keeps unless created with `--scrollback-bytes`.
    public var scrollbackBytes = ServerBounds.defaultScrollbackBytes
    /// The most bytes of scrollback all sessions keep together; past it the oldest history of
    /// the largest sessions goes first (`HistoryBudget`).
    public var historyBudget = ServerBounds.defaultHistoryBudget
    /// The most sessions the server runs at once (exited ones still listed count).
    public var maxSessions = ServerBounds.defaultMaxSessions
    /// The most clients attached to one session at once.
    public var maxClients = ServerBounds.defaultMaxClients
    /// Whether a program's OSC 52 clipboard writes reach the lease holder's terminal.
    public var clipboard = false

    public static let defaultScrollbackBytes = 64 << 20
    public static let defaultHistoryBudget = 1 << 30
    public static let defaultMaxSessions = 1000
    public static let defaultMaxClients = 64

    public init() {}
}
