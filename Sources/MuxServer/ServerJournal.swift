// The server's side of the journal (docs/journal.md), confined to the event loop like the rest of
// the state: the writer (its own thread), the sessions a previous server lost, each live
// session's labels and restore policy, what screen was saved last, and the answers waiting for a
// commit.

import MuxJournal
import MuxProtocol

/// What the journal's writer reports through the door.
enum JournalReport: Sendable {
    case written(JournalWriteOutcome)
    case screen(JournalScreen?)
}

final class ServerJournal {
    /// Nil: the server runs without a journal (`--no-journal`); labels still work, in memory.
    let writer: JournalWriter?
    var defaultRestore = RestorePolicy.screen
    var bootID = ""
    /// Sessions a previous server had whose programs are gone, by name.
    var lost: [String: JournalSession] = [:]
    /// Live sessions' labels and restore policies, by serial.
    var labels: [UInt64: [String: String]] = [:]
    var restore: [UInt64: RestorePolicy] = [:]
    /// The output offset and size of each live session's last saved screen, by serial.
    var saved: [UInt64: SavedScreen] = [:]
    /// When (milliseconds on `MonotonicClock`, so that a wall clock set back cannot hold saves back
    /// for as long) each live session's screen may be taken again: 2 s after the last, or 20 times
    /// as long as that snapshot took, so saving costs the loop at most 5%.
    var nextSave: [UInt64: UInt64] = [:]
    /// What to do once the writer reports on a ticket.
    var waiting: [UInt64: (JournalReport) -> Void] = [:]
    var nextTicket: UInt64 = 1
    /// What start found: a file moved aside, sessions lost, sessions relaunched.
    var movedAside: String?
    var lostAtStart = 0
    var relaunchedAtStart = 0
    /// The last failure logged, so a failing disk is logged once per streak, not per write.
    var loggedError: String?
    /// Clients looking at a lost session's saved screen (`mux attach` of a `screen` session), by
    /// client id: the connection's identity, and the session's name.
    var viewers: [String: (connection: ObjectIdentifier, session: String)] = [:]

    struct SavedScreen: Equatable {
        var offset: UInt64
        var columns: UInt16
        var rows: UInt16
    }

    init(writer: JournalWriter?) {
        self.writer = writer
    }

    /// How often screens are saved, at most, per session.
    static let screenInterval = 2
}

extension RestorePolicy {
    init(_ restore: SessionRestore, default fallback: RestorePolicy) {
        switch restore {
        case .serverDefault: self = fallback
        case .none: self = .none
        case .screen: self = .screen
        case .relaunch: self = .relaunch
        }
    }

    var wire: SessionRestore {
        switch self {
        case .none: .none
        case .screen: .screen
        case .relaunch: .relaunch
        }
    }
}
