// The connection handler on NIO's EmbeddedChannel: frames in any chunking, the replies and their
// order, and what a bad frame costs (the connection, with a clear error first).

import Glibc
import Logging
import MuxProtocol
import NIOCore
import NIOEmbedded
import Testing

@testable import MuxServer

/// A server state and one client connection to it, on an embedded channel.
private final class EmbeddedClient {
    let channel: EmbeddedChannel
    let state: ServerState
    private var decoder = FrameDecoder()

    init() throws {
        let loop = EmbeddedEventLoop()
        channel = EmbeddedChannel(loop: loop)
        state = ServerState(
            loop: loop, configuration: ServerConfiguration(socketPath: "/nonexistent/mux.sock", logLevel: .critical),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let connection = Connection(channel: channel, peerUID: getuid(), peerPID: 1)
        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(server: state, connection: connection))
        try channel.connect(to: SocketAddress(unixDomainSocketPath: "/nonexistent/mux.sock")).wait()
    }

    /// Sends `messages` as one write, or one byte per write.
    func send(_ messages: [Message], byteByByte: Bool = false) throws {
        let bytes = messages.flatMap { $0.frame().encoded() }
        try send(bytes: bytes, byteByByte: byteByByte)
    }

    func send(bytes: [UInt8], byteByByte: Bool = false) throws {
        if byteByByte {
            for byte in bytes { try channel.writeInbound(channel.allocator.buffer(bytes: [byte])) }
        } else {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        }
    }

    /// Everything the server wrote so far, as messages.
    func replies() throws -> [Message] {
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            decoder.append(Array(buffer.readableBytesView))
        }
        var messages: [Message] = []
        while let frame = try decoder.next() { messages.append(try Message(frame)) }
        return messages
    }

    var isOpen: Bool { channel.isActive }
}

private let hello = Message.hello(
    version: ProtocolVersion.current, role: .control, clientID: "me", columns: 80, rows: 24, term: "xterm")

private func code(_ message: Message?) -> ErrorCode? {
    if case .error(let code, _) = message { return code }
    return nil
}

@Suite struct ConnectionHandlerTests {
    @Test(arguments: [false, true])
    func repliesComeInTheOrderOfTheRequestsHoweverTheBytesArrive(byteByByte: Bool) throws {
        let client = try EmbeddedClient()
        try client.send([hello, .list, .leaseStatus(session: "nope"), .status], byteByByte: byteByByte)
        let replies = try client.replies()
        #expect(replies.count == 4)
        #expect(
            replies.first == .welcome(version: ProtocolVersion.current, clientID: "me", serverPID: UInt32(getpid())))
        #expect(replies.dropFirst().first == .sessions([]))
        #expect(code(replies.dropFirst(2).first) == .sessionNotFound)
        guard case .serverStatus(let status) = replies.last else {
            Issue.record("the last reply is \(String(describing: replies.last))")
            return
        }
        #expect(status.clients.map(\.clientID) == ["me"])
        #expect(client.isOpen)
    }

    @Test func anythingBeforeHelloEndsTheConnection() throws {
        let client = try EmbeddedClient()
        try client.send([.list, .status])
        let replies = try client.replies()
        #expect(replies.map(code) == [.handshakeRequired])
        #expect(!client.isOpen)
    }

    @Test func anotherProtocolVersionIsToldAndDisconnected() throws {
        let client = try EmbeddedClient()
        try client.send([.hello(version: 999, role: .control, clientID: "", columns: 80, rows: 24, term: "")])
        #expect(try client.replies().map(code) == [.protocolVersion])
        #expect(!client.isOpen)
    }

    @Test(arguments: [
        // bytes after HELLO, and the error they cost
        ([0, 0, 0, 1, 0], ErrorCode.badFrame),  // a length with no room for the type
        ([0, 0x20, 0, 0, 0, 1], ErrorCode.frameTooLarge),  // 2 MiB announced: refused before buffering
        ([0, 0, 0, 2, 0x7f, 0x7f], ErrorCode.unknownMessage),
        ([0, 0, 0, 3, 0, 0x05, 0x99], ErrorCode.badFrame),  // DETACH with a stray byte
    ])
    func aBadFrameCostsTheConnectionAfterAClearError(bytes: [UInt8], expected: ErrorCode) throws {
        let client = try EmbeddedClient()
        try client.send([hello])
        _ = try client.replies()
        try client.send(bytes: bytes + Message.list.frame().encoded())
        let replies = try client.replies()
        #expect(replies.map(code) == [expected], "the LIST after the bad frame is not answered")
        #expect(!client.isOpen)
    }

    @Test func aServerMessageFromAClientIsRefusedAndTheConnectionGoesOn() throws {
        let client = try EmbeddedClient()
        try client.send([hello, .done, .list])
        let replies = try client.replies()
        #expect(code(replies.dropFirst().first) == .unknownMessage)
        #expect(replies.last == .sessions([]))
        #expect(client.isOpen)
    }

    @Test func aDuplicateClientIDIsRefused() throws {
        let first = try EmbeddedClient()
        try first.send([hello])
        let second = try EmbeddedClient()
        // Both connections must share one server state for the id to clash.
        let connection = Connection(channel: second.channel, peerUID: getuid(), peerPID: 2)
        first.state.connected(connection)
        first.state.handle(hello, from: connection)
        #expect(try second.replies().map(code) == [.invalidArgument])
        #expect(first.state.clients["me"]?.peerPID == 1)
    }
}
