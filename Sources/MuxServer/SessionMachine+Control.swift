// The session machine's control: who may type and resize (the input lease), the size following
// the lease, and the lifecycle from starting to ended (docs/server.md, "The session machine").

import Glibc
import MuxPTY
import MuxProtocol

extension SessionMachine {
    // MARK: input and size

    /// Whether `client` may type into or resize the session: the lease is vacant or its own, or
    /// it forces. Refuses with the code otherwise.
    func mayType(_ client: String, force: Bool, into actions: inout [Action]) -> Bool {
        if !lease.allowsInput(from: client), !force, let holder = lease.holder {
            actions.append(
                .send(
                    client,
                    .error(
                        .leaseRequired,
                        "client \(holder) holds the lease of session \(name); take it with `mux lease take \(name)` "
                            + "(or pass --force)")))
            return false
        }
        return true
    }

    mutating func input(
        _ bytes: [UInt8], from client: String, force: Bool, acknowledge: Bool, into actions: inout [Action]
    ) {
        guard mayType(client, force: force, into: &actions) else { return }
        if !bytes.isEmpty && isLive { actions.append(.writeToProgram(bytes)) }
        if acknowledge { actions.append(.send(client, .done)) }
    }

    mutating func resize(
        by client: String, columns: UInt16, rows: UInt16, force: Bool, acknowledge: Bool, into actions: inout [Action]
    ) {
        if let index = index(of: client) {
            attachments[index].columns = columns
            attachments[index].rows = rows
        }
        guard columns > 0, rows > 0 else {
            return actions.append(.send(client, .error(.invalidArgument, "a size needs columns and rows")))
        }
        guard mayType(client, force: force, into: &actions) else { return }
        resize(columns: columns, rows: rows, into: &actions)
        if acknowledge { actions.append(.send(client, .done)) }
    }

    /// Resizes the terminal; every attached client gets RESIZED and a fresh snapshot, since a
    /// reflow is not something the byte stream carries. Returns whether the size changed.
    @discardableResult
    mutating func resize(columns: UInt16, rows: UInt16, into actions: inout [Action]) -> Bool {
        guard columns > 0, rows > 0, columns != self.columns || rows != self.rows, isLive else { return false }
        self.columns = columns
        self.rows = rows
        actions.append(.resizeTerminal(columns: columns, rows: rows))
        for index in attachments.indices {
            actions.append(.send(attachments[index].client, .resized(columns: columns, rows: rows)))
            if case .snapshotting = attachments[index].phase { continue }
            let history = if case .awaitingSnapshot(let lines) = attachments[index].phase { lines } else { 0 }
            attachments[index].phase = .awaitingSnapshot(history: history)
            sendSnapshotIfDue(index, into: &actions)
        }
        return true
    }

    // MARK: the lease

    mutating func takeLease(_ taker: String?, requester: String, into actions: inout [Action]) {
        let chosen = taker ?? attachments.last { $0.mayHold && $0.client != lease.holder }?.client
        guard let chosen, attachment(chosen)?.mayHold == true else {
            let text =
                taker == nil
                ? "no attached client of session \(name) is waiting for the lease; name one with --client"
                : "client \(taker!) is not attached to session \(name) as a control client"
            return actions.append(.send(requester, .error(.invalidArgument, text)))
        }
        // Taking the lease, even one already held, is how a demoted holder asks to hold the
        // program back again.
        if let index = index(of: chosen) { attachments[index].demoted = false }
        if let change = lease.take(chosen) { leaseChanged(change, into: &actions) }
        actions.append(.send(requester, .leaseState(session: name, holders: lease.stack.reversed())))
    }

    mutating func releaseLease(_ holder: String?, requester: String, into actions: inout [Action]) {
        if let releaser = holder ?? lease.holder, let change = lease.release(releaser) {
            leaseChanged(change, into: &actions)
        }
        actions.append(.send(requester, .leaseState(session: name, holders: lease.stack.reversed())))
    }

    /// Tells every client about a change of the lease; the session takes the new holder's size.
    mutating func leaseChanged(_ change: InputLease.Change, into actions: inout [Action]) {
        actions.append(.log(.info, "session \(name): lease \(change.from ?? "-") → \(change.to ?? "-")"))
        if let holder = change.to, let attachment = attachment(holder) {
            resize(columns: attachment.columns, rows: attachment.rows, into: &actions)
        }
        for attachment in attachments {
            actions.append(
                .send(attachment.client, .lease(holder: change.to ?? "", holdsLease: attachment.client == change.to)))
        }
    }

