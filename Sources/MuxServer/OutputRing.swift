// A session's recent output as a bounded ring of bytes addressed by 64-bit stream offsets that
// only grow (docs/protocol.md, "Handshake and attach"). A reconnecting client that has everything
// up to offset M gets the bytes after M from here, or a snapshot when M has left the ring. The
// bytes live in a `MappedRing`: in a file of the runtime directory for a server that can be
// recovered (docs/lifecycle.md), so that clients continue from their offsets after a crash.

import MuxSystem

/// The last `capacity` bytes of a session's output, with their stream offsets.
public struct OutputRing: @unchecked Sendable {
    private let storage: MappedRing

    public init(_ storage: MappedRing) {
        self.storage = storage
    }

    /// A ring in memory only.
    public init(capacity: Int) {
        // Mapping a few pages only fails when the process is out of address space.
        do {
            storage = try MappedRing.anonymous(capacity: capacity)
        } catch {
            fatalError("\(error)")
        }
    }

    public var capacity: Int { storage.capacity }

    /// The offset of the next byte to be appended: the total written so far.
    public var endOffset: UInt64 { storage.endOffset }

    /// The offset of the oldest byte still held.
    public var startOffset: UInt64 { storage.startOffset }

    /// Appends output; returns the offset of its first byte.
    @discardableResult
    public mutating func append(_ bytes: some Collection<UInt8>) -> UInt64 {
        let first = endOffset
        let copied: Void? = bytes.withContiguousStorageIfAvailable { storage.append($0) }
        if copied == nil { Array(bytes).withUnsafeBufferPointer { storage.append($0) } }
        return first
    }

    /// Starts the stream again past `offset`, holding nothing: every offset up to it has left the
    /// ring, so a client that had any of it gets a snapshot rather than bytes that would not
    /// follow from what it shows (a recovery that could not rebuild the output up to `offset`).
    mutating func restart(after offset: UInt64) {
        storage.endOffset = offset + UInt64(capacity) + 1
    }

    /// Puts the end back at `offset`, where this process left it, after another moved it (a
    /// replacement server that recovered from the same file, then failed): the bytes up to it
    /// are this process's, or the same bytes written again.
    mutating func reclaim(end offset: UInt64) {
        storage.endOffset = offset
    }

    /// Forgets everything from `offset` on (a recovering server writes it again).
    mutating func truncate(to offset: UInt64) {
        precondition(offset <= endOffset)
        storage.endOffset = offset
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
        storage.copy(from: offset, count: count, into: body)
    }
}
