// What the server records in its journal, and when (docs/journal.md, "When it is written"): a
// session's row at `mux new`, its screen at most every 2 s while it changes, its exit, its
// removal, and everything at `server stop`. Changes go to the writer's thread; answers that
// promise a commit (CREATED, a kill's DONE, a label's DONE) wait for the writer to report through
// the door, so the loop never waits for the disk.

import Glibc
import MuxJournal
import MuxProtocol
import MuxSystem
import MuxTerminal
import NIOCore

extension ServerState {
    /// Hands `changes` to the writer; `then` runs on the loop once they were tried.
    func journal(_ changes: [JournalChange], then: ((JournalWriteOutcome) -> Void)? = nil) {
        guard let writer = journal.writer else {
            then?(.written)
            return
        }
        let ticket = journal.nextTicket
        journal.nextTicket += 1
        let screens = changes.filter { if case .screen = $0 { true } else { false } }.count
        journal.waiting[ticket] = { [self] report in
            guard case .written(let outcome) = report else { return }
            noteJournalOutcome(outcome)
            if outcome == .written, !changes.isEmpty {
                logger.debug(
                    "journal: wrote \(changes.count) changes (\(screens) screens) in \(writer.lastDuration) µs")
            }
            then?(outcome)
        }
        let door = ServerDoor(self)
        writer.submit(changes) { outcome in door.post(.journal(ticket: ticket, .written(outcome))) }
    }

    /// Runs `body` once the journal has tried every change handed to it so far (at once without a
    /// journal): answers that promise what the journal records wait for this.
    func afterJournal(_ body: @escaping () -> Void) {
        journal([]) { _ in body() }
    }

    /// The writer reported on `ticket`.
    func journalReported(_ ticket: UInt64, _ report: JournalReport) {
        journal.waiting.removeValue(forKey: ticket)?(report)
    }

    /// Logs a failing journal once per streak, and its recovery.
    private func noteJournalOutcome(_ outcome: JournalWriteOutcome) {
        switch outcome {
        case .written:
            if journal.loggedError != nil {
                logger.info("journal: written again")
                journal.loggedError = nil
            }
        case .failed(let reason):
            if journal.loggedError == nil {
                logger.warning("journal: cannot write \(journal.writer?.path ?? ""): \(reason); serving on, retrying")
            }
            journal.loggedError = reason
        }
    }

    // MARK: live sessions

    /// `mux new`: the row, before CREATED (the machine's `.reply` waits for it).
    func journalCreated(_ session: Session, request: CreateRequest, environment: [String]) {
        let restore = RestorePolicy(request.restore, default: journal.defaultRestore)
        journal.restore[session.serial] = restore
        journal([
            .insert(
                JournalSession(
                    id: Int64(session.serial), name: session.name, command: session.arguments,
                    workingDirectory: request.workingDirectory,
                    environment: SecretNames.journaled(environment, explicit: request.overrides),
                    columns: session.machine.columns, rows: session.machine.rows, scrollback: request.scrollback,
                    keep: request.keep, restore: restore, created: session.created, bootID: journal.bootID,
                    serverPID: getpid()))
        ])
    }

    func journalRenamed(_ session: Session) {
        journal([.rename(id: Int64(session.serial), name: session.name)])
    }

    /// The program exited and the session stays listed: its status, and its last screen.
    func journalExited(_ session: Session) {
        guard let status = session.machine.exitStatus else { return }
        var changes = screenChange(session).map { [$0] } ?? []
        changes.append(
            .exited(
                id: Int64(session.serial), status: status.shellStatus, at: UInt64(time(nil)),
                reason: "exited with status \(status.shellStatus)"))
        journal(changes)
    }

    /// The session is gone (killed, collected): its row goes, unless the server is stopping (then
    /// it stays, for the next server to show as lost).
    func journalForgot(_ session: Session) {
        journal.labels[session.serial] = nil
        journal.restore[session.serial] = nil
        journal.saved[session.serial] = nil
        journal.nextSave[session.serial] = nil
        guard !shuttingDown else { return }
        journal([.delete(id: Int64(session.serial))])
    }

    /// The server stops: every running session's screen and why, then the writer is drained
    /// before the process exits (`Server.serve`).
    func journalStopping(reason: String) {
        var changes: [JournalChange] = []
        let now = UInt64(time(nil))
        for session in byCreation() where session.machine.isLive {
            if let change = screenChange(session, force: true) { changes.append(change) }
            changes.append(.stopped(id: Int64(session.serial), at: now, reason: "the server was stopped (\(reason))"))
        }
        journal(changes)
    }

