// A session's recent output as a bounded ring of bytes addressed by 64-bit stream offsets that
// only grow (docs/protocol.md, "Handshake and attach"). A reconnecting client that has everything
// up to offset M gets the bytes after M from here, or a snapshot when M has left the ring.

/// The last `capacity` bytes of a session's output, with their stream offsets.
public struct OutputRing: Sendable {
    public let capacity: Int
    private var storage: [UInt8]
    /// The offset of the next byte to be appended: the total written so far.
    public private(set) var endOffset: UInt64 = 0

    public init(capacity: Int) {
        precondition(capacity > 0)
        self.capacity = capacity
        storage = [UInt8](repeating: 0, count: capacity)
    }

    /// The offset of the oldest byte still held.
    public var startOffset: UInt64 { endOffset - UInt64(min(UInt64(capacity), endOffset)) }

    /// Appends output; returns the offset of its first byte.
    @discardableResult
    public mutating func append(_ bytes: some Collection<UInt8>) -> UInt64 {
        let first = endOffset
        let copied: Void? = bytes.withContiguousStorageIfAvailable { append(contiguous: $0) }
        if copied == nil { Array(bytes).withUnsafeBufferPointer { append(contiguous: $0) } }
        return first
    }

    /// Copies `bytes` in at most two pieces: up to the ring's end, then from its start.
    private mutating func append(contiguous bytes: UnsafeBufferPointer<UInt8>) {
        defer { endOffset += UInt64(bytes.count) }
        guard let base = bytes.baseAddress else { return }
        // Only the last `capacity` bytes can survive; the ones before are skipped, not written.
        let kept = min(bytes.count, capacity)
        var source = base + (bytes.count - kept)
        var remaining = kept
        var position = Int((endOffset + UInt64(bytes.count - kept)) % UInt64(capacity))
        storage.withUnsafeMutableBufferPointer { ring in
            while remaining > 0 {
                let count = min(remaining, capacity - position)
                (ring.baseAddress! + position).update(from: source, count: count)
                source += count
                remaining -= count
                position = 0
            }
        }
    }

    /// The bytes from `offset` to the end, or nil when some of them have left the ring (the
    /// caller then sends a snapshot). An offset past the end is nil too.
    public func bytes(from offset: UInt64) -> [UInt8]? {
        guard offset >= startOffset, offset <= endOffset else { return nil }
        var result: [UInt8] = []
        result.reserveCapacity(Int(endOffset - offset))
        copy(from: offset, count: Int(endOffset - offset)) { result.append(contentsOf: $0) }
        return result
    }

    /// Hands `count` bytes from `offset` to `body`, in at most two pieces (the ring wraps).
    /// The bytes must still be in the ring.
    public func copy(from offset: UInt64, count: Int, into body: (UnsafeRawBufferPointer) -> Void) {
        precondition(offset >= startOffset && offset + UInt64(count) <= endOffset, "bytes outside the ring")
        var position = Int(offset % UInt64(capacity))
        var remaining = count
        storage.withUnsafeBytes { ring in
            while remaining > 0 {
                let piece = min(remaining, capacity - position)
                body(UnsafeRawBufferPointer(rebasing: ring[position..<(position + piece)]))
                remaining -= piece
                position = 0
            }
        }
    }
}
