// One client's queue of output as a pure state machine (MISSION.md, "Backpressure"): bounded in
// bytes; a client that falls past the high watermark loses what was queued and is owed a fresh
// snapshot, taken once it has drained below the low watermark, so memory stays bounded however
// fast the program writes and the client still ends up exact.

/// Output waiting to be written to one client.
public struct Outbox: Sendable {
    /// A piece of the session's output stream.
    public struct Chunk: Equatable, Sendable {
        public var offset: UInt64
        public var bytes: [UInt8]

        public init(offset: UInt64, bytes: [UInt8]) {
            self.offset = offset
            self.bytes = bytes
        }
    }

    public let highWatermark: Int
    public let lowWatermark: Int
    /// Never drop: the owner holds the producer back instead (a `--lossless` lease holder), using
    /// `isOverHighWatermark` and `isUnderLowWatermark`.
    public var lossless = false
    private var queue: [Chunk] = []
    private var head = 0
    /// Bytes queued and not yet taken.
    public private(set) var queuedBytes = 0
    /// The stream offset the next chunk must start at; nil until the first snapshot or chunk.
    public private(set) var nextOffset: UInt64?
    /// The client is owed a snapshot: its queue was dropped (or it never had one).
    public private(set) var owesSnapshot = false
    /// How many times the queue was dropped for a snapshot.
    public private(set) var resyncs = 0

    public init(highWatermark: Int, lowWatermark: Int) {
        precondition(lowWatermark < highWatermark, "the low watermark must be under the high one")
        self.highWatermark = highWatermark
        self.lowWatermark = lowWatermark
    }

    /// The session wrote `chunk`. Queued if the client keeps up; otherwise the queue is dropped
    /// and a snapshot is owed. A chunk that does not start where the last ended (a gap) also
    /// costs a snapshot, never a silent hole.
    public mutating func enqueue(_ chunk: Chunk) {
        guard !owesSnapshot else { return }  // the snapshot will cover it
        if let expected = nextOffset, chunk.offset != expected {
            dropForSnapshot()
            return
        }
        if queuedBytes + chunk.bytes.count > highWatermark && !lossless {
            dropForSnapshot()
            return
        }
        queue.append(chunk)
        queuedBytes += chunk.bytes.count
        nextOffset = chunk.offset + UInt64(chunk.bytes.count)
    }

    /// The next chunk to write, if any.
    public mutating func take() -> Chunk? {
        guard head < queue.count else { return nil }
        let chunk = queue[head]
        head += 1
        queuedBytes -= chunk.bytes.count
        if head == queue.count {
            queue.removeAll(keepingCapacity: queue.capacity <= 64)
            head = 0
        }
        return chunk
    }

    /// Whether the owner should take a snapshot now: one is owed and the client has drained to
    /// the low watermark (what it still has to write is its own socket's business).
    public func shouldSendSnapshot(unwrittenBytes: Int) -> Bool {
        owesSnapshot && unwrittenBytes <= lowWatermark
    }

    /// A snapshot at stream offset `offset` was sent; chunks from `offset` on are queued again.
    public mutating func snapshotSent(at offset: UInt64) {
        owesSnapshot = false
        nextOffset = offset
    }

    /// The client needs a snapshot (its first, or after a resize): what is queued is dropped, since
    /// the snapshot covers it. Not counted as a resync.
    public mutating func requireSnapshot() {
        queue.removeAll()
        head = 0
        queuedBytes = 0
        owesSnapshot = true
    }

    /// A lossless client has fallen this far behind: its producer should pause.
    public var isOverHighWatermark: Bool { queuedBytes > highWatermark }

    /// A paused producer may go on.
    public var isUnderLowWatermark: Bool { queuedBytes <= lowWatermark }

    /// The watermarks for a session of `cells` cells: a client more than a few dozen screens of
    /// output behind is better served by a snapshot (about one screen) than by catching up.
    public static func watermarks(forCells cells: Int, minimum: Int = 1 << 20) -> (high: Int, low: Int) {
        let high = max(minimum, cells * 256)
        return (high, high / 4)
    }

    private mutating func dropForSnapshot() {
        queue.removeAll()
        head = 0
        queuedBytes = 0
        owesSnapshot = true
        resyncs += 1
    }
}
