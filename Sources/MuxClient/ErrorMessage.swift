// What the CLI tells a person when the server answers with an error code: one line that names the
// problem and what to do about it.

import MuxProtocol

/// A one-line explanation for each wire error code.
public enum ErrorMessage {
    public static func line(for code: ErrorCode, detail: String = "") -> String {
        let base: String
        switch code {
        case .protocolVersion: base = "the server speaks another protocol version; restart it with `mux server stop`"
        case .badFrame: base = "the server could not read a message from this client (a bug: please report it)"
        case .frameTooLarge: base = "a message was larger than the protocol allows"
        case .unknownMessage: base = "the server does not know this request; is it an older mux?"
        case .handshakeRequired: base = "the client spoke before its handshake (a bug: please report it)"
        case .roleForbidden: base = "an observer may not do this; attach without --observe"
        case .leaseRequired: base = "another client holds the input lease; take it with `mux lease take`"
        case .sessionNotFound: base = "no such session; `mux ls` lists them"
        case .sessionExists: base = "a session of that name exists; pick another name or attach to it"
        case .sessionExited: base = "the session's program has exited; `mux capture` still shows its screen"
        case .spawnFailed: base = "the session's program could not be started"
        case .invalidArgument: base = "invalid argument"
        case .permissionDenied: base = "permission denied: the socket belongs to another user"
        case .shuttingDown: base = "the server is shutting down; try again in a moment"
        }
        return detail.isEmpty ? "mux: \(base)" : "mux: \(base): \(detail)"
    }
}
