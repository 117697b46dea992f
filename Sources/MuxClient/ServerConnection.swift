// A client's connection to the server: blocking frames in and out, the handshake, and starting
// the server when none answers (waiting for it to say it is ready, never for a fixed time).

import Glibc
import MuxProtocol
import MuxSystem

/// An error to show the user: one line naming the problem and what to do.
public struct ClientError: Error, CustomStringConvertible {
    /// What the client found by itself that a command may act on.
    public enum Kind: Sendable {
        /// Nothing answers on the socket, and this command does not start a server.
        case noServer
        /// Reading or writing the connection failed (ECONNRESET, EPIPE, ...): the server's
        /// process went away.
        case connectionLost
    }

    public let description: String
    /// The wire code when the server refused a request.
    public let code: ErrorCode?
    public let kind: Kind?

    public init(_ description: String, code: ErrorCode? = nil, kind: Kind? = nil) {
        self.description = description
        self.code = code
        self.kind = kind
    }
}

/// What HELLO says about this client.
public struct ClientIdentity: Sendable {
    public var role: Role
    public var clientID: String
    public var columns: UInt16
    public var rows: UInt16
    public var term: String
    /// The terminal in pixels (TIOCGWINSZ's ws_xpixel and ws_ypixel); 0 when unknown.
    public var pixelWidth: UInt16 = 0
    public var pixelHeight: UInt16 = 0

    public init(role: Role, clientID: String = "", columns: UInt16 = 80, rows: UInt16 = 24, term: String = "") {
        self.role = role
        self.clientID = clientID
        self.columns = columns
        self.rows = rows
        self.term = term
    }
}

public final class ServerConnection {
    public let descriptor: Int32
    public let socketPath: String
    public private(set) var clientID = ""
    public private(set) var serverPID: UInt32 = 0
    /// What HELLO said (the id asked for, not the one WELCOME gave: that is `clientID`).
    public private(set) var identity: ClientIdentity?
    private var welcomePending = false
    /// Also the socket's read buffer: `readMore` reads into it (see `nextBufferedInPlace`).
    private var decoder = FrameDecoder()

    init(descriptor: Int32, socketPath: String) {
        self.descriptor = descriptor
        self.socketPath = socketPath
    }

    deinit { close(descriptor) }

    /// Connects to the server on `socket`, starting one if none answers and `start` is set,
    /// and says HELLO. The WELCOME is read with the first answer, so that a one-request command
    /// costs one round trip.
    public static func open(socket: String, identity: ClientIdentity, start: Bool = true) throws -> ServerConnection {
        let connection = try ServerConnection(
            descriptor: connectOrStart(socket: socket, start: start), socketPath: socket)
        try connection.send(
            .hello(
                version: ProtocolVersion.current, role: identity.role, clientID: identity.clientID,
                columns: identity.columns, rows: identity.rows, term: identity.term, pixelWidth: identity.pixelWidth,
                pixelHeight: identity.pixelHeight))
        connection.welcomePending = true
        connection.identity = identity
        return connection
    }

    /// Reads the WELCOME that answers HELLO, if it has not been read yet.
    private func readWelcome() throws {
        guard welcomePending else { return }
        welcomePending = false
        switch try receiveFrame() {
        case .welcome(_, let id, let pid):
            clientID = id
            serverPID = pid
        case .error(let code, let text):
            throw ClientError(text, code: code)
        case let other:
            throw ClientError("the server answered HELLO with message 0x\(String(other.type, radix: 16))")
        }
    }

    /// This client's id, as the server knows it (reads the WELCOME if needed).
    public func identify() throws -> String {
        try readWelcome()
        return clientID
    }

    private static func connectOrStart(socket: String, start: Bool) throws -> Int32 {
        switch SocketProbe.owner(socket) {
        case .foreign(let uid):
            throw ClientError("\(socket) belongs to user \(uid), not to you; use your own with --socket")
        case .notASocket:
            throw ClientError("\(socket) exists and is not a socket; remove it or use another with --socket")
        default:
            break
        }
        let firstTry = Result { () throws(SystemError) -> Int32 in try UnixSocket.connect(to: socket) }
        switch firstTry {
        case .success(let descriptor):
            return descriptor
        case .failure(let error):
            guard error.errorNumber == ENOENT || error.errorNumber == ECONNREFUSED else {
                throw ClientError("cannot reach the server: \(error)")
            }
            guard start else { throw ClientError("no server is running on \(socket)", kind: .noServer) }
        }
        try ServerLauncher.start(socket: socket)
        do {
            return try UnixSocket.connect(to: socket)
        } catch {
            throw ClientError("the server started but does not answer on \(socket): \(error)")
        }
    }

    public func send(_ message: Message) throws {
        do {
            try writeAll(descriptor, message.frame().encoded())
        } catch {
            throw ClientError("lost the server: \(error)", kind: .connectionLost)
        }
    }

    /// The next message, blocking. The server closing the connection is an error.
    public func receive() throws -> Message {
        try readWelcome()
        return try receiveFrame()
    }

    private func receiveFrame() throws -> Message {
        while true {
            if let message = try nextBuffered() { return message }
            guard try readMore() else { throw ClientError("the server closed the connection") }
        }
    }

    /// A message already read, if any; does not block. (Call `identify()` or `receive()` once
    /// first, so that the WELCOME is not among them.)
    public func nextBuffered() throws -> Message? {
        switch try nextBufferedInPlace() {
        case nil: nil
        case .output(let offset, let bytes): .output(offset: offset, bytes: Array(bytes))
        case .message(let message): message
        }
    }

