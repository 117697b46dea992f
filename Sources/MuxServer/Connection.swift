// One client connection: its frames in, its messages out. Confined to the server's event loop
// (docs/server.md): the NIO handler below decodes and hands each message to `ServerState`; what
// a client receives of a session is decided by that session's machine.

import MuxProtocol
import NIOCore

/// A connected client, from HELLO until the socket closes.
final class Connection {
    let channel: Channel
    /// The peer's user and process, from SO_PEERCRED.
    let peerUID: UInt32
    let peerPID: Int32
    var clientID = ""
    var role = Role.observer
    var greeted = false
    /// The client terminal's size and TERM, from HELLO and RESIZE.
    var columns: UInt16 = 80
    var rows: UInt16 = 24
    /// Its terminal in pixels (HELLO and RESIZE; zero when unknown).
    var pixels = SessionMachine.PixelSize()
    var term = ""
    /// The session this client is attached to, if any.
    var session: Session?
    var lossless = false
    var closing = false

    init(channel: Channel, peerUID: UInt32, peerPID: Int32) {
        self.channel = channel
        self.peerUID = peerUID
        self.peerPID = peerPID
    }

    /// Writes a message now (replies, events, snapshots; output goes through `ServerState.flush`).
    func send(_ message: Message, flush: Bool = true) {
        guard !closing else { return }
        let buffer = channel.allocator.buffer(bytes: message.frame().encoded())
        if flush {
            channel.writeAndFlush(buffer, promise: nil)
        } else {
            channel.write(buffer, promise: nil)
        }
    }

    /// Sends an error; a protocol error (`closing`) ends the connection after it is written.
    func fail(_ code: ErrorCode, _ text: String, closing: Bool = false) {
        send(.error(code, text))
        if closing {
            self.closing = true
            channel.close(mode: .output, promise: nil)
            channel.close(promise: nil)
        }
    }

    /// A snapshot at stream offset `offset`, split into frames; output follows from there.
    func sendSnapshot(_ bytes: [UInt8], at offset: UInt64) {
        let piece = Frame.maximumPayload - 64
        var start = 0
        repeat {
            let end = min(bytes.count, start + piece)
            send(.snapshot(offset: offset, final: end == bytes.count, bytes: Array(bytes[start..<end])), flush: false)
            start = end
        } while start < bytes.count
        channel.flush()
    }

    var status: ClientStatus {
        let machine = session?.machine
        let attachment = machine?.attachment(clientID)
        return ClientStatus(
            clientID: clientID, role: role, session: session?.name ?? "",
            holdsLease: machine?.lease.holder == clientID, lossless: lossless, demoted: attachment?.demoted ?? false,
            queuedBytes: UInt64(attachment?.queuedBytes(end: machine?.endOffset ?? 0) ?? 0),
            resyncs: UInt64(attachment?.resyncs ?? 0))
    }
}

/// Turns a socket's bytes into messages for the server, and ends the connection on bad frames.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let server: ServerState
    let connection: Connection
    var decoder = FrameDecoder()

    init(server: ServerState, connection: Connection) {
        self.server = server
        self.connection = connection
    }

    func channelActive(context: ChannelHandlerContext) {
        server.connected(connection)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard !connection.closing else { return }
        buffer.withUnsafeReadableBytes { decoder.append($0) }
        do {
            while let frame = try decoder.next() {
                let message: Message
                do {
                    message = try Message(frame)
                } catch {
                    connection.fail(error.code, describe(error), closing: true)
                    return
                }
                server.handle(message, from: connection)
                if connection.closing { return }
            }
        } catch {
            let text =
                switch error {
                case .tooLarge(let length): "a frame of \(length) bytes is over the limit of \(Frame.maximumPayload)"
                case .badLength(let length): "a frame length of \(length) leaves no room for its type"
                }
            connection.fail(error.code, text, closing: true)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        server.writabilityChanged(connection)
    }

    func channelInactive(context: ChannelHandlerContext) {
        server.disconnected(connection, pendingBytes: decoder.pendingByteCount)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    private func describe(_ error: Message.DecodingError) -> String {
        switch error {
        case .unknownType(let type): "unknown message type 0x\(String(type, radix: 16))"
        case .malformed(let type, let reason): "malformed message 0x\(String(type, radix: 16)): \(reason)"
        }
    }
}

@available(*, unavailable)
extension ConnectionHandler: Sendable {}
