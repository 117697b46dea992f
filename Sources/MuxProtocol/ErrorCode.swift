// The stable error codes that travel on the wire. Their raw values are part of the protocol: never
// renumber one; add new codes at the end and bump `ProtocolVersion.current`.

/// The version of the wire protocol a client and server must share.
public enum ProtocolVersion {
    public static let current: UInt16 = 5
}

/// An error a server reports to a client, by stable code.
public enum ErrorCode: UInt16, CaseIterable, Sendable, CustomStringConvertible {
    case protocolVersion = 1
    case badFrame = 2
    case frameTooLarge = 3
    case unknownMessage = 4
    case handshakeRequired = 5
    case roleForbidden = 6
    case leaseRequired = 7
    case sessionNotFound = 8
    case sessionExists = 9
    case sessionExited = 10
    case spawnFailed = 11
    case invalidArgument = 12
    case permissionDenied = 13
    case shuttingDown = 14
    /// A server bound was reached: sessions per server (`--max-sessions`), clients per session
    /// (`--max-clients`).
    case limitReached = 15

    /// The code's name as documented in docs/protocol.md and shown by `--json` output.
    public var description: String {
        switch self {
        case .protocolVersion: "PROTOCOL_VERSION"
        case .badFrame: "BAD_FRAME"
        case .frameTooLarge: "FRAME_TOO_LARGE"
        case .unknownMessage: "UNKNOWN_MESSAGE"
        case .handshakeRequired: "HANDSHAKE_REQUIRED"
        case .roleForbidden: "ROLE_FORBIDDEN"
        case .leaseRequired: "LEASE_REQUIRED"
        case .sessionNotFound: "SESSION_NOT_FOUND"
        case .sessionExists: "SESSION_EXISTS"
        case .sessionExited: "SESSION_EXITED"
        case .spawnFailed: "SPAWN_FAILED"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .permissionDenied: "PERMISSION_DENIED"
        case .shuttingDown: "SHUTTING_DOWN"
        case .limitReached: "LIMIT_REACHED"
        }
    }
}
