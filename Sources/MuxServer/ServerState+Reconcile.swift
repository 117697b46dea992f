// Reconcile at start (docs/journal.md): before the server listens, it reads its journal; every
// session whose program cannot have survived becomes lost, and is handled by its restore
// policy. A session whose program its keeper still holds was recovered before this runs
// (docs/lifecycle.md): it stays running, with its labels and restore policy.

import Glibc
import Logging
import MuxJournal
import MuxSystem

/// What the server read from its journal before its event loop took over.
struct JournalStart: Sendable {
    var writer: JournalWriter
    var sessions: [JournalSession] = []
    /// The screens of the sessions to relaunch (the others' are read when asked for).
    var screens: [Int64: JournalScreen] = [:]
    var savedTimes: [Int64: UInt64] = [:]
    var largestID: Int64 = 0
    var movedAside: String?
    var error: String?
    /// How long reading took, in microseconds.
    var duration: UInt64 = 0

    /// Opens the journal at `path` (moving a corrupt or newer one aside) and reads it.
    static func read(_ path: String) -> JournalStart {
        let start = MonotonicClock.microseconds()
        let opening = JournalOpening.open(path)
        var result = JournalStart(writer: JournalWriter(path: path, store: opening.store))
        result.movedAside = opening.movedAside
        result.error = opening.error
        if let store = opening.store {
            do {
                result.sessions = try store.sessions()
                result.savedTimes = try store.savedTimes()
                result.largestID = try store.largestID()
                for session in result.sessions where session.state == .running && session.restore == .relaunch {
                    result.screens[session.id] = try store.screen(of: session.id)
                }
            } catch {
                result.error = "cannot read the journal: \(error)"
            }
        }
        result.duration = MonotonicClock.microseconds() - start
        return result
    }
}

extension ServerState {
    /// Takes over what start read: the lost sessions, the relaunched ones, the serials to continue
    /// from. Runs on the loop before the server listens.
    func reconcile(_ start: JournalStart?, defaultRestore: RestorePolicy) {
        guard let start else { return }
        journal = ServerJournal(writer: start.writer)
        journal.defaultRestore = defaultRestore
        journal.bootID = JournalLocation.bootID()
        journal.movedAside = start.movedAside
        let path = start.writer.path
        if let aside = start.movedAside {
            logger.warning("journal: \(path) could not be used; moved it aside to \(aside) and started a fresh one")
        }
        if let error = start.error {
            logger.warning("journal: cannot write \(path): \(error); serving without what it held, retrying")
            journal.loggedError = error
        }
        nextSerial = max(nextSerial, UInt64(start.largestID) + 1)
        let now = UInt64(time(nil))
        var changes: [JournalChange] = []
        for row in start.sessions {
            if let session = sessions.values.first(where: { $0.serial == UInt64(row.id) }) {
                journal.labels[session.serial] = row.labels
                journal.restore[session.serial] = row.restore
                continue
            }
            let reason =
                row.endReason
                ?? (row.bootID != journal.bootID ? "the machine restarted" : "the server died")
            let endedAt = row.endedAt ?? start.savedTimes[row.id].map { $0 / 1000 } ?? now
            if row.state == .running && row.restore == .relaunch,
                let change = relaunch(row, screen: start.screens[row.id], reason: reason, endedAt: endedAt)
            {
                changes.append(change)
                journal.relaunchedAtStart += 1
                continue
            }
            var lost = row
            lost.state = .lost
            lost.endReason = reason
            lost.endedAt = endedAt
            journal.lost[row.name] = lost
            if row.state != .lost { changes.append(.lost(id: row.id, reason: reason, at: endedAt)) }
        }
        journal.lostAtStart = journal.lost.count + journal.relaunchedAtStart
        changes.append(
            .serverStarted(pid: getpid(), at: now, lost: journal.lostAtStart, relaunched: journal.relaunchedAtStart))
        journal(changes)
        let summary =
            "journal: \(path): \(start.sessions.count) sessions read in \(start.duration / 1000) ms; "
            + "\(journal.lost.count) lost, \(journal.relaunchedAtStart) relaunched"
        logger.info("\(summary)")
    }

    /// Starts a lost session's program again with the same command, directory, environment and
    /// size; its scrollback begins with the saved screen, then one dim line. Nil when it cannot
    /// start (it stays lost).
    private func relaunch(_ row: JournalSession, screen: JournalScreen?, reason: String, endedAt: UInt64)
        -> JournalChange?
    {
        let columns = screen?.columns ?? row.columns
        let rows = screen?.rows ?? row.rows
        let session: Session
        do {
            session = try launch(
                name: row.name, command: row.command, environment: row.environment,
                workingDirectory: row.workingDirectory, columns: columns, rows: rows, keep: row.keep,
                scrollback: Int(row.scrollback), creator: "", serial: UInt64(row.id)
            ) { session in
                // The old screen and the marker come before anything the new program writes.
                if let screen { session.emulator.feed(screen.snapshot) }
                let ended = Timestamp(secondsSince1970: Int(endedAt)).local
                let marker = "[mux] restored \(Timestamp.now.local.suffix(8)); ended \(ended): \(reason)"
                // Out of an alternate screen and any modes the old program left, below its last line.
                session.emulator.feed("\u{1b}[?1047l\u{1b}[!p\r\n\u{1b}[2m\(marker)\u{1b}[0m\r\n")
            }
        } catch {
            logger.warning("session \(row.name): cannot relaunch: \(error.reason)")
            return nil
        }
        journal.labels[session.serial] = row.labels
        journal.restore[session.serial] = .relaunch
        var updated = row
        updated.columns = columns
        updated.rows = rows
        updated.state = .running
        updated.exitStatus = nil
        updated.endedAt = nil
        updated.endReason = nil
        updated.created = session.created
        updated.bootID = journal.bootID
        updated.serverPID = getpid()
        logger.info("session \(row.name): relaunched (\(reason))")
        return .insert(updated)
    }
}