    /// Saves the screens that changed since their last save; runs every 2 s (at most one write per
    /// session per interval, however much it printed).
    func startSavingScreens() {
        guard journal.writer != nil else { return }
        loop.assumeIsolated().scheduleTask(in: .seconds(Int64(ServerJournal.screenInterval))) { [self] in
            saveScreens(Array(sessions.values))
        }
    }

    /// Saves the screens of `waiting` that changed, a few milliseconds' worth at a time: a
    /// snapshot with all its history takes milliseconds, and a hundred of them in one turn of the
    /// loop would hold every keystroke back that long. After each few the loop sees to its
    /// channels (a scheduled task runs only once its time has come, after them), then goes on.
    private func saveScreens(_ waiting: [Session]) {
        guard !shuttingDown, let writer = journal.writer else { return }
        // The journal is the new server's while the sessions are handed over.
        guard !handingOver else { return startSavingScreens() }
        let start = MonotonicClock.milliseconds()
        var changes: [JournalChange] = []
        var left = waiting[...]
        while let session = left.popFirst() {
            guard sessions[session.name] === session, session.machine.isLive else { continue }
            if let change = screenChange(session) { changes.append(change) }
            if MonotonicClock.milliseconds() - start >= Self.screenSavingPerTurn { break }
        }
        if !changes.isEmpty || (left.isEmpty && writer.status.error != nil) { journal(changes) }
        if left.isEmpty {
            startSavingScreens()
        } else {
            let rest = Array(left)
            loop.assumeIsolated().scheduleTask(in: .milliseconds(1)) { [self] in saveScreens(rest) }
        }
    }

    /// Milliseconds of screen snapshots the loop takes in one go before it sees to its channels.
    static let screenSavingPerTurn: UInt64 = 2

    /// The session's screen with all its scrollback, when it changed since the last save (or
    /// `force`); notes it as saved.
    func screenChange(_ session: Session, force: Bool = false) -> JournalChange? {
        guard journal.writer != nil else { return nil }
        handOn(session)
        let mark = ServerJournal.SavedScreen(
            offset: session.ring.endOffset, columns: session.machine.columns, rows: session.machine.rows)
        guard force || journal.saved[session.serial] != mark else { return nil }
        let start = MonotonicClock.milliseconds()
        if !force, let next = journal.nextSave[session.serial], start < next { return nil }
        journal.saved[session.serial] = mark
        let terminal = session.emulator.terminal
        let snapshot = terminal.snapshot(history: terminal.scrollback.count)
        let took = MonotonicClock.milliseconds() - start
        journal.nextSave[session.serial] = start + max(UInt64(ServerJournal.screenInterval) * 1000, 20 * took)
        return .screen(
            id: Int64(session.serial),
            JournalScreen(
                savedAt: Session.now(), columns: mark.columns, rows: mark.rows, offset: mark.offset,
                snapshot: snapshot))
    }

    // MARK: what clients see

    /// LIST: live sessions and lost ones, oldest first, with their labels.
    func listed() -> [SessionSummary] {
        var list = byCreation().map { session in
            var summary = session.summary
            summary.labels = Self.labelList(journal.labels[session.serial] ?? [:])
            summary.restore = (journal.restore[session.serial] ?? journal.defaultRestore).wire
            summary.historyLines = UInt32(session.emulator.terminal.scrollback.count)
            summary.historyBytes = UInt64(session.emulator.terminal.scrollback.storedBytes)
            return summary
        }
        list += journal.lost.values.sorted { $0.id < $1.id }.map(Self.lostSummary)
        return list.enumerated().sorted {
            $0.element.created != $1.element.created ? $0.element.created < $1.element.created : $0.offset < $1.offset
        }.map(\.element)
    }

    static func labelList(_ labels: [String: String]) -> [String] {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    static func lostSummary(_ record: JournalSession) -> SessionSummary {
        var summary = SessionSummary(
            name: record.name, command: record.command.joined(separator: " "), columns: record.columns,
            rows: record.rows, state: .lost, exitStatus: record.exitStatus, clients: 0, holder: "",
            created: record.created, liveness: .dead, workingDirectory: record.workingDirectory)
        summary.labels = labelList(record.labels)
        summary.restore = record.restore.wire
        summary.ended = record.endedAt
        summary.endReason = record.endReason
        return summary
    }

    func journalStatus() -> JournalStatus? {
        guard let writer = journal.writer else { return nil }
        let status = writer.status
        return JournalStatus(
            path: status.path, bytes: status.bytes, lastWrite: status.lastWrite, error: status.error,
            movedAside: journal.movedAside, lost: UInt32(journal.lostAtStart),
            relaunched: UInt32(journal.relaunchedAtStart))
    }
}
