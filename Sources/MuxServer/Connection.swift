// One client connection: its frames in, its messages out, and its outbox. Confined to the
// server's event loop (docs/server.md); the NIO handler below only decodes and hands on.

import MuxProtocol
import MuxTerminal
import NIOCore

/// A connected client, from HELLO until the socket closes.
final class Connection: @unchecked Sendable {
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
    var term = ""
    /// The session this client is attached to, if any.
    var session: Session?
    var lossless = false
    var outbox: Outbox
    var historyForSnapshot = 0
    var closing = false

    init(channel: Channel, peerUID: UInt32, peerPID: Int32) {
        self.channel = channel
        self.peerUID = peerUID
        self.peerPID = peerPID
        outbox = Outbox(highWatermark: 1 << 20, lowWatermark: 1 << 18)
    }

    /// Writes a message now (not through the outbox: replies, events, snapshots).
    func send(_ message: Message, flush: Bool = true) {
        guard !closing else { return }
        var buffer = channel.allocator.buffer(capacity: 0)
        let frame = message.frame()
        buffer.writeBytes(frame.encoded())
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

    /// Whether this client holds its session's program back when it lags: a `--lossless` client,
    /// while it holds the lease. Observers never do.
    var holdsProgramBack: Bool {
        guard lossless, let session else { return false }
        return session.lease.holder == clientID
    }

    /// Accepts a chunk of the session's output for this client.
    func deliver(_ chunk: Outbox.Chunk) {
        outbox.lossless = holdsProgramBack
        let resyncs = outbox.resyncs
        outbox.enqueue(chunk)
        if outbox.resyncs != resyncs, let session {
            session.logger.info(
                "client \(clientID) fell behind in session \(session.name) at offset \(chunk.offset): resync \(outbox.resyncs)"
            )
        }
        pump()
        if outbox.lossless && outbox.isOverHighWatermark { session?.pauseReading() }
    }

    /// Moves queued output into the socket while it takes it, then a snapshot if one is owed and
    /// the socket has drained.
    func pump() {
        guard !closing, let session else { return }
        var wrote = false
        while channel.isWritable, let chunk = outbox.take() {
            var buffer = channel.allocator.buffer(capacity: 18 + chunk.bytes.count)
            buffer.writeBytes(Message.outputHeader(offset: chunk.offset, count: chunk.bytes.count))
            buffer.writeBytes(chunk.bytes)
            channel.write(buffer, promise: nil)
            wrote = true
        }
        if outbox.shouldSendSnapshot(unwrittenBytes: channel.isWritable ? 0 : Int.max), !session.isMidUpdate {
            sendSnapshot(of: session, history: historyForSnapshot)
            historyForSnapshot = 0
            wrote = true
        }
        if wrote { channel.flush() }
        if session.readingPaused && outbox.isUnderLowWatermark { session.resumeReadingIfNobodyLags() }
    }

    /// A snapshot of `session` at its current offset, split into frames; output follows from there.
    func sendSnapshot(of session: Session, history: Int) {
        session.prepareForSnapshot()  // the snapshot's offset must be where the emulator is
        let bytes = session.emulator.terminal.snapshot(history: history)
        let offset = session.ring.endOffset
        let piece = Frame.maximumPayload - 64
        var start = 0
        repeat {
            let end = min(bytes.count, start + piece)
            send(.snapshot(offset: offset, final: end == bytes.count, bytes: Array(bytes[start..<end])), flush: false)
            start = end
        } while start < bytes.count
        outbox.snapshotSent(at: offset)
    }

    var status: ClientStatus {
        ClientStatus(
            clientID: clientID, role: role, session: session?.name ?? "",
            holdsLease: session.map { $0.lease.holder == clientID } ?? false, lossless: lossless,
            queuedBytes: UInt64(outbox.queuedBytes), resyncs: UInt64(outbox.resyncs))
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
        if context.channel.isWritable { connection.pump() }
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
