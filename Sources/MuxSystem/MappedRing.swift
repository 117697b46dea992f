// A ring of bytes addressed by stream offsets, in memory that may be shared with a file. Mapped
// from a file (MAP_SHARED), what is written is in the kernel's page cache as soon as it is
// copied: a process killed a moment later takes none of it along, and the next process to map
// the file finds every byte and the end offset (docs/lifecycle.md, "Recovery files"). Without
// a file it is plain anonymous memory, the same code either way.
//
// Layout of the file: a 64-byte header (magic, capacity, end offset), then `capacity` bytes;
// the byte at offset o is at data[o % capacity]. Writing the data and then the end is all the
// ordering a crash of the writer needs (the page cache is one memory for every process).

import Glibc

public final class MappedRing: @unchecked Sendable {
    static let headerSize = 64
    static let magic: UInt64 = 0x3147_4e49_5258_554d  // "MUXRING1", little-endian

    /// How many bytes the ring holds.
    public let capacity: Int
    /// The ring's bytes; `capacity` of them.
    public let data: UnsafeMutablePointer<UInt8>
    private let mapping: UnsafeMutableRawPointer
    private let header: UnsafeMutablePointer<UInt64>

    private init(mapping: UnsafeMutableRawPointer, capacity: Int) {
        self.mapping = mapping
        self.capacity = capacity
        header = mapping.bindMemory(to: UInt64.self, capacity: 3)
        data = (mapping + Self.headerSize).bindMemory(to: UInt8.self, capacity: capacity)
    }

    deinit { munmap(mapping, Self.headerSize + capacity) }

    /// The offset after the last byte written: how many were ever written.
    public var endOffset: UInt64 {
        get { header[2] }
        set { header[2] = newValue }
    }

    /// The offset of the oldest byte still held.
    public var startOffset: UInt64 { endOffset - min(UInt64(capacity), endOffset) }

    /// A ring in anonymous memory, gone with the process.
    public static func anonymous(capacity: Int) throws(SystemError) -> MappedRing {
        precondition(capacity > 0)
        let size = headerSize + capacity
        guard let mapping = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            mapping != MAP_FAILED
        else { throw SystemError("map \(capacity) bytes of memory") }
        let ring = MappedRing(mapping: mapping, capacity: capacity)
        ring.header[0] = magic
        ring.header[1] = UInt64(capacity)
        return ring
    }

    /// A new, empty ring in the file at `path` (replacing any file there), mode 0600.
    public static func create(path: String, capacity: Int) throws(SystemError) -> MappedRing {
        precondition(capacity > 0)
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemError("create \(path)") }
        defer { close(descriptor) }
        // A sparse file: its pages take memory or disk only once written.
        guard ftruncate(descriptor, off_t(headerSize + capacity)) == 0 else { throw SystemError("size \(path)") }
        let ring = try map(descriptor, path: path, capacity: capacity)
        ring.header[0] = magic
        ring.header[1] = UInt64(capacity)
        ring.header[2] = 0
        return ring
    }

    /// The ring a previous process left in the file at `path`, with what it wrote.
    public static func open(path: String) throws(SystemError) -> MappedRing {
        let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { throw SystemError("open \(path)") }
        defer { close(descriptor) }
        var first = [UInt64](repeating: 0, count: 2)
        let count = first.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 16, 0) }
        var info = stat()
        fstat(descriptor, &info)
        guard count == 16, first[0] == magic, first[1] > 0,
            Int(info.st_size) == headerSize + Int(first[1])
        else { throw SystemError("read \(path): not a ring of output", errorNumber: EINVAL) }
        return try map(descriptor, path: path, capacity: Int(first[1]))
    }

    private static func map(_ descriptor: Int32, path: String, capacity: Int) throws(SystemError) -> MappedRing {
        guard let mapping = mmap(nil, headerSize + capacity, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0),
            mapping != MAP_FAILED
        else { throw SystemError("map \(path)") }
        return MappedRing(mapping: mapping, capacity: capacity)
    }

    /// Where offset `offset`'s byte is in `data`.
    public func position(of offset: UInt64) -> Int { Int(offset % UInt64(capacity)) }

    /// Appends `bytes` (only the last `capacity` can survive; the ones before are skipped), then
    /// moves the end past them.
    public func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let kept = min(bytes.count, capacity)
        var source = base + (bytes.count - kept)
        var remaining = kept
        var position = position(of: endOffset + UInt64(bytes.count - kept))
        while remaining > 0 {
            let count = min(remaining, capacity - position)
            (data + position).update(from: source, count: count)
            source += count
            remaining -= count
            position = 0
        }
        endOffset += UInt64(bytes.count)
    }

    /// Hands `count` bytes from `offset` to `body`, in at most two pieces (the ring wraps).
    /// The bytes must still be in the ring.
    public func copy(from offset: UInt64, count: Int, into body: (UnsafeRawBufferPointer) -> Void) {
        precondition(offset >= startOffset && offset + UInt64(count) <= endOffset, "bytes outside the ring")
        var position = position(of: offset)
        var remaining = count
        while remaining > 0 {
            let piece = min(remaining, capacity - position)
            body(UnsafeRawBufferPointer(start: data + position, count: piece))
            remaining -= piece
            position = 0
        }
    }
}
