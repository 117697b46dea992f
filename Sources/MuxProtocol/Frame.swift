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

/// Turns a byte stream into frames.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    /// Bytes received but not yet part of a whole frame (a client that vanishes mid-frame leaves
    /// some here).
    public var pendingByteCount: Int { buffer.count - start }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, nil when more bytes are needed; throws on a bad header, after which
    /// the stream cannot be trusted and the connection should end.
    public mutating func next() throws(FrameError) -> Frame? {
        guard buffer.count - start >= 4 else { return nil }
        let length =
            UInt32(buffer[start]) << 24 | UInt32(buffer[start + 1]) << 16 | UInt32(buffer[start + 2]) << 8
            | UInt32(buffer[start + 3])
        guard length >= 2 else { throw .badLength(length) }
        guard length - 2 <= UInt32(Frame.maximumPayload) else { throw .tooLarge(length) }
        let total = 4 + Int(length)
        guard buffer.count - start >= total else { return nil }
        let type = UInt16(buffer[start + 4]) << 8 | UInt16(buffer[start + 5])
        let payload = Array(buffer[(start + Frame.headerSize)..<(start + total)])
        start += total
        if start > 65536 && start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        return Frame(type: type, payload: payload)
    }
}
