// Each message's payload (docs/protocol.md): fields in order, big-endian, strings and byte
// strings with a u32 length, lists with a u16 count.

extension Message {
    /// The message as a frame.
    public func frame() -> Frame {
        var w = WireWriter()
        switch self {
        case .hello(
            let version, let role, let clientID, let columns, let rows, let term, let pixelWidth, let pixelHeight):
            w.u16(version)
            w.u8(role.rawValue)
            w.string(clientID)
            w.u16(columns)
            w.u16(rows)
            w.string(term)
            w.u16(pixelWidth)
            w.u16(pixelHeight)
        case .attach(let session, let asHolder, let historyLines, let since, let lossy):
            w.string(session)
            w.bool(asHolder)
            w.u32(historyLines)
            w.bool(since != nil)
            w.u64(since ?? 0)
            w.bool(lossy)
        case .input(let bytes):
            w.data(bytes)
        case .resize(let columns, let rows, let pixelWidth, let pixelHeight):
            w.u16(columns)
            w.u16(rows)
            w.u16(pixelWidth)
            w.u16(pixelHeight)
        case .resized(let columns, let rows):
            w.u16(columns)
            w.u16(rows)
        case .detach, .list, .status, .shutdown, .refresh, .done:
            break
        case .create(let request):
            w.string(request.name)
            w.strings(request.command)
            w.string(request.workingDirectory)
            w.strings(request.environment)
            w.strings(request.overrides)
            w.u16(request.columns)
            w.u16(request.rows)
            w.bool(request.keep)
            w.u32(request.scrollback)
            w.u8(request.restore.rawValue)
            w.u64(request.scrollbackBytes)
        case .rename(let session, let newName):
            w.string(session)
            w.string(newName)
        case .label(let session, let set, let remove):
            w.string(session)
            w.strings(set)
            w.strings(remove)
        case .restart(let executable):
            w.string(executable)
        case .kill(let session, let signal):
            w.string(session)
            w.i32(signal)
        case .resizeSession(let session, let columns, let rows, let force):
            w.string(session)
            w.u16(columns)
            w.u16(rows)
            w.bool(force)
        case .send(let session, let items, let force):
            w.string(session)
            w.u16(UInt16(items.count))
            for item in items {
                switch item {
                case .text(let text):
                    w.u8(0)
                    w.string(text)
                case .key(let name):
                    w.u8(1)
                    w.string(name)
                }
            }
            w.bool(force)
        case .capture(let session, let format, let historyLines):
            w.string(session)
            w.u8(format.rawValue)
            w.u32(historyLines)
        case .leaseTake(let session, let clientID), .leaseRelease(let session, let clientID):
            w.string(session)
            w.string(clientID)
        case .leaseStatus(let session), .created(let session):
            w.string(session)
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
                w.optional(s.exitStatus) { $0.i32($1) }
                w.u16(s.clients)
                w.string(s.holder)
                w.u64(s.created)
                w.optional(s.pid) { $0.i32($1) }
                w.u8(s.liveness.rawValue)
                w.u8(s.activity.rawValue)
                w.optional(s.foregroundPID) { $0.i32($1) }
                w.optional(s.foregroundCommand) { $0.string($1) }
                w.optional(s.workingDirectory) { $0.string($1) }
                w.optional(s.lastOutput) { $0.u64($1) }
                w.optional(s.lastInput) { $0.u64($1) }
                w.optional(s.title) { $0.string($1) }
                w.u8(s.commandPhase.rawValue)
                w.optional(s.lastCommandStatus) { $0.i32($1) }
                w.u64(s.commandsFinished)
                w.strings(s.labels)
                w.u8(s.restore.rawValue)
                w.optional(s.ended) { $0.u64($1) }
                w.optional(s.endReason) { $0.string($1) }
                w.u32(s.historyLines)
                w.u64(s.historyBytes)
            }
        case .captured(let text):
            w.string(text)
        case .leaseState(let session, let holders):
            w.string(session)
            w.strings(holders)
        case .serverStatus(let status):
            w.u32(status.pid)
            w.string(status.socket)
            w.u64(status.started)
            w.u16(status.sessions)
            w.u16(UInt16(status.clients.count))
            for c in status.clients {
                w.string(c.clientID)
                w.u8(c.role.rawValue)
                w.string(c.session)
                w.bool(c.holdsLease)
                w.bool(c.lossless)
                w.bool(c.demoted)
                w.u64(c.queuedBytes)
                w.u64(c.resyncs)
            }
            w.optional(status.journal) { w, journal in
                w.string(journal.path)
                w.u64(journal.bytes)
                w.optional(journal.lastWrite) { $0.u64($1) }
                w.optional(journal.error) { $0.string($1) }
                w.optional(journal.movedAside) { $0.string($1) }
                w.u32(journal.lost)
                w.u32(journal.relaunched)
            }
        case .gap(let lines):
            w.u64(lines)
        case .notice(let text):
            w.string(text)
        case .clipboard(let selections, let base64):
            w.string(selections)
            w.string(base64)
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
        self = try Self.decode(type: frame.type, payload: frame.payload[...])
    }

