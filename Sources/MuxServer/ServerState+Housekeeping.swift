// What the server checks every few seconds: that its socket path still names the socket it bound
// (else nobody can reach it: it stops instead of living on as an orphan), that exited sessions
// nobody collected stay within their bound (docs/server.md, "Lifecycle"), and that all history
// stays within its budget (ServerState+Bounds.swift).

import Glibc
import MuxSystem
import NIOCore

extension ServerState {
    /// How often the server looks at its socket and its exited sessions.
    static let housekeepingInterval = TimeAmount.seconds(2)

    /// Starts the checks; `socket` is what the server bound (nil: it could not tell, so it does not
    /// check).
    func startHousekeeping(socket: FileIdentity?) {
        loop.assumeIsolated().scheduleTask(in: Self.housekeepingInterval) { [self] in
            guard !shuttingDown else { return }
            if let socket, FileIdentity(path: configuration.socketPath) != socket {
                logger.warning("\(configuration.socketPath) is no longer this server's socket (removed or replaced)")
                shutDown(reason: "its socket is gone")
                return
            }
            if !handingOver {  // the sessions' files and rows are the new server's meanwhile
                collectExitedSessions()
                keepHistoryWithinBudget()
            }
            startHousekeeping(socket: socket)
        }
    }

    /// Collects the exited sessions past the server's bound (`--exited-limit`, `--exited-max-age`).
    func collectExitedSessions() {
        let bound = ExitedSessions(limit: configuration.exitedLimit, maxAge: configuration.exitedMaxAge)
        let exited = sessions.values.compactMap { session -> ExitedSessions.Entry? in
            guard !session.machine.keep, let exitedAt = session.exitedAt, case .exited = session.machine.lifecycle
            else { return nil }
            return ExitedSessions.Entry(name: session.name, exitedAt: exitedAt, serial: session.serial)
        }
        for name in bound.toCollect(exited, now: MonotonicClock.secondsSinceBoot()) {
            guard let session = sessions[name] else { continue }
            logger.info("session \(name): collected by the server (\(exited.count) exited, bound \(bound.limit))")
            perform(session, .expire)
        }
    }
}
