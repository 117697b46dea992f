// Bad input on the socket: each bad connection ends with the right error, and a client watching
// the same session sees no interruption. And sockets that are not ours, or dead.

import Glibc
import MuxClient
import MuxProtocol
import MuxSystem
import Testing

/// A raw socket to the server, for writing what no well-behaved client would.
struct RawClient {
    let fd: Int32

    init(_ server: TestServer) throws {
        fd = try UnixSocket.connect(to: server.socket)
    }

    func write(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
    }

    func hello() throws {
        write(
            Message.hello(
                version: ProtocolVersion.current, role: .control, clientID: "", columns: 80, rows: 24, term: ""
            )
            .frame().encoded())
    }

    /// Every frame the server sends until it closes the connection (or 10 s pass).
    func readUntilClosed() -> [Message] {
        var decoder = FrameDecoder()
        var messages: [Message] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = now() + 10
        while now() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, 100) >= 0 else { break }
            if p.revents == 0 { continue }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            decoder.append(buffer[..<n])
            while let frame = try? decoder.next(), let message = try? Message(frame) { messages.append(message) }
        }
        close(fd)
        return messages
    }
}

@Suite(.serialized) struct BadClientTests {
    static let cases: [(String, [UInt8], ErrorCode?, Bool)] = [
        // name, bytes after HELLO, the error expected, whether HELLO is sent first
        ("a length with no room for the type", [0, 0, 0, 1, 0], .badFrame, true),
        ("a frame over the size limit", [0, 0x20, 0, 0, 0, 3], .frameTooLarge, true),
        ("an unknown message type", Frame(type: 0x0777, payload: []).encoded(), .unknownMessage, true),
        ("a malformed payload", Frame(type: 0x0004, payload: [0, 80]).encoded(), .badFrame, true),
        ("a request before HELLO", Message.list.frame().encoded(), .handshakeRequired, false),
        (
            "another protocol version",
            Message.hello(version: 99, role: .control, clientID: "", columns: 80, rows: 24, term: "").frame().encoded(),
            .protocolVersion, false
        ),
        ("a truncated frame, then the client vanishes", [0, 0, 0, 40, 0, 3, 1, 2], nil, true),
    ]

    @Test func badConnectionsEndAloneWithTheRightError() throws {
        let server = try TestServer()
        try server.newSession("b", "PS1='$ ' exec /bin/sh")
        let watcher = try server.connect(role: .observer)
        try watcher.send(.attach(session: "b", asHolder: false, historyLines: 0, since: nil, lossy: true))
        _ = try watcher.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        for (index, (name, bytes, expected, greet)) in Self.cases.enumerated() {
            let raw = try RawClient(server)
            if greet { try raw.hello() }
            raw.write(bytes)
            if let expected {
                let messages = raw.readUntilClosed()
                let errors = messages.compactMap { if case .error(let code, _) = $0 { code } else { nil } }
                #expect(errors == [expected], "\(name): \(messages)")
            } else {
                close(raw.fd)
            }
            // The session and its other client carry on.
            try server.ok(["send", "b", "--", "m\(index)"])
            let seen = try watcher.receive(until: {
                if case .output(_, let out) = $0 {
                    String(decoding: out, as: UTF8.self).contains("\(index)")
                } else {
                    false
                }
            })
            #expect(
                seen.contains { if case .output = $0 { true } else { false } },
                "\(name): the watcher saw nothing after it")
        }
        #expect(try server.ok(["ls"]).contains("clients=1"))
    }

    @Test func aStaleSocketIsReplacedAndALiveOneIsNotStolen() throws {
        let server = try TestServer()
        // A socket file nothing listens on, as a crashed server leaves it.
        #expect(makeDeadSocket(at: server.socket))
        #expect(SocketProbe.probe(server.socket) == .stale)
        try server.newSession("fresh", "exec cat")
        #expect(try server.ok(["ls"]).contains("fresh"))
        let second = try server.mux(["server", "start", "--foreground"])
        #expect(second.status != 0 && second.stderr.contains("already running"))
        #expect(try server.ok(["ls"]).contains("fresh"))
    }

    // Making a file another user's needs root.
    @Test(.enabled(if: getuid() == 0)) func anotherUsersSocketIsNeverUsed() throws {
        let server = try TestServer()
        let foreign = server.directory + "/foreign.sock"
        #expect(makeDeadSocket(at: foreign))
        #expect(lchown(foreign, 65534, 65534) == 0)
        let result = try runMux(["ls", "--socket", foreign])
        #expect(result.status != 0)
        #expect(result.stderr.contains("belongs to user 65534"))
        #expect(access(foreign, F_OK) == 0, "it must not be removed either")
    }

    // Connecting as another user needs root and setpriv; python3 writes the raw connection.
    @Test(.enabled(if: getuid() == 0 && access("/usr/bin/setpriv", X_OK) == 0 && access("/usr/bin/python3", X_OK) == 0))
    func anotherUsersConnectionIsRefusedByTheServer() throws {
        let server = try TestServer()
        try server.newSession("mine", "exec cat")
        // Let user 65534 reach the socket, then connect as that user without mux's own check.
        chmod(server.directory, 0o711)
        chmod(server.socket, 0o666)
        let script = """
            import socket, struct
            s = socket.socket(socket.AF_UNIX); s.connect('\(server.socket)')
            data = b''
            while True:
                chunk = s.recv(4096)
                if not chunk: break
                data += chunk
            code = struct.unpack('>H', data[6:8])[0] if len(data) >= 8 else 0
            print(code, data[12:].decode(errors='replace'))
            """
        let result = try runProgram([
            "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script,
        ])
        #expect(result.stdout.hasPrefix("\(ErrorCode.permissionDenied.rawValue) "), "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("belongs to user 0"))
        #expect(try server.ok(["ls"]).contains("mine"))
    }
}

/// Binds a Unix socket at `path` and closes it: a socket file that nothing listens on.
func makeDeadSocket(at path: String) -> Bool {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8)
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    } == 0
}
