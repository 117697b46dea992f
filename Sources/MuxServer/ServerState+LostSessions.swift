// Sessions a previous server had whose programs did not survive it (docs/journal.md, "Reconcile
// at start"): listed as lost, captured and attached from their saved screen, killed to remove
// them. And `mux label`, whose answer waits for the journal like `mux new`'s.

import Glibc
import MuxJournal
import MuxProtocol
import MuxSystem
import MuxTerminal

extension ServerState {
    /// Answers what concerns lost sessions, labels and clients viewing a saved screen; false for
    /// everything else (the caller handles it).
    func handleJournaled(_ message: Message, from client: Connection) -> Bool {
        let id = client.clientID
        if let viewing = journal.viewers[id], viewing.connection == ObjectIdentifier(client) {
            switch message {
            case .input, .resize, .refresh: return true  // a saved screen takes no input
            case .detach:
                journal.viewers[id] = nil
                client.send(.done)
                return true
            case .attach: journal.viewers[id] = nil
            default: break
            }
        }
        switch message {
        case .label(let name, let set, let remove):
            label(name, set: set, remove: remove, for: client)
            return true
        case .capture(let name, let format, let history):
            guard let record = lostSession(name) else { return false }
            withSavedScreen(of: record) { screen in
                let terminal = Self.replay(screen, of: record).terminal
                let text =
                    switch format {
                    case .text: terminal.renderText(history: Int(history))
                    case .ansi: terminal.renderANSI(history: Int(history))
                    case .json: terminal.renderJSON(history: Int(history)) + "\n"
                    }
                client.send(.captured(text))
            }
            return true
        case .kill(let name, _):
            guard let record = lostSession(name) else { return false }
            guard client.role == .control else {
                client.fail(.roleForbidden, "an observer may only list, capture and attach read-only")
                return true
            }
            journal.lost[record.name] = nil
            journal([.delete(id: record.id)]) { _ in client.send(.done) }
            return true
        case .attach(let name, _, let history, _, _):
            guard let record = lostSession(name) else { return false }
            attachLost(client, to: record, history: Int(history))
            return true
        case .send(let name, _, _), .resizeSession(let name, _, _, _), .leaseTake(let name, _),
            .leaseRelease(let name, _), .rename(let name, _):
            guard let record = lostSession(name) else { return false }
            client.fail(.sessionExited, Self.lostText(record))
            return true
        case .leaseStatus(let name):
            guard let record = lostSession(name) else { return false }
            client.send(.leaseState(session: record.name, holders: []))
            return true
        default:
            return false
        }
    }

    /// The lost session `name` names (exactly, or as the unique prefix of names when no live
    /// session's name starts with it); nil when it names none.
    func lostSession(_ name: String) -> JournalSession? {
        guard !name.isEmpty, !journal.lost.isEmpty, sessions[name] == nil else { return nil }
        if let record = journal.lost[name] { return record }
        guard !sessions.keys.contains(where: { $0.hasPrefix(name) }) else { return nil }
        let matches = journal.lost.keys.filter { $0.hasPrefix(name) }
        return matches.count == 1 ? journal.lost[matches[0]] : nil
    }

    static func lostText(_ record: JournalSession) -> String {
        "session \(record.name) was lost (\(endedLine(record))); `mux capture \(record.name)` shows its last "
            + "screen, `mux kill \(record.name)` removes it"
    }

    static func endedLine(_ record: JournalSession) -> String {
        let when = record.endedAt.map { Timestamp(secondsSince1970: Int($0)).local } ?? "at an unknown time"
        return "ended \(when): \(record.endReason ?? "the server stopped")"
    }

    /// Reads the record's saved screen on the writer's thread; `body` runs on the loop.
    func withSavedScreen(of record: JournalSession, _ body: @escaping (JournalScreen?) -> Void) {
        guard let writer = journal.writer else { return body(nil) }
        let ticket = journal.nextTicket
        journal.nextTicket += 1
        journal.waiting[ticket] = { report in
            if case .screen(let screen) = report { body(screen) }
        }
        let door = ServerDoor(self)
        writer.loadScreen(of: record.id) { screen in door.post(.journal(ticket: ticket, .screen(screen))) }
    }

    /// A fresh emulator showing the saved screen and its history.
    static func replay(_ screen: JournalScreen?, of record: JournalSession) -> Emulator {
        let columns = Int(screen?.columns ?? record.columns)
        let rows = Int(screen?.rows ?? record.rows)
        var emulator = Emulator(columns: max(columns, 1), rows: max(rows, 1), scrollbackLimit: Int(record.scrollback))
        if let screen { emulator.feed(screen.snapshot) }
        return emulator
    }

    /// `mux attach` of a lost session: its saved screen read-only and one line saying when and why
    /// it ended (policy `screen`), or a refusal (`none`). The client leaves with a detach.
    private func attachLost(_ client: Connection, to record: JournalSession, history: Int) {
        guard record.restore != .none else { return client.fail(.sessionExited, Self.lostText(record)) }
        if let previous = client.session {
            perform(previous, .detach(client.clientID, acknowledge: false))
            client.session = nil
        }
        withSavedScreen(of: record) { [self] screen in
            let emulator = Self.replay(screen, of: record)
            let terminal = emulator.terminal
            var bytes = terminal.snapshot(history: history)
            // The line goes below the program's last output (where its cursor was), dim.
            let line = "[mux] \(Self.endedLine(record)) (read-only)"
            bytes += Array("\u{1b}[?1047l\r\n\u{1b}[0m\u{1b}[2m\(line)\u{1b}[0m".utf8)
            client.send(
                .attached(
                    session: record.name, columns: UInt16(terminal.columns), rows: UInt16(terminal.rows),
                    holdsLease: false))
            client.sendSnapshot(bytes, at: 0)
            journal.viewers[client.clientID] = (ObjectIdentifier(client), record.name)
        }
    }

    // MARK: labels

    static let labelRule = "a label key is 1 to 64 letters, digits, '-', '_', '.' or '/', and a value has no line break"

    static func isValidLabel(key: String, value: String = "") -> Bool {
        guard (1...64).contains(key.utf8.count), !value.contains(where: \.isNewline) else { return false }
        return key.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x2d
                || byte == 0x5f || byte == 0x2e || byte == 0x2f
        }
    }

    /// LABEL: sets and removes labels of a live or lost session; DONE once committed.
    private func label(_ name: String, set: [String], remove: [String], for client: Connection) {
        guard client.role == .control else {
            return client.fail(.roleForbidden, "an observer may only list, capture and attach read-only")
        }
        var changes: [String: String] = [:]
        for entry in set {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, Self.isValidLabel(key: String(parts[0]), value: String(parts[1])) else {
                return client.fail(.invalidArgument, "\(entry): labels are KEY=VALUE; \(Self.labelRule)")
            }
            changes[String(parts[0])] = String(parts[1])
        }
        for key in remove where !Self.isValidLabel(key: key) {
            return client.fail(.invalidArgument, "\(key): \(Self.labelRule)")
        }
        let id: Int64
        if var record = lostSession(name) {
            for key in remove { record.labels[key] = nil }
            record.labels.merge(changes) { $1 }
            journal.lost[record.name] = record
            id = record.id
        } else {
            guard let session = find(name, for: client) else { return }
            var labels = journal.labels[session.serial] ?? [:]
            for key in remove { labels[key] = nil }
            labels.merge(changes) { $1 }
            journal.labels[session.serial] = labels
            id = Int64(session.serial)
        }
        journal([.labels(id: id, set: changes, remove: remove)]) { _ in client.send(.done) }
    }
}
