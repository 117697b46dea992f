// The server's state and what each message does to it. Everything here runs on the one event
// loop (docs/server.md), so no locks: NIO calls in on the loop, and other threads come in through
// `ServerDoor`. What a message means for a session is its machine's decision; this file checks
// roles, finds sessions, and hands the machine its event.

import Glibc
import Logging
import MuxPTY
import MuxProtocol
import MuxTerminal
import NIOCore

final class ServerState {
    let loop: EventLoop
    let configuration: ServerConfiguration
    let logger: Logger
    let started = UInt64(time(nil))
    let allocator = ByteBufferAllocator()
    var sessions: [String: Session] = [:]
    /// Sessions in the order of their last use, most recent last (`mux` alone attaches to it).
    var recent: [String] = []
    /// Every connection, in the order they connected.
    var connections: [Connection] = []
    /// Greeted connections by client id: where the sessions' actions are addressed.
    var clients: [String: Connection] = [:]
    var nextClientNumber = 1
    var nextSessionNumber = 0
    var nextSerial: UInt64 = 1
    var shuttingDown = false
    /// Called once the server has stopped everything and may exit.
    var stopped: () -> Void = {}
    private var hasStopped = false
    /// Extra environment for every session (TERM, TERMINFO_DIRS, COLORTERM, MUX_SOCKET).
    var sessionEnvironment: [String: String] = [:]
    /// Sessions' actions waiting to be carried out, in order (see ServerState+Actions.swift).
    var pendingActions: [(Session, SessionMachine.Action)] = []
    var nextPendingAction = 0
    var carryingOut = false
    /// Bytes of backlogged program output parsed in this turn of the loop (ProgramOutput.swift).
    var outputThisTurn = 0
    /// The journal's side on the loop: lost sessions, labels, tickets waiting for the writer.
    var journal = ServerJournal(writer: nil)
    /// Starts and reaps programs: the keeper, or this process when it has none.
    var host: ProgramHost = OwnProgramHost()
    /// Where sessions keep their recovery files (docs/lifecycle.md); nil without a keeper.
    var recoveryDirectory: String?
    /// The keeper, when this server has one.
    var keeper: KeeperControl?
    /// The listening channel (paused while sessions are handed over).
    var listener: Channel?
    /// The client that asked for a restart under way.
    var restartRequester: String?
    /// What came for a session while it was handed over (a program's exit, a reader's end, a
    /// session's timer): carried out if the restart is rolled back, once the session is this
    /// server's again.
    var heldBackDuringHandover: [() -> Void] = []
    /// The sessions were handed to a new server: leave the socket and the programs alone.
    var handedOver = false
    /// Let go of the journal for a new server, and take it back after a failed restart.
    var releaseJournal: () -> Void = {}
    var retakeJournal: () -> Void = {}
    /// Sessions (by serial) whose dropped hyperlinks were logged: once per session.
    var loggedHyperlinkCap: Set<UInt64> = []

    init(loop: EventLoop, configuration: ServerConfiguration, logger: Logger) {
        self.loop = loop
        self.configuration = configuration
        self.logger = logger
    }

    // MARK: connections

    func connected(_ connection: Connection) {
        loop.preconditionInEventLoop()
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
        // A client that has not said HELLO by then is gone or hostile: a connection held open one
        // byte at a time must not cost the server a descriptor for ever.
        // (Weakly: a connection that has gone must not be kept for the timeout's length.)
        loop.assumeIsolated().scheduleTask(in: Self.handshakeTimeout) { [self, weak connection] in
            guard let connection, !connection.greeted, !connection.closing,
                connections.contains(where: { $0 === connection })
            else { return }
            logger.info(
                "dropped a connection that sent no HELLO within \(Self.handshakeTimeout.nanoseconds / 1_000_000_000) s")
            connection.fail(.handshakeRequired, "no HELLO within the handshake timeout", closing: true)
        }
    }

    /// How long a new connection has to send HELLO.
    static let handshakeTimeout = TimeAmount.seconds(5)

    func disconnected(_ connection: Connection, pendingBytes: Int) {
        if pendingBytes > 0 {
            logger.info("client \(connection.clientID) left in the middle of a frame (\(pendingBytes) bytes)")
        }
        connection.closing = true
        // During a handover the sessions are not touched (a detach could resize a program).
        if let session = connection.session, !handingOver {
            perform(session, .detach(connection.clientID, acknowledge: false))
        }
        connections.removeAll { $0 === connection }
        if connection.greeted, clients[connection.clientID] === connection { clients[connection.clientID] = nil }
    }

