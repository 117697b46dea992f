// The messages of protocol version 1 (docs/protocol.md, where the table of types lives).

/// What a client is allowed to do.
public enum Role: UInt8, Sendable, CaseIterable {
    /// May create, kill, send, take the lease and attach as holder.
    case control = 1
    /// May only list, capture and attach read-only.
    case observer = 2
}

/// A session as SESSIONS lists it.
public struct SessionSummary: Equatable, Sendable {
    public enum State: UInt8, Sendable {
        case starting = 0
        case running, exited
    }

    public var name: String
    public var command: String
    public var columns: UInt16
    public var rows: UInt16
    public var state: State
    public var exitStatus: Int32
    public var clients: UInt16
    /// The lease holder's client id; empty when nobody holds it.
    public var holder: String

    public init(
        name: String, command: String, columns: UInt16, rows: UInt16, state: State, exitStatus: Int32,
        clients: UInt16, holder: String
    ) {
        self.name = name
        self.command = command
        self.columns = columns
        self.rows = rows
        self.state = state
        self.exitStatus = exitStatus
        self.clients = clients
        self.holder = holder
    }
}

/// Every message of the protocol.
public enum Message: Equatable, Sendable {
    // client → server
    case hello(version: UInt16, role: Role, clientID: String, columns: UInt16, rows: UInt16, term: String)
    case attach(session: String, asHolder: Bool, historyLines: UInt32, since: UInt64?)
    case input([UInt8])
    case resize(columns: UInt16, rows: UInt16)
    case detach
    case list
    // server → client
    case welcome(version: UInt16, clientID: String, serverPID: UInt32)
    case error(ErrorCode, String)
    case attached(session: String, columns: UInt16, rows: UInt16, holdsLease: Bool)
    case snapshot(offset: UInt64, final: Bool, bytes: [UInt8])
    case output(offset: UInt64, bytes: [UInt8])
    case lease(holder: String, holdsLease: Bool)
    case exited(status: Int32)
    case sessions([SessionSummary])

    /// The frame type of each message.
    public var type: UInt16 {
        switch self {
        case .hello: 0x0001
        case .attach: 0x0002
        case .input: 0x0003
        case .resize: 0x0004
        case .detach: 0x0005
        case .list: 0x0006
        case .welcome: 0x8001
        case .error: 0x8002
        case .attached: 0x8003
        case .snapshot: 0x8004
        case .output: 0x8005
        case .lease: 0x8006
        case .exited: 0x8007
        case .sessions: 0x8008
        }
    }

    /// The message as a frame.
    public func frame() -> Frame {
        var w = WireWriter()
        switch self {
        case .hello(let version, let role, let clientID, let columns, let rows, let term):
            w.u16(version)
            w.u8(role.rawValue)
            w.string(clientID)
            w.u16(columns)
            w.u16(rows)
            w.string(term)
        case .attach(let session, let asHolder, let historyLines, let since):
            w.string(session)
            w.bool(asHolder)
            w.u32(historyLines)
            w.bool(since != nil)
            w.u64(since ?? 0)
        case .input(let bytes):
            w.data(bytes)
        case .resize(let columns, let rows):
            w.u16(columns)
            w.u16(rows)
        case .detach, .list:
            break
        case .welcome(let version, let clientID, let serverPID):
            w.u16(version)
            w.string(clientID)
            w.u32(serverPID)
        case .error(let code, let text):
            w.u16(code.rawValue)
            w.string(text)
        case .attached(let session, let columns, let rows, let holdsLease):
            w.string(session)
            w.u16(columns)
            w.u16(rows)
            w.bool(holdsLease)
        case .snapshot(let offset, let final, let bytes):
            w.u64(offset)
            w.bool(final)
            w.data(bytes)
        case .output(let offset, let bytes):
            w.u64(offset)
            w.data(bytes)
        case .lease(let holder, let holdsLease):
            w.string(holder)
            w.bool(holdsLease)
        case .exited(let status):
            w.i32(status)
        case .sessions(let list):
            w.u16(UInt16(list.count))
            for s in list {
                w.string(s.name)
                w.string(s.command)
                w.u16(s.columns)
                w.u16(s.rows)
                w.u8(s.state.rawValue)
                w.i32(s.exitStatus)
                w.u16(s.clients)
                w.string(s.holder)
            }
        }
        return Frame(type: type, payload: w.bytes)
    }

    /// Why a frame is not a message.
    public enum DecodingError: Error, Equatable, Sendable {
        case unknownType(UInt16)
        case malformed(UInt16, String)

        public var code: ErrorCode {
            switch self {
            case .unknownType: .unknownMessage
            case .malformed: .badFrame
            }
        }
    }

    /// Reads the message a frame carries.
    public init(_ frame: Frame) throws(DecodingError) {
        var r = WireReader(frame.payload)
        do {
            switch frame.type {
            case 0x0001:
                let version = try r.u16()
                guard let role = Role(rawValue: try r.u8()) else { throw MalformedPayload(reason: "unknown role") }
                self = .hello(
                    version: version, role: role, clientID: try r.string(), columns: try r.u16(), rows: try r.u16(),
                    term: try r.string())
            case 0x0002:
                let session = try r.string()
                let asHolder = try r.bool()
                let history = try r.u32()
                let hasSince = try r.bool()
                let since = try r.u64()
                self = .attach(
                    session: session, asHolder: asHolder, historyLines: history, since: hasSince ? since : nil)
            case 0x0003: self = .input(try r.data())
            case 0x0004: self = .resize(columns: try r.u16(), rows: try r.u16())
            case 0x0005: self = .detach
            case 0x0006: self = .list
            case 0x8001: self = .welcome(version: try r.u16(), clientID: try r.string(), serverPID: try r.u32())
            case 0x8002:
                let raw = try r.u16()
                guard let code = ErrorCode(rawValue: raw) else {
                    throw MalformedPayload(reason: "unknown error code \(raw)")
                }
                self = .error(code, try r.string())
            case 0x8003:
                self = .attached(
                    session: try r.string(), columns: try r.u16(), rows: try r.u16(), holdsLease: try r.bool())
            case 0x8004: self = .snapshot(offset: try r.u64(), final: try r.bool(), bytes: try r.data())
            case 0x8005: self = .output(offset: try r.u64(), bytes: try r.data())
            case 0x8006: self = .lease(holder: try r.string(), holdsLease: try r.bool())
            case 0x8007: self = .exited(status: try r.i32())
            case 0x8008:
                var list: [SessionSummary] = []
                for _ in 0..<(try r.u16()) {
                    let name = try r.string()
                    let command = try r.string()
                    let columns = try r.u16()
                    let rows = try r.u16()
                    guard let state = SessionSummary.State(rawValue: try r.u8()) else {
                        throw MalformedPayload(reason: "unknown session state")
                    }
                    list.append(
                        SessionSummary(
                            name: name, command: command, columns: columns, rows: rows, state: state,
                            exitStatus: try r.i32(), clients: try r.u16(), holder: try r.string()))
                }
                self = .sessions(list)
            default:
                throw DecodingError.unknownType(frame.type)
            }
            try r.finish()
        } catch let error as DecodingError {
            throw error
        } catch let error as MalformedPayload {
            throw .malformed(frame.type, error.reason)
        } catch {
            throw .malformed(frame.type, "\(error)")
        }
    }
}
