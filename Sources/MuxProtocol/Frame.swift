// Length-prefixed frames (docs/protocol.md): a u32 length, a u16 type, the payload. The decoder
// takes bytes in any chunking and hands out whole frames, refusing bad lengths before buffering.

/// One frame: a message type and its payload.
public struct Frame: Equatable, Sendable {
    /// The largest payload a frame may carry; larger data is split across frames.
    public static let maximumPayload = 1 << 20
    static let headerSize = 6

    public var type: UInt16
    public var payload: [UInt8]

    public init(type: UInt16, payload: [UInt8]) {
        self.type = type
        self.payload = payload
    }

    /// The frame's bytes on the wire.
    public func encoded() -> [UInt8] {
        precondition(payload.count <= Frame.maximumPayload, "frame payload over the maximum")
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Frame.headerSize + payload.count)
        let length = UInt32(payload.count + 2)
        bytes.append(contentsOf: [
            UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff),
        ])
        bytes.append(contentsOf: [UInt8(type >> 8), UInt8(type & 0xff)])
        bytes.append(contentsOf: payload)
        return bytes
    }
}

extension Message {
    /// The first bytes of OUTPUT's frame for `count` bytes at `offset`; the bytes follow. Lets
    /// the server write the hottest message without building its payload first.
    public static func outputHeader(offset: UInt64, count: Int) -> [UInt8] {
        var w = WireWriter()
        w.u32(UInt32(2 + 8 + 4 + count))
        w.u16(MessageType.output.rawValue)
        w.u64(offset)
        w.u32(UInt32(count))
        return w.bytes
    }
}

/// Why bytes could not be read as frames. Each maps to a wire error code.
public enum FrameError: Error, Equatable, Sendable {
    /// A length under 2 (no room for the type).
    case badLength(UInt32)
    /// A payload larger than `Frame.maximumPayload`.
    case tooLarge(UInt32)

    public var code: ErrorCode {
        switch self {
        case .badLength: .badFrame
        case .tooLarge: .frameTooLarge
        }
    }
}

/// A whole frame still inside a `FrameDecoder`'s buffer. Its payload shares the buffer's storage,
/// so reading it copies nothing; use it before the decoder takes more bytes (the decoder would
/// then copy its whole buffer to keep the view's bytes alive).
public struct FrameView: Sendable {
    /// The frame's type number, known or not.
    public let type: UInt16
    public let payload: ArraySlice<UInt8>

    /// The type's entry in the table; nil for a type this version does not know.
    public var messageType: MessageType? { MessageType(rawValue: type) }
}

extension Frame {
    /// The frame a view shows, with its payload copied out of the decoder's buffer.
    public init(_ view: FrameView) {
        self.init(type: view.type, payload: Array(view.payload))
    }
}

/// Turns a byte stream into frames. Received bytes wait in one buffer, which a reader can fill
/// directly (`readIn`), and frames are handed out as views into it (`nextView`), so a payload
/// need not be copied before its bytes reach their destination (but see `makeRoom`).
public struct FrameDecoder: Sendable {
    /// Bytes received and not yet handed out are `buffer[start..<end]`; the rest is free room.
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0

    public init() {}

    /// Bytes received but not yet part of a whole frame (a client that vanishes mid-frame leaves
    /// some here).
    public var pendingByteCount: Int { end - start }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        let count = bytes.count
        makeRoom(count)
        buffer.withUnsafeMutableBufferPointer { storage in
            _ = UnsafeMutableBufferPointer(rebasing: storage[end..<(end + count)]).initialize(fromContentsOf: bytes)
        }
        end += count
    }

    /// Lets `body` write received bytes straight into the buffer's free room (at least
    /// `minimumRoom` bytes) and returns what `body` returns: the number of bytes it wrote, or 0
    /// or less for none (a `read(2)` fits as is).
    public mutating func readIn(minimumRoom: Int = 1 << 16, _ body: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        makeRoom(minimumRoom)
        let written = buffer.withUnsafeMutableBytes { storage in
            body(UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
        }
        if written > 0 {
            precondition(written <= buffer.count - end, "wrote past the room it was given")
            end += written
        }
        return written
    }

    /// Makes `count` bytes of free room after the pending bytes. The pending bytes (a frame not
    /// yet whole) are copied a second time only when the room at the end has run out: moved to
    /// the front when they are few next to the buffer, else into a buffer twice the size. So the
    /// buffer grows until frames are small beside it (up to a few MiB for 1 MiB frames), and then
    /// at most one frame is moved per buffer's worth of bytes read.
    private mutating func makeRoom(_ count: Int) {
        if start == end {
            start = 0
            end = 0
        }
        guard buffer.count - end < count else { return }
        let pending = end - start
        let roomAfterMoving = buffer.count - pending
        if roomAfterMoving >= count && (pending * 16 <= buffer.count || buffer.count >= 4 << 20) {
            if pending > 0 {
                buffer.withUnsafeMutableBytes { storage in
                    storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: pending)
                }
            }
        } else {
            var grown = [UInt8](repeating: 0, count: max(2 * buffer.count, pending + count, 4096))
            if pending > 0 {
                grown.withUnsafeMutableBytes { destination in
                    buffer.withUnsafeBytes { source in
                        destination.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: pending)
                    }
                }
            }
            buffer = grown
        }
        start = 0
        end = pending
    }

    /// The next whole frame, nil when more bytes are needed; throws on a bad header, after which
    /// the stream cannot be trusted and the connection should end.
    public mutating func next() throws(FrameError) -> Frame? {
        guard let view = try nextView() else { return nil }
        return Frame(view)
    }

    /// The next whole frame as a view into the buffer (see `FrameView`), nil when more bytes are
    /// needed; throws as `next()` does.
    public mutating func nextView() throws(FrameError) -> FrameView? {
        guard end - start >= 4 else { return nil }
        let length =
            UInt32(buffer[start]) << 24 | UInt32(buffer[start + 1]) << 16 | UInt32(buffer[start + 2]) << 8
            | UInt32(buffer[start + 3])
        guard length >= 2 else { throw .badLength(length) }
        guard length - 2 <= UInt32(Frame.maximumPayload) else { throw .tooLarge(length) }
        let total = 4 + Int(length)
        guard end - start >= total else { return nil }
        let type = UInt16(buffer[start + 4]) << 8 | UInt16(buffer[start + 5])
        let view = FrameView(type: type, payload: buffer[(start + Frame.headerSize)..<(start + total)])
        start += total
        return view
    }
}
