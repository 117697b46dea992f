// The server's bounds carried out (docs/server.md, "Bounds"): sessions per server and clients per
// session refused with LIMIT_REACHED, history bytes per session and in all, the clipboard writes
// only the lease holder gets, and a log line for a session past its hyperlink bound.

import MuxProtocol
import MuxTerminal

extension ServerState {
    /// CREATE past `--max-sessions`.
    func refuseNewSession(_ client: Connection) {
        let limit = configuration.bounds.maxSessions
        logger.notice("refused a new session: the server runs \(sessions.count), its bound (--max-sessions \(limit))")
        client.fail(
            .limitReached,
            "this server runs \(sessions.count) sessions, its bound: `mux kill` some, or restart it with a larger "
                + "`mux server start --max-sessions`")
    }

    /// Whether `client` may attach to `session`: it is attached already, or the session has fewer
    /// than `--max-clients`. Refuses the request otherwise.
    func mayAttach(_ client: Connection, to session: Session) -> Bool {
        let limit = configuration.bounds.maxClients
        guard session.machine.attachment(client.clientID) == nil, session.machine.attachments.count >= limit else {
            return true
        }
        logger.notice("session \(session.name): refused client \(client.clientID), \(limit) attached (--max-clients)")
        client.fail(
            .limitReached,
            "session \(session.name) has \(limit) clients attached, the server's bound (`mux server start "
                + "--max-clients`): detach one first")
        return false
    }

    /// Bounds a session's history to `bytes` (0: the server's `--scrollback-bytes`).
    func limitHistory(of session: Session, toBytes bytes: UInt64) {
        let limit = bytes == 0 ? configuration.bounds.scrollbackBytes : Int(clamping: bytes)
        session.emulator.limitHistory(toBytes: limit)
    }

    /// What the emulator asked beside replies: clipboard writes go to the lease holder alone, and
    /// only when the server was started with `--clipboard`; dropped hyperlinks are logged once.
    func note(_ effects: Effects, of session: Session) {
        if !effects.clipboardWrites.isEmpty, configuration.bounds.clipboard, let holder = session.machine.lease.holder,
            let connection = clients[holder], connection.session === session
        {
            for write in effects.clipboardWrites {
                connection.send(.clipboard(selections: write.selections, base64: write.base64))
            }
        }
        if effects.hyperlinksDropped > 0, loggedHyperlinkCap.insert(session.serial).inserted {
            let limit = Terminal.maximumHyperlinks
            logger.notice(
                "session \(session.name): holds \(limit) hyperlinks still shown; new ones are dropped until some go")
        }
    }

    /// Trims the oldest history of the largest sessions while all of it is over `--history-budget`,
    /// with one log line per session trimmed.
    func keepHistoryWithinBudget() {
        loggedHyperlinkCap.formIntersection(sessions.values.map(\.serial))
        let budget = HistoryBudget(bytes: configuration.bounds.historyBudget)
        let sizes = sessions.values.map {
            HistoryBudget.Entry(serial: $0.serial, bytes: $0.emulator.terminal.scrollback.storedBytes)
        }
        let total = sizes.reduce(0) { $0 + $1.bytes }
        for trim in budget.trims(sizes) {
            guard let session = sessions.values.first(where: { $0.serial == trim.serial }) else { continue }
            let before = session.emulator.terminal.scrollback.storedBytes
            let lines = session.emulator.trimHistory(toBytes: trim.toBytes)
            let after = session.emulator.terminal.scrollback.storedBytes
            let why = "all sessions held \(total), over the budget of \(budget.bytes) (--history-budget)"
            logger.notice(
                "session \(session.name): history trimmed from \(before) to \(after) bytes (\(lines) lines): \(why)")
        }
    }
}

extension Effects {
    /// Whether the server has more to do than write replies.
    var hasNotes: Bool { !clipboardWrites.isEmpty || hyperlinksDropped > 0 }
}
