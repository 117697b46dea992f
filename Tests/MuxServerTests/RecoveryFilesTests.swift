// The recovery files' formats (docs/lifecycle.md): a checkpoint and a session's tag come back as
// they were written, and anything else is refused rather than half-read.

import Glibc
import Testing

@testable import MuxServer

@Suite struct RecoveryFilesTests {
    @Test func aCheckpointComesBackAsWritten() throws {
        let path = "/tmp/mux-checkpoint-test-\(getpid())"
        defer { unlink(path) }
        let checkpoint = Checkpoint(
            inputOffset: 1 << 40, outputOffset: 12_345, columns: 132, rows: 43, scrolledOff: 7,
            snapshot: Array("\u{1b}[Hhello".utf8))
        try checkpoint.write(to: path)
        #expect(Checkpoint.read(from: path) == checkpoint)
        #expect(access(path + ".new", F_OK) != 0, "the temporary file was left behind")
    }

    @Test func aCutOrForeignCheckpointIsNotRead() {
        let whole = Checkpoint(
            inputOffset: 1, outputOffset: 1, columns: 80, rows: 24, scrolledOff: 0, snapshot: [1, 2, 3]
        ).encoded()
        #expect(Checkpoint(decoding: whole) != nil)
        #expect(Checkpoint(decoding: Array(whole.dropLast())) == nil)
        #expect(Checkpoint(decoding: Array("MUXCKPT2".utf8) + whole.dropFirst(8)) == nil)
        #expect(Checkpoint(decoding: []) == nil)
        #expect(Checkpoint.read(from: "/tmp/mux-no-such-checkpoint-\(getpid())") == nil)
    }

    @Test func aTagComesBackAsWrittenWhateverItsArguments() {
        let tag = SessionTag(
            name: "build.2", serial: 42, created: 1_780_000_000, scrollback: 10_000, keep: true,
            arguments: ["/bin/sh", "-c", "echo 'a b'; printf '%s\\n' \"\""])
        #expect(SessionTag(decoding: tag.encoded) == tag)
        var empty = tag
        empty.arguments = ["vim", ""]
        #expect(SessionTag(decoding: empty.encoded) == empty)
        #expect(SessionTag(decoding: Array("mux-tag-9\u{0}x".utf8)) == nil)
        #expect(SessionTag(decoding: []) == nil)
    }
}
