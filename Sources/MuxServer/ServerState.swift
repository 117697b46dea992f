// The server's state and what each message does to it. Everything here runs on the one event
// loop (docs/server.md), so no locks: NIO calls in, and callbacks from other threads hop over.

import Glibc
import Logging
import MuxPTY
import MuxProtocol
import MuxTerminal
import NIOCore
import NIOPosix

final class ServerState: @unchecked Sendable {
    let loop: EventLoop
    let configuration: ServerConfiguration
    let logger: Logger
    let started = UInt64(time(nil))
    var sessions: [String: Session] = [:]
    /// Sessions in the order of their last use, most recent last (`mux` alone attaches to it).
    var recent: [String] = []
    var connections: [Connection] = []
    var nextClientNumber = 1
    var nextSessionNumber = 0
    var shuttingDown = false
    /// Called once the server has stopped everything and may exit.
    var onShutdown: () -> Void = {}
    /// Extra environment for every session (TERM, TERMINFO_DIRS, COLORTERM, MUX_SOCKET).
    var sessionEnvironment: [String: String] = [:]

    init(loop: EventLoop, configuration: ServerConfiguration, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: connections

    func connected(_ connection: Connection) {
        if shuttingDown {
            connection.fail(.shuttingDown, "the server is shutting down", closing: true)
            return
        }
        guard connection.peerUID == getuid() else {
            logger.warning("refused a connection from user \(connection.peerUID) (pid \(connection.peerPID))")
            connection.fail(
                .permissionDenied, "this server belongs to user \(getuid()); you are user \(connection.peerUID)",
                closing: true)
            return
        }
        connections.append(connection)
    }

    func disconnected(_ connection: Connection, pendingBytes: Int) {
        if pendingBytes > 0 {
            logger.info("client \(connection.clientID) left in the middle of a frame (\(pendingBytes) bytes)")
        }
        connection.closing = true
        connection.session?.detach(connection)
        connections.removeAll { $0 === connection }
    }

    // MARK: messages

    func handle(_ message: Message, from client: Connection) {
        if case .hello(let version, let role, let clientID, let columns, let rows, let term) = message {
            hello(client, version: version, role: role, clientID: clientID, columns: columns, rows: rows, term: term)
            return
        }
        guard client.greeted else {
            client.fail(.handshakeRequired, "send HELLO first", closing: true)
            return
        }
        if shuttingDown {
            client.fail(.shuttingDown, "the server is shutting down")
            return
        }
        switch message {
        case .hello: break
        case .list:
            client.send(.sessions(byCreation().map(\.summary)))
        case .status:
            client.send(
                .serverStatus(
                    ServerStatus(
                        pid: UInt32(getpid()), socket: configuration.socketPath, started: started,
                        sessions: UInt16(sessions.count), clients: connections.filter(\.greeted).map(\.status))))
        case .create(let request):
            guard requireControl(client) else { return }
            create(request, for: client)
        case .attach(let name, let asHolder, let history, let since, let lossless):
            attach(client, to: name, asHolder: asHolder, history: Int(history), since: since, lossless: lossless)
        case .detach:
            guard let session = client.session else { return client.fail(.invalidArgument, "not attached") }
            session.detach(client)
            client.send(.done)
        case .input(let bytes):
            guard let session = client.session else { return client.fail(.invalidArgument, "not attached") }
            guard mayType(client, in: session, force: false) else { return }
            session.writeToProgram(bytes)
        case .resize(let columns, let rows):
            client.columns = columns
            client.rows = rows
            guard let session = client.session else { return }
            guard mayType(client, in: session, force: false) else { return }
            session.resize(columns: columns, rows: rows)
        case .refresh:
            guard client.session != nil else { return client.fail(.invalidArgument, "not attached") }
            client.outbox.requireSnapshot()
            client.pump()
        case .kill(let name, let signal):
            guard requireControl(client), let session = find(name, for: client) else { return }
            kill(session, signal: signal, for: client)
        case .resizeSession(let name, let columns, let rows, let force):
            guard requireControl(client), let session = running(name, for: client) else { return }
            guard columns > 0, rows > 0 else { return client.fail(.invalidArgument, "a size needs columns and rows") }
            guard mayType(client, in: session, force: force) else { return }
            session.resize(columns: columns, rows: rows)
            client.send(.done)
        case .send(let name, let items, let force):
            guard requireControl(client), let session = running(name, for: client) else { return }
            guard mayType(client, in: session, force: force) else { return }
            var bytes: [UInt8] = []
            for item in items {
                switch item {
                case .text(let text): bytes += Array(text.utf8)
                case .key(let key):
                    guard let encoded = session.emulator.terminal.keyBytes(named: key) else {
                        return client.fail(.invalidArgument, "unknown key \(key) (see `mux send --help`)")
                    }
                    bytes += encoded
                }
            }
            session.writeToProgram(bytes)
            touch(session)
            client.send(.done)
        case .capture(let name, let format, let history):
            guard let session = find(name, for: client) else { return }
            session.handOn()
            let terminal = session.emulator.terminal
            let text =
                switch format {
                case .text: terminal.renderText()
                case .ansi: terminal.renderANSI()
                case .json: terminal.renderJSON(history: Int(history)) + "\n"
                }
            client.send(.captured(text))
        case .leaseTake(let name, let id):
            guard requireControl(client), let session = running(name, for: client) else { return }
            let taker = id.isEmpty ? defaultTaker(in: session) : id
            guard let taker, session.clients.contains(where: { $0.clientID == taker && $0.role == .control }) else {
                return client.fail(
                    .invalidArgument,
                    id.isEmpty
                        ? "no attached client of session \(name) is waiting for the lease; name one with --client"
                        : "client \(id) is not attached to session \(name) as a control client")
            }
            session.leaseChanged(session.lease.take(taker))
            client.send(.leaseState(session: name, holders: session.lease.stack.reversed()))
        case .leaseRelease(let name, let id):
            guard requireControl(client), let session = running(name, for: client) else { return }
            let releaser = id.isEmpty ? session.lease.holder : id
            if let releaser { session.leaseChanged(session.lease.release(releaser)) }
            client.send(.leaseState(session: name, holders: session.lease.stack.reversed()))
        case .leaseStatus(let name):
            guard let session = find(name, for: client) else { return }
            client.send(.leaseState(session: name, holders: session.lease.stack.reversed()))
        case .shutdown:
            guard requireControl(client) else { return }
            client.send(.done)
            shutDown(reason: "mux server stop")
        case .welcome, .error, .attached, .snapshot, .output, .lease, .exited, .sessions, .created, .done, .captured,
            .leaseState, .serverStatus, .resized:
            client.fail(.unknownMessage, "message 0x\(String(message.type, radix: 16)) goes from server to client")
        }
    }

    private func hello(
        _ client: Connection, version: UInt16, role: Role, clientID: String, columns: UInt16, rows: UInt16,
        term: String
    ) {
        guard !client.greeted else { return client.fail(.invalidArgument, "HELLO was already sent") }
        guard version == ProtocolVersion.current else {
            return client.fail(
                .protocolVersion,
                "this server speaks protocol \(ProtocolVersion.current), the client \(version): "
                    + "restart the server with `mux server stop` after upgrading", closing: true)
        }
        var id = clientID
        if id.isEmpty {
            id = "c\(nextClientNumber)"
            nextClientNumber += 1
        } else if connections.contains(where: { $0.greeted && $0.clientID == id }) {
            return client.fail(.invalidArgument, "client id \(id) is already connected", closing: true)
        }
        client.clientID = id
        client.role = role
        client.columns = max(columns, 1)
        client.rows = max(rows, 1)
        client.term = term
        client.greeted = true
        client.send(.welcome(version: ProtocolVersion.current, clientID: id, serverPID: UInt32(getpid())))
    }

    // MARK: helpers

    private func requireControl(_ client: Connection) -> Bool {
        guard client.role == .control else {
            client.fail(.roleForbidden, "an observer may only list, capture and attach read-only")
            return false
        }
        return true
    }

    /// Whether `client` may type into or resize `session`, refusing it with the right code.
    private func mayType(_ client: Connection, in session: Session, force: Bool) -> Bool {
        guard client.role == .control else {
            client.fail(.roleForbidden, "an observer may not type or resize")
            return false
        }
        if let holder = session.lease.holder, holder != client.clientID, !force {
            client.fail(
                .leaseRequired,
                "client \(holder) holds the lease of session \(session.name); take it with `mux lease take "
                    + "\(session.name)` (or pass --force)")
            return false
        }
        return true
    }

    func find(_ name: String, for client: Connection) -> Session? {
        let resolved = name.isEmpty ? recent.last : name
        guard let resolved, let session = sessions[resolved] else {
            client.fail(
                .sessionNotFound,
                name.isEmpty ? "there are no sessions; start one with `mux new`" : "no session named \(name)")
            return nil
        }
        return session
    }

    private func running(_ name: String, for client: Connection) -> Session? {
        guard let session = find(name, for: client) else { return nil }
        guard session.isRunning else {
            client.fail(.sessionExited, "session \(session.name) has exited; `mux kill \(session.name)` removes it")
            return nil
        }
        return session
    }

    /// The newest attached control client that does not hold the lease.
    private func defaultTaker(in session: Session) -> String? {
        session.clients.last { $0.role == .control && $0.clientID != session.lease.holder }?.clientID
    }

    func touch(_ session: Session) {
        recent.removeAll { $0 == session.name }
        recent.append(session.name)
    }

    func byCreation() -> [Session] {
        sessions.values.sorted { $0.created != $1.created ? $0.created < $1.created : $0.name < $1.name }
    }
}