    /// NIO says the connection's socket takes writes again, or stopped taking them.
    func writabilityChanged(_ connection: Connection) {
        guard let session = connection.session else { return }
        let id = connection.clientID
        perform(session, connection.channel.isWritable ? .writable(id) : .blocked(id))
    }

    // MARK: messages

    func handle(_ message: Message, from client: Connection) {
        if case .hello(let version, let role, let clientID, let columns, let rows, let term, let width, let height) =
            message
        {
            hello(client, version: version, role: role, clientID: clientID, columns: columns, rows: rows, term: term)
            client.pixels = .init(width: width, height: height)
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
        if handingOver { return }
        if handleJournaled(message, from: client) { return }
        let id = client.clientID
        switch message {
        case .hello: break
        case .list:
            client.send(.sessions(listed()))
        case .status:
            client.send(
                .serverStatus(
                    ServerStatus(
                        pid: UInt32(getpid()), socket: configuration.socketPath, started: started,
                        sessions: UInt16(sessions.count), clients: connections.filter(\.greeted).map(\.status),
                        journal: journalStatus())))
        case .create(let request):
            guard requireControl(client) else { return }
            create(request, for: client)
        case .attach(let name, let asHolder, let history, let since, let lossy):
            attach(client, to: name, asHolder: asHolder, history: Int(history), since: since, lossy: lossy)
        case .detach:
            guard let session = client.session else { return client.fail(.invalidArgument, "not attached") }
            perform(session, .detach(id, acknowledge: true))
        case .input(let bytes):
            guard let session = client.session else { return client.fail(.invalidArgument, "not attached") }
            guard requireControl(client, "an observer may not type or resize") else { return }
            perform(session, .input(from: id, bytes: bytes, force: false, acknowledge: false))
        case .resize(let columns, let rows, let width, let height):
            client.columns = columns
            client.rows = rows
            client.pixels = .init(width: width, height: height)
            guard let session = client.session else { return }
            guard requireControl(client, "an observer may not type or resize") else { return }
            perform(
                session,
                .resize(
                    by: id, columns: columns, rows: rows, force: false, acknowledge: false, pixels: client.pixels))
        case .refresh:
            guard let session = client.session else { return client.fail(.invalidArgument, "not attached") }
            perform(session, .refresh(id))
        case .kill(let name, let signal):
            guard requireControl(client), let session = find(name, for: client) else { return }
            // Signal 0 collects an exited program's status (`mux wait --exit`) instead.
            perform(session, signal == 0 ? .collect(requester: id) : .kill(signal: signal, requester: id))
        case .resizeSession(let name, let columns, let rows, let force):
            guard requireControl(client), let session = running(name, for: client) else { return }
            perform(session, .resize(by: id, columns: columns, rows: rows, force: force, acknowledge: true))
        case .send(let name, let items, let force):
            guard requireControl(client), let session = running(name, for: client) else { return }
            handOn(session)  // keys are encoded by the modes the program has set so far
            var bytes: [UInt8] = []
            for item in items {
                switch item {
                case .text(let text): bytes += session.emulator.terminal.sendBytes(text: text)
                case .key(let key):
                    guard let encoded = session.emulator.terminal.keyBytes(named: key) else {
                        return client.fail(.invalidArgument, "unknown key \(key) (see `mux send --help`)")
                    }
                    bytes += encoded
                }
            }
            touch(session)
            // One request, one write: the PTY channel takes it as one buffer, so no other input
            // (another SEND, a holder's typing, a query's answer) lands inside it.
            perform(session, .input(from: id, bytes: bytes, force: force, acknowledge: true))
        case .capture(let name, let format, let history):
            guard let session = find(name, for: client) else { return }
            handOn(session)
            let terminal = session.emulator.terminal
            let text =
                switch format {
                case .text: terminal.renderText(history: Int(history))
                case .ansi: terminal.renderANSI(history: Int(history))
                case .json: terminal.renderJSON(history: Int(history)) + "\n"
                }
            client.send(.captured(text))
        case .leaseTake(let name, let taker):
            guard requireControl(client), let session = running(name, for: client) else { return }
            perform(session, .takeLease(taker.isEmpty ? nil : taker, requester: id))
        case .leaseRelease(let name, let holder):
            guard requireControl(client), let session = running(name, for: client) else { return }
            perform(session, .releaseLease(holder.isEmpty ? nil : holder, requester: id))
        case .leaseStatus(let name):
            guard let session = find(name, for: client) else { return }
            client.send(.leaseState(session: session.name, holders: session.machine.lease.stack.reversed()))
        case .rename(let name, let newName):
            guard requireControl(client), let session = find(name, for: client) else { return }
            rename(session, to: newName, for: client)
        case .label:
            break  // handleJournaled answered it
        case .shutdown:
            guard requireControl(client) else { return }
            client.send(.done)
            shutDown(reason: "mux server stop")
        case .restart(let executable):
            guard requireControl(client) else { return }
            restart(executable, for: client)
        case .welcome, .error, .attached, .snapshot, .output, .lease, .exited, .sessions, .created, .done, .captured,
            .leaseState, .serverStatus, .resized, .gap, .notice, .clipboard:
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
            repeat {
                id = "c\(nextClientNumber)"
                nextClientNumber += 1
            } while clients[id] != nil
        } else if clients[id] != nil {
            return client.fail(.invalidArgument, "client id \(id) is already connected", closing: true)
        }
        client.clientID = id
        client.role = role
        client.columns = max(columns, 1)
        client.rows = max(rows, 1)
        client.term = term
        client.greeted = true
        clients[id] = client
        client.send(.welcome(version: ProtocolVersion.current, clientID: id, serverPID: UInt32(getpid())))
    }

    /// Everything has stopped: the server may exit (once, whichever comes first: the last session
    /// ending or the deadline).
    func onShutdown() {
        guard !hasStopped else { return }
        hasStopped = true
        stopped()
    }

    // MARK: helpers

    private func requireControl(
        _ client: Connection, _ refusal: String = "an observer may only list, capture and attach read-only"
    ) -> Bool {
        guard client.role == .control else {
            client.fail(.roleForbidden, refusal)
            return false
        }
        return true
    }

    /// The session `name` names: exactly, else as the unique prefix of one name (tmux's habit);
    /// empty is the most recently used one. Fails the request otherwise.
    func find(_ name: String, for client: Connection) -> Session? {
        if name.isEmpty {
            // The most recently used session whose program still runs, else the most recent.
            guard let last = recent.last(where: { sessions[$0]?.machine.isLive == true }) ?? recent.last,
                let session = sessions[last]
            else {
                client.fail(.sessionNotFound, "there are no sessions; start one with `mux new`")
                return nil
            }
            return session
        }
        if let session = sessions[name] { return session }
        let matches = sessions.keys.filter { $0.hasPrefix(name) }.sorted()
        guard matches.count == 1, let session = sessions[matches[0]] else {
            client.fail(
                .sessionNotFound,
                matches.isEmpty
                    ? "no session named \(name)"
                    : "\(name) is the start of several sessions' names (\(matches.joined(separator: ", "))): "
                        + "give more of it")
            return nil
        }
        return session
    }

    /// RENAME: the session takes `newName`, in the dictionary by name, the recency list and its machine.
    func rename(_ session: Session, to newName: String, for client: Connection) {
        guard SessionName.isValid(newName) else { return client.fail(.invalidArgument, SessionName.rule) }
        let oldName = session.name
        guard newName != oldName else { return client.send(.done) }
        guard sessions[newName] == nil, journal.lost[newName] == nil else {
            return client.fail(.sessionExists, "a session named \(newName) exists")
        }
        sessions[oldName] = nil
        sessions[newName] = session
        recent = recent.map { $0 == oldName ? newName : $0 }
        logger.info("session \(oldName): renamed \(newName)")
        perform(session, .rename(newName, requester: client.clientID))
        host.retag(session.process, session.tag)
        journalRenamed(session)
    }

    func running(_ name: String, for client: Connection) -> Session? {
        guard let session = find(name, for: client) else { return nil }
        guard session.machine.isLive else {
            client.fail(.sessionExited, "session \(session.name) has exited; `mux kill \(session.name)` removes it")
            return nil
        }
        return session
    }

    func touch(_ session: Session) {
        recent.removeAll { $0 == session.name }
        recent.append(session.name)
    }

    func byCreation() -> [Session] {
        sessions.values.sorted { $0.created != $1.created ? $0.created < $1.created : $0.name < $1.name }
    }
}