    // MARK: lifecycle

    mutating func opened(into actions: inout [Action]) {
        guard lifecycle == .starting else { return }
        lifecycle = .running
        actions.append(.reply(creator, .created(session: name)))
    }

    mutating func failedToOpen(_ reason: String, into actions: inout [Action]) {
        guard lifecycle == .starting else { return }
        lifecycle = .running  // until the program, killed now, is reaped
        actions.append(.log(.warning, "session \(name): cannot watch its terminal: \(reason)"))
        actions.append(.send(creator, .error(.spawnFailed, "cannot watch the terminal of \(name): \(reason)")))
        actions.append(.signalProgram(SIGKILL))
        actions.append(.stopReading)
    }

    mutating func kill(_ signal: Int32, requester: String, into actions: inout [Action]) {
        killRequested = true
        killWaiters.append(requester)
        switch lifecycle {
        case .exited:
            end(into: &actions)
        case .ended:
            actions.append(.send(requester, .done))
        case .starting, .running, .draining:
            actions.append(.signalProgram(signal))
            actions.append(.schedule(.killDeadline))
        }
    }

    mutating func collect(requester: String, into actions: inout [Action]) {
        switch lifecycle {
        case .exited where !keep:
            killWaiters.append(requester)
            end(into: &actions)
        case .exited, .ended:
            actions.append(.send(requester, .done))
        case .starting, .running, .draining:
            actions.append(
                .send(
                    requester,
                    .error(.invalidArgument, "session \(name) is still running; `mux wait \(name) --exit` waits for it")
                ))
        }
    }

    mutating func shutdown(into actions: inout [Action]) {
        killRequested = true
        switch lifecycle {
        case .exited: end(into: &actions)
        case .starting, .running, .draining: actions.append(.signalProgram(SIGHUP))
        case .ended: break
        }
    }

    mutating func programExited(_ status: ExitStatus, into actions: inout [Action]) {
        switch lifecycle {
        case .starting, .running: break
        case .draining, .exited, .ended: return
        }
        lifecycle = .draining(status)
        actions.append(.log(.info, "session \(name): \(status)"))
        if terminalEnded {
            finish(status, into: &actions)
        } else {
            // The rest of its output is still in the terminal: read it, but do not wait for a
            // grandchild that keeps the terminal open.
            actions.append(.schedule(.drainDeadline))
        }
    }

    mutating func terminalEnded(into actions: inout [Action]) {
        guard !terminalEnded else { return }
        terminalEnded = true
        if case .draining(let status) = lifecycle { finish(status, into: &actions) }
    }

    mutating func fired(_ timer: Timer, into actions: inout [Action]) {
        switch timer {
        case .updateOverdue(let generation):
            guard generation == updateGeneration, synchronizedOutput else { return }
            updateOverdue = true
            sendDueSnapshots(into: &actions)
        case .drainDeadline:
            if case .draining = lifecycle, !terminalEnded { actions.append(.stopReading) }
        case .killDeadline:
            if lifecycle == .starting || lifecycle == .running { actions.append(.signalProgram(SIGKILL)) }
        case .holderStalled(let generation, _):
            holderStalled(generation: generation, into: &actions)
        }
    }

    /// The program has exited and its output is all read: every client gets the rest of the
    /// output and EXITED. The session stays listed with its status until collected, unless it was
    /// killed, or its creator was attached (an attached `mux new` exits with the status, so
    /// nobody is left to collect it) and it was not created with `--keep`.
    mutating func finish(_ status: ExitStatus, into actions: inout [Action]) {
        lifecycle = .exited(status)
        let creatorCollects = !keep && attachments.contains { $0.client == creator }
        for attachment in attachments {
            let cursor: UInt64? = if case .live(let cursor) = attachment.phase { cursor } else { nil }
            actions.append(.drain(attachment.client, from: cursor))
            actions.append(.send(attachment.client, .exited(status: status.shellStatus)))
            actions.append(.release(attachment.client))
        }
        attachments.removeAll()
        lease = InputLease()
        if readingPaused {
            readingPaused = false
            actions.append(.resumeReading)
        }
        actions.append(.closeProgram)
        if killRequested || creatorCollects {
            end(into: &actions)
        } else {
            actions.append(.listExited)
        }
    }

    mutating func end(into actions: inout [Action]) {
        lifecycle = .ended
        // Forgotten first: the journal deletes the row, and the waiters are answered after that.
        actions.append(.forget)
        for waiter in killWaiters { actions.append(.reply(waiter, .done)) }
        killWaiters.removeAll()
    }
}
