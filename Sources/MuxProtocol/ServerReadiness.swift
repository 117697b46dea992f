// What a server started with `--ready-fd` tells the command that started it, on that descriptor,
// before closing it: an empty line once it listens, or one line `KIND REASON` saying why it could
// not start. The kind lets the starter act on a failure without reading its words: a server
// already running on the socket means another command started one first (docs/server.md,
// "Lifecycle"). Both ends are the same mux binary, so the kinds need no version.

/// Why a server could not start: a kind to act on, and one line for the user.
public struct ServerStartFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, CaseIterable {
        /// A server already answers on the socket.
        case alreadyRunning = "already-running"
        /// The socket's path or its directory is not ours to use: too long, another user's, open
        /// to others, or not a socket.
        case unusablePath = "unusable-path"
        /// A system call failed: opening the log, binding the socket.
        case system = "system"
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}

/// The line on the ready descriptor.
public enum ServerReadiness: Equatable, Sendable {
    /// Listening: clients may connect.
    case ready
    case failed(ServerStartFailure)

    /// The line as the server writes it.
    public var line: String {
        switch self {
        case .ready: "\n"
        case .failed(let failure): "\(failure.kind.rawValue) \(failure.description)\n"
        }
    }

    /// What the starter read before the descriptor closed; nil when nothing came (the server ended
    /// before it could say anything).
    public init?(received: [UInt8]) {
        var text = Substring(String(decoding: received, as: UTF8.self))
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        if text.isEmpty {
            guard !received.isEmpty else { return nil }
            self = .ready
            return
        }
        let word = text.prefix { $0 != " " }
        guard let kind = ServerStartFailure.Kind(rawValue: String(word)) else {
            // Not a line of ours (none is written without a kind): show it whole.
            self = .failed(ServerStartFailure(.system, String(text)))
            return
        }
        self = .failed(ServerStartFailure(kind, String(text.dropFirst(word.count + 1))))
    }
}