    /// The next message already read whole, without blocking, the WELCOME that answers HELLO
    /// first taken in (an ERROR in its place is thrown, with its code): for a client that waits
    /// for the answer in a poll loop of its own, with `readMore` when the socket is readable.
    public func nextAnswer() throws -> Message? {
        if welcomePending {
            switch try nextBuffered() {
            case nil:
                return nil
            case .welcome(_, let id, let pid):
                welcomePending = false
                clientID = id
                serverPID = pid
            case .error(let code, let text):
                welcomePending = false
                throw ClientError(text, code: code)
            case let other?:
                throw ClientError("the server answered HELLO with message 0x\(String(other.type, radix: 16))")
            }
        }
        return try nextBuffered()
    }

    /// A message already read, as `nextBuffered`, with OUTPUT's bytes left where `readMore` put
    /// them: the one copy they need is the caller's, to where they go.
    public func nextBufferedInPlace() throws -> Received? {
        do {
            guard let frame = try decoder.nextView() else { return nil }
            if let (offset, bytes) = try frame.output() { return .output(offset: offset, bytes: bytes) }
            return .message(try Message(frame))
        } catch {
            throw ClientError("the server sent a bad frame: \(error)")
        }
    }

    /// What `nextBufferedInPlace` hands out.
    public enum Received {
        /// OUTPUT; its bytes are a slice of the read buffer, to be used before the next `readMore`
        /// (which would otherwise copy the buffer to keep them).
        case output(offset: UInt64, bytes: ArraySlice<UInt8>)
        /// Any other message.
        case message(Message)
    }

    /// Reads what the socket has (blocking until something); false at end of stream.
    public func readMore() throws -> Bool {
        let socket = descriptor
        while true {
            let n = decoder.readIn { read(socket, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return false }
                throw ClientError("lost the server: \(SystemError("read"))", kind: .connectionLost)
            }
            if n == 0 { return false }
            return true
        }
    }

    /// Sends a request and returns its answer, turning an ERROR into a thrown `ClientError`.
    public func request(_ message: Message) throws -> Message {
        try send(message)
        let answer = try receive()
        if case .error(let code, let text) = answer { throw ClientError(text, code: code) }
        return answer
    }
}

/// Starting a server in the background.
public enum ServerLauncher {
    /// Whether a server is started under a keeper (`mux keeper`, docs/lifecycle.md) when
    /// `MUX_KEEPER` does not say: `MUX_KEEPER=0` starts the server alone, `MUX_KEEPER=1` under a
    /// keeper (the default: sessions then survive a crash of the server).
    public static let keeperByDefault = true

    /// Whether `start` puts a keeper between the starting command and the server.
    public static var startsKeeper: Bool {
        guard let value = getenv("MUX_KEEPER") else { return keeperByDefault }
        switch String(cString: value) {
        case "0": return false
        case "1": return true
        default: return keeperByDefault
        }
    }

    /// Starts `mux server start --foreground` detached (its own session, output to /dev/null, its
    /// log beside the socket), under `mux keeper` when `startsKeeper`, and waits until the server
    /// says it is listening, or why it could not (the keeper passes the server's line on).
    /// - Parameter executable: the mux to start; this program by default.
    public static func start(
        socket: String, logLevel: String? = nil, outboxBytes: Int? = nil, exitedLimit: Int? = nil,
        exitedMaxAge: Int? = nil, holderStallLimit: Double? = nil, extraArguments: [String] = [],
        executable: String = executablePath()
    ) throws {
        let ready: (read: Int32, write: Int32)
        do {
            ready = try makePipe()
        } catch {
            throw ClientError("cannot start the server: no pipe")
        }
        defer { close(ready.read) }
        var server = [executable, "server", "start", "--foreground", "--socket", socket]
        if let logLevel { server += ["--log-level", logLevel] }
        if let outboxBytes { server += ["--outbox-bytes", "\(outboxBytes)"] }
        if let exitedLimit { server += ["--exited-limit", "\(exitedLimit)"] }
        if let exitedMaxAge { server += ["--exited-max-age", "\(exitedMaxAge)"] }
        if let holderStallLimit { server += ["--holder-stall-limit", "\(holderStallLimit)"] }
        server += extraArguments
        // The keeper adds --ready-fd (and --keeper-fd) to the server's line itself.
        let arguments =
            startsKeeper
            ? [executable, "keeper", "--socket", socket, "--ready-fd", "3", "--"] + server
            : server + ["--ready-fd", "3"]
        let spawned = Result { () throws(SystemError) in
            try spawnProgram(arguments, descriptors: [3: .duplicate(ready.write)], newSession: true)
        }
        close(ready.write)
        let pid: pid_t
        switch spawned {
        case .success(let started): pid = started
        case .failure(let error): throw ClientError("cannot start the server \(arguments[0]): \(error)")
        }
        let answer = (try? readAll(ready.read)) ?? []
        // The server (or keeper) is reaped by init once we are gone; reap it now if it already failed.
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
        switch ServerReadiness(received: answer) {
        case .ready:
            return
        case .failed(let failure) where failure.kind == .alreadyRunning:
            return  // another command started it first
        case .failed(let failure):
            throw ClientError(failure.description)
        case nil:
            throw ClientError("the server exited before it was ready (see \(socket).log)")
        }
    }

    /// This program, for starting the server as a child.
    public static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return "mux" }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
