// An attached client whose server vanished (docs/client.md, "Reconnecting"): it connects to the
// same socket again on the schedule `Reconnection` sets, never starting a server (the keeper
// restarts it), says HELLO with the same client id and ATTACHes to the same session in the same
// role with `since` at the end of the last OUTPUT it applied, holding the user's keys meanwhile.

import Glibc
import MuxProtocol
import MuxSystem

extension AttachedTerminal {
    /// The most bytes of keys kept while reconnecting.
    static let heldInputLimit = 64 * 1024

    /// What answered an attempt so far.
    private enum AttemptAnswer {
        /// Nothing whole yet.
        case waiting
        /// The connection closed first, or the answer was garbled: try again later.
        case failed
        /// HELLO was refused because another connection has this client's id.
        case idTaken
        /// The server answered HELLO or ATTACH with an error that asking again would repeat.
        case refused(String)
        /// ATTACHED.
        case attached(Message)
    }

    /// The connection ended with `disconnection`: attach again if that is worth it. Returns nil
    /// once attached again (`connection` is the new one, ATTACHED handled), or how the attachment
    /// ends: not worth it, the user detached, the server refused, or the limit passed.
    func reconnect(after disconnection: Disconnection, resizePipe: Int32) -> AttachEnd? {
        guard let identity = connection.identity,
            Reconnection.reconnects(after: disconnection, limit: reconnectLimit)
        else { return .serverGone(disconnection.reason) }
        reconnecting = true
        defer { reconnecting = false }
        // A snapshot cut short, and a gap mark for it, belong to the old connection.
        snapshotPending = []
        pendingGap = 0
        let asHolder = holdsLease
        var clientID = connection.clientID
        var plan = Reconnection(now: MonotonicClock.seconds(), limit: reconnectLimit)
        var attempt: ServerConnection?
        var attemptSince: UInt64?
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if statusText != Reconnection.statusText, statusShownAt != nil, elapsedSinceStatus() >= 2.0 {
                if plan.statusShown { showStatus(Reconnection.statusText) } else { eraseStatus() }
            }
            var timeout: Int32
            switch plan.next(now: MonotonicClock.seconds()) {
            case .showStatus:
                showStatus(Reconnection.statusText)
                continue
            case .giveUp:
                return .serverGone("the server did not come back in \(Self.formatSeconds(reconnectLimit)) s")
            case .connect:
                var hello = identity
                (hello.clientID, hello.columns, hello.rows) = (clientID, columns, rows)
                (hello.pixelWidth, hello.pixelHeight) = (pixelWidth, pixelHeight)
                do {
                    let next = try ServerConnection.open(socket: connection.socketPath, identity: hello, start: false)
                    // Everything up to `expectedOffset` is in the replica and on the terminal,
                    // unless a snapshot was owed (a gap, or a switch into pass-through).
                    let since = awaitingSnapshot ? nil : expectedOffset
                    // History only if the first snapshot never came: the terminal has the rest.
                    let history = snapshotsSeen == 0 ? historyLines : 0
                    try next.send(
                        .attach(
                            session: session, asHolder: asHolder, historyLines: history, since: since, lossy: lossy))
                    (attempt, attemptSince) = (next, since)
                } catch {
                    plan.attemptFailed(now: MonotonicClock.seconds())
                }
                continue
            case .wait(let seconds):
                timeout = Int32(min(seconds * 1000, 60_000).rounded(.up))
            }
            if statusShownAt != nil { timeout = min(timeout, 200) }
            if let wait = drawFrameIfDue() { timeout = min(timeout, wait) }
            flushOutput()
            var fds = [
                pollfd(fd: input, events: Int16(POLLIN), revents: 0),
                pollfd(fd: resizePipe, events: Int16(POLLIN), revents: 0),
                pollfd(fd: attempt?.descriptor ?? -1, events: Int16(POLLIN), revents: 0),
            ]
            if poll(&fds, nfds_t(fds.count), timeout) < 0 { continue }
            if fds[2].revents != 0, let pending = attempt {
                switch answer(from: pending) {
                case .waiting:
                    break
                case .failed:
                    attempt = nil
                    plan.attemptFailed(now: MonotonicClock.seconds())
                case .idTaken:
                    // Another connection has this id: let the server name this client instead.
                    clientID = ""
                    attempt = nil
                    plan.attemptFailed(now: MonotonicClock.seconds())
                case .refused(let text):
                    return .serverGone("the server came back, but: \(text)")
                case .attached(let message):
                    return reattached(pending, message, since: attemptSince)
                }
            }
            if fds[0].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if n == 0 { return detach() }
                // While reconnecting nothing is sent, so nothing throws.
                if n > 0, let end = (try? typed(buffer[..<n])) ?? nil { return end }
            }
            if fds[1].revents != 0 {
                _ = buffer.withUnsafeMutableBytes { read(resizePipe, $0.baseAddress, $0.count) }
                if let size = Self.size(of: output), size != (columns, rows) {
                    // HELLO gives the server the new size; a holder's ATTACH resizes the session.
                    (columns, rows) = size
                    (pixelWidth, pixelHeight) = Self.pixelSize(of: output)
                    windowResized()
                }
            }
        }
    }

    /// Reads what the attempt's socket has and interprets the answer so far.
    private func answer(from pending: ServerConnection) -> AttemptAnswer {
        do {
            guard try pending.readMore() else { return .failed }
            while let message = try pending.nextAnswer() {
                switch message {
                case .attached: return .attached(message)
                case .error(_, let text): return .refused(text)  // to ATTACH: no such session, ...
                default: continue
                }
            }
            return .waiting
        } catch let error as ClientError {
            // Thrown with a code: the server refused HELLO.
            switch error.code {
            case nil: return .failed
            case .invalidArgument?: return .idTaken
            case .handshakeRequired?: return .failed
            case _?: return .refused(error.description)
            }
        } catch {
            return .failed
        }
    }

    /// ATTACHED on the new connection: it replaces the old one, the status line goes, and the keys
    /// held go to the session if this client holds its lease. What follows (OUTPUT from `since`,
    /// or a snapshot) is handled as after any attach.
    private func reattached(_ next: ServerConnection, _ attached: Message, since: UInt64?) -> AttachEnd? {
        connection = next
        // A snapshot asked for after the ATTACH went out with `since` (the status line needed a
        // replica that had been dropped) was asked of the old connection: ask this one, or the
        // OUTPUT that follows would be waiting for it for good.
        if awaitingSnapshot, since != nil { try? connection.send(.refresh) }
        if statusText != nil { eraseStatus() }
        let size = (sessionColumns, sessionRows)
        do {
            if let end = try handle(attached) { return end }
            if replica != nil, size != (sessionColumns, sessionRows), !awaitingSnapshot {
                // The session came back at another size: the replica cannot follow its bytes.
                awaitingSnapshot = true
                try connection.send(.refresh)
            }
            if heldInputDropped > 0 {
                showStatus(
                    "\(heldInputDropped) bytes typed while reconnecting were not sent "
                        + "(over the \(Self.heldInputLimit / 1024) KiB kept)")
                heldInputDropped = 0
            }
            guard !heldInput.isEmpty else { return nil }
            if holdsLease {
                try connection.send(.input(heldInput))
            } else {
                showStatus(
                    "\(heldInput.count) bytes typed while reconnecting were not sent: you are watching \(session)")
            }
            heldInput = []
        } catch {
            // Lost again at once: the next read finds it, and the keys are still held.
        }
        return nil
    }

    /// Keeps keys for the session until it can be reached, up to `heldInputLimit` bytes.
    func hold(_ bytes: [UInt8]) {
        let room = max(Self.heldInputLimit - heldInput.count, 0)
        heldInput += bytes.prefix(room)
        if bytes.count > room { heldInputDropped += bytes.count - room }
    }

    /// Seconds as people write them: 30, 0.5.
    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(seconds)
    }
}
