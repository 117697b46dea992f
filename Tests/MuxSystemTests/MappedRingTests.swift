// The ring that outlives its process: what one mapping writes, another finds; the end offset
// counts every byte; only the last `capacity` bytes are kept; a file that is not a ring is refused.

import Glibc
import MuxSystem
import Testing

@Suite struct MappedRingTests {
    private func path(_ name: String) -> String { "/tmp/mux-ring-test-\(getpid())-\(name)" }

    private func append(_ ring: MappedRing, _ text: String) {
        Array(text.utf8).withUnsafeBufferPointer { ring.append($0) }
    }

    private func contents(_ ring: MappedRing, from offset: UInt64? = nil) -> String {
        let start = offset ?? ring.startOffset
        var bytes: [UInt8] = []
        ring.copy(from: start, count: Int(ring.endOffset - start)) { bytes += $0 }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func aSecondMappingOfTheFileSeesWhatTheFirstWrote() throws {
        let file = path("shared")
        defer { unlink(file) }
        let writer = try MappedRing.create(path: file, capacity: 8)
        append(writer, "abcdef")
        append(writer, "ghij")  // wraps
        let reader = try MappedRing.open(path: file)
        #expect(reader.capacity == 8)
        #expect(reader.endOffset == 10)
        #expect(reader.startOffset == 2)
        #expect(contents(reader) == "cdefghij")
        #expect(contents(reader, from: 7) == "hij")
    }

    @Test func anAppendLongerThanTheRingKeepsItsLastBytes() throws {
        let ring = try MappedRing.anonymous(capacity: 4)
        append(ring, "xy")
        append(ring, "0123456789")
        #expect(ring.endOffset == 12)
        #expect(contents(ring) == "6789")
    }

    @Test func aFileThatIsNotARingIsRefused() throws {
        let file = path("garbage")
        defer { unlink(file) }
        let descriptor = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        _ = write(descriptor, "not a ring at all, but long enough to have a header", 51)
        close(descriptor)
        #expect(throws: SystemError.self) { try MappedRing.open(path: file) }
        #expect(throws: SystemError.self) { try MappedRing.open(path: path("missing")) }
    }
}
