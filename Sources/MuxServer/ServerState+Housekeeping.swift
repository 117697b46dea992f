// What the server checks every few seconds: that its socket path still names the socket it bound
// (else nobody can reach it: it stops instead of living on as an orphan) (docs/server.md,
// "Lifecycle").

import Glibc
import MuxSystem
import NIOCore

extension ServerState {
    /// How often the server looks at its socket.
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
            startHousekeeping(socket: socket)
        }
    }
}