    /// Reads the message a frame view carries (copying what the message keeps).
    public init(_ view: FrameView) throws(DecodingError) {
        self = try Self.decode(type: view.type, payload: view.payload)
    }

    private static func decode(type: UInt16, payload: ArraySlice<UInt8>) throws(DecodingError) -> Message {
        guard let messageType = MessageType(rawValue: type) else { throw .unknownType(type) }
        var r = WireReader(payload)
        do {
            let message = try read(messageType, from: &r)
            try r.finish()
            return message
        } catch {
            throw .malformed(type, error.reason)
        }
    }

    /// OUTPUT's fields, the bytes left in place: shared by `read` and `FrameView.output()`.
    fileprivate static func readOutput(from r: inout WireReader) throws(MalformedPayload) -> (
        offset: UInt64, bytes: ArraySlice<UInt8>
    ) {
        (try r.u64(), try r.dataSlice())
    }

    private static func read(_ type: MessageType, from r: inout WireReader) throws(MalformedPayload) -> Message {
        switch type {
        case .hello:
            let version = try r.u16()
            guard let role = Role(rawValue: try r.u8()) else { throw MalformedPayload(reason: "unknown role") }
            return .hello(
                version: version, role: role, clientID: try r.string(), columns: try r.u16(), rows: try r.u16(),
                term: try r.string(), pixelWidth: try r.u16(), pixelHeight: try r.u16())
        case .attach:
            let session = try r.string()
            let asHolder = try r.bool()
            let history = try r.u32()
            let hasSince = try r.bool()
            let since = try r.u64()
            return .attach(
                session: session, asHolder: asHolder, historyLines: history, since: hasSince ? since : nil,
                lossy: try r.bool())
        case .input: return .input(try r.data())
        case .resize:
            return .resize(columns: try r.u16(), rows: try r.u16(), pixelWidth: try r.u16(), pixelHeight: try r.u16())
        case .detach: return .detach
        case .list: return .list
        case .create:
            var request = CreateRequest(
                name: try r.string(), command: try r.strings(), workingDirectory: try r.string(),
                environment: try r.strings(), overrides: try r.strings(), columns: try r.u16(), rows: try r.u16(),
                keep: try r.bool(),
                scrollback: try r.u32())
            guard let restore = SessionRestore(rawValue: try r.u8()) else {
                throw MalformedPayload(reason: "unknown restore policy")
            }
            request.restore = restore
            request.scrollbackBytes = try r.u64()
            return .create(request)
        case .kill: return .kill(session: try r.string(), signal: try r.i32())
        case .resizeSession:
            return .resizeSession(session: try r.string(), columns: try r.u16(), rows: try r.u16(), force: try r.bool())
        case .send:
            let session = try r.string()
            var items: [SendItem] = []
            for _ in 0..<(try r.u16()) {
                switch try r.u8() {
                case 0: items.append(.text(try r.string()))
                case 1: items.append(.key(try r.string()))
                default: throw MalformedPayload(reason: "unknown send item kind")
                }
            }
            return .send(session: session, items: items, force: try r.bool())
        case .capture:
            let session = try r.string()
            guard let format = CaptureFormat(rawValue: try r.u8()) else {
                throw MalformedPayload(reason: "unknown capture format")
            }
            return .capture(session: session, format: format, historyLines: try r.u32())
        case .leaseTake: return .leaseTake(session: try r.string(), clientID: try r.string())
        case .leaseRelease: return .leaseRelease(session: try r.string(), clientID: try r.string())
        case .leaseStatus: return .leaseStatus(session: try r.string())
        case .status: return .status
        case .shutdown: return .shutdown
        case .refresh: return .refresh
        case .rename: return .rename(session: try r.string(), newName: try r.string())
        case .label: return .label(session: try r.string(), set: try r.strings(), remove: try r.strings())
        case .restart: return .restart(executable: try r.string())
        case .welcome: return .welcome(version: try r.u16(), clientID: try r.string(), serverPID: try r.u32())
        case .error:
            let raw = try r.u16()
            guard let code = ErrorCode(rawValue: raw) else {
                throw MalformedPayload(reason: "unknown error code \(raw)")
            }
            return .error(code, try r.string())
        case .attached:
            return .attached(session: try r.string(), columns: try r.u16(), rows: try r.u16(), holdsLease: try r.bool())
        case .snapshot: return .snapshot(offset: try r.u64(), final: try r.bool(), bytes: try r.data())
        case .output:
            let (offset, bytes) = try readOutput(from: &r)
            return .output(offset: offset, bytes: Array(bytes))
        case .lease: return .lease(holder: try r.string(), holdsLease: try r.bool())
        case .exited: return .exited(status: try r.i32())
        case .sessions:
            var list: [SessionSummary] = []
            for _ in 0..<(try r.u16()) {
                let name = try r.string()
                let command = try r.string()
                let columns = try r.u16()
                let rows = try r.u16()
                guard let state = SessionSummary.State(rawValue: try r.u8()) else {
                    throw MalformedPayload(reason: "unknown session state")
                }
                let exitStatus = try r.optional { r throws(MalformedPayload) in try r.i32() }
                let clients = try r.u16()
                let holder = try r.string()
                let created = try r.u64()
                let pid = try r.optional { r throws(MalformedPayload) in try r.i32() }
                guard let liveness = SessionSummary.Liveness(rawValue: try r.u8()),
                    let activity = SessionSummary.Activity(rawValue: try r.u8())
                else { throw MalformedPayload(reason: "unknown liveness or activity") }
                let foregroundPID = try r.optional { r throws(MalformedPayload) in try r.i32() }
                let foregroundCommand = try r.optional { r throws(MalformedPayload) in try r.string() }
                let workingDirectory = try r.optional { r throws(MalformedPayload) in try r.string() }
                let lastOutput = try r.optional { r throws(MalformedPayload) in try r.u64() }
                let lastInput = try r.optional { r throws(MalformedPayload) in try r.u64() }
                let title = try r.optional { r throws(MalformedPayload) in try r.string() }
                guard let phase = SessionSummary.CommandPhase(rawValue: try r.u8()) else {
                    throw MalformedPayload(reason: "unknown command phase")
                }
                var summary = SessionSummary(
                    name: name, command: command, columns: columns, rows: rows, state: state,
                    exitStatus: exitStatus, clients: clients, holder: holder, created: created, pid: pid,
                    liveness: liveness, activity: activity, foregroundPID: foregroundPID,
                    foregroundCommand: foregroundCommand, workingDirectory: workingDirectory,
                    lastOutput: lastOutput, lastInput: lastInput, title: title, commandPhase: phase,
                    lastCommandStatus: try r.optional { r throws(MalformedPayload) in try r.i32() },
                    commandsFinished: try r.u64())
                summary.labels = try r.strings()
                guard let restore = SessionRestore(rawValue: try r.u8()) else {
                    throw MalformedPayload(reason: "unknown restore policy")
                }
                summary.restore = restore
                summary.ended = try r.optional { r throws(MalformedPayload) in try r.u64() }
                summary.endReason = try r.optional { r throws(MalformedPayload) in try r.string() }
                summary.historyLines = try r.u32()
                summary.historyBytes = try r.u64()
                list.append(summary)
            }
            return .sessions(list)
        case .created: return .created(session: try r.string())
        case .done: return .done
        case .captured: return .captured(try r.string())
        case .leaseState: return .leaseState(session: try r.string(), holders: try r.strings())
        case .serverStatus:
            let pid = try r.u32()
            let socket = try r.string()
            let started = try r.u64()
            let sessions = try r.u16()
            var clients: [ClientStatus] = []
            for _ in 0..<(try r.u16()) {
                let id = try r.string()
                guard let role = Role(rawValue: try r.u8()) else { throw MalformedPayload(reason: "unknown role") }
                clients.append(
                    ClientStatus(
                        clientID: id, role: role, session: try r.string(), holdsLease: try r.bool(),
                        lossless: try r.bool(), demoted: try r.bool(), queuedBytes: try r.u64(),
                        resyncs: try r.u64()))
            }
            let journal = try r.optional { r throws(MalformedPayload) in
                JournalStatus(
                    path: try r.string(), bytes: try r.u64(),
                    lastWrite: try r.optional { r throws(MalformedPayload) in try r.u64() },
                    error: try r.optional { r throws(MalformedPayload) in try r.string() },
                    movedAside: try r.optional { r throws(MalformedPayload) in try r.string() }, lost: try r.u32(),
                    relaunched: try r.u32())
            }
            return .serverStatus(
                ServerStatus(
                    pid: pid, socket: socket, started: started, sessions: sessions, clients: clients, journal: journal))
        case .resized: return .resized(columns: try r.u16(), rows: try r.u16())
        case .gap: return .gap(lines: try r.u64())
        case .notice: return .notice(try r.string())
        case .clipboard: return .clipboard(selections: try r.string(), base64: try r.string())
        }
    }
}

extension FrameView {
    /// OUTPUT read in place: its offset, and its bytes as a slice of the decoder's buffer, so that
    /// they are copied only to where they go. Nil for any other type; the same errors as
    /// `Message(view)`.
    public func output() throws(Message.DecodingError) -> (offset: UInt64, bytes: ArraySlice<UInt8>)? {
        guard type == MessageType.output.rawValue else { return nil }
        var r = WireReader(payload)
        do {
            let output = try Message.readOutput(from: &r)
            try r.finish()
            return output
        } catch {
            throw .malformed(type, error.reason)
        }
    }
}
