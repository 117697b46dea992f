// When an attached client whose server vanished connects again (docs/client.md, "Reconnecting"):
// whether to try at all, when each attempt starts (20 ms, then half as long again each time, up
// to 500 ms), when the status line says so, and when to give up. A pure machine on times the
// caller passes in (seconds on a monotonic clock), so its schedule is tested with no clock at all.

import MuxProtocol

/// How an attachment's connection ended, when neither the user nor the program ended it.
public enum Disconnection: Equatable, Sendable {
    /// End of stream, ECONNRESET or EPIPE with nothing said first: the server's process vanished
    /// (a crash, `kill -9`, a restart), and the keeper brings one back.
    case vanished
    /// The server said why first: an ERROR that closes the connection (SHUTTING_DOWN, a protocol
    /// error). Asking again would get the same answer.
    case closedAfterError(ErrorCode, String)

    /// What the closing line says when this ends the attachment.
    public var reason: String {
        switch self {
        case .vanished: "the connection closed"
        case .closedAfterError(_, let text): text
        }
    }
}

/// The plan of one reconnection: a step at a time, from the moment the connection was lost.
public struct Reconnection: Sendable {
    /// What the client does next.
    public enum Step: Equatable, Sendable {
        /// Connect and say HELLO and ATTACH now; report `attemptFailed` if that does not end in
        /// ATTACHED.
        case connect
        /// Draw the status line ("reconnecting to the server..."), then ask again.
        case showStatus
        /// Nothing to do for this many seconds (keys and the attempt's answer may come meanwhile).
        case wait(Double)
        /// The limit has passed: end as when the server is lost.
        case giveUp
    }

    /// The status line while reconnecting.
    public static let statusText = "reconnecting to the server..."

    /// The wait after the first failed attempt, in seconds.
    public static let firstDelay = 0.02
    /// Each wait is this much longer than the one before...
    public static let growth = 1.5
    /// ...up to this.
    public static let longestDelay = 0.5
    /// A reconnection quicker than this shows nothing.
    public static let statusDelay = 0.5

    /// The errors a server sends just before it closes a connection on purpose: after one of
    /// these, the end of the stream is not a vanished server.
    public static let closingCodes: Set<ErrorCode> = [
        .protocolVersion, .badFrame, .frameTooLarge, .unknownMessage, .handshakeRequired, .permissionDenied,
        .shuttingDown,
    ]

    /// Whether a connection that ended this way is worth connecting again, given the limit in
    /// seconds (0 turns reconnecting off).
    public static func reconnects(after disconnection: Disconnection, limit: Double) -> Bool {
        guard limit > 0 else { return false }
        return disconnection == .vanished
    }

    /// The wait before attempt `failures + 1`, after `failures` failed ones.
    public static func delay(afterFailures failures: Int) -> Double {
        var delay = firstDelay
        for _ in 1..<max(failures, 1) {
            delay *= growth
            if delay >= longestDelay { return longestDelay }
        }
        return min(delay, longestDelay)
    }

    public let startedAt: Double
    public let deadline: Double
    /// When the next attempt starts; nil while one is under way.
    private var nextAttemptAt: Double?
    public private(set) var failures = 0
    public private(set) var statusShown = false
    /// The last attempt started at or after the deadline, and failed.
    private var exhausted = false

    /// - Parameters:
    ///   - now: when the connection was found lost (the first attempt is at once).
    ///   - limit: seconds after which no attempt starts; one started before it gets until then
    ///     to be answered.
    public init(now: Double, limit: Double) {
        startedAt = now
        deadline = now + limit
        nextAttemptAt = now
    }

    /// What to do at `now`.
    public mutating func next(now: Double) -> Step {
        let statusAt = startedAt + Self.statusDelay
        if !statusShown && now >= statusAt {
            statusShown = true
            return .showStatus
        }
        if exhausted { return .giveUp }
        guard let attemptAt = nextAttemptAt else {
            // An attempt is under way: it has until the deadline.
            if now >= deadline { return .giveUp }
            return .wait(min(deadline, statusShown ? deadline : statusAt) - now)
        }
        if now >= attemptAt {
            nextAttemptAt = nil
            return .connect
        }
        return .wait(min(attemptAt, statusShown ? attemptAt : statusAt) - now)
    }

    /// The attempt under way ended without ATTACHED (nothing listens, the server closed it, or
    /// asking again may work); the next one is scheduled, never after the deadline.
    public mutating func attemptFailed(now: Double) {
        failures += 1
        if now >= deadline {
            exhausted = true
            return
        }
        nextAttemptAt = min(now + Self.delay(afterFailures: failures), deadline)
    }
}
