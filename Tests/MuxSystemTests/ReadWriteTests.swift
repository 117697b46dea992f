// writeAll and readUntilEnd through real pipes, with the other end at its own pace and signals
// interrupting the calls: every byte arrives once, in order, and EINTR is never an error.

import Glibc
import MuxSystem
import Testing

@Suite struct ReadWriteTests {
    @Test func writeAllWritesEveryByteThroughAPipeFarSmallerThanIt() throws {
        _ = installTestSignals
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let data = pattern(8 << 20)
        let failure = Shared<SystemError?>(nil)
        let writer = TestThread {
            do throws(SystemError) {
                try writeAll(pipe.write, data)
            } catch {
                failure.value = error
            }
            close(pipe.write)
        }
        // Read in small pieces, so the 64 KiB pipe stays full and the writer blocks; interrupt it
        // meanwhile: a blocked pipe write returns a short count, and the next, blocked at once
        // (the reader pauses), returns EINTR.
        var received: [UInt8] = []
        received.reserveCapacity(data.count)
        var buffer = [UInt8](repeating: 0, count: 4096)
        var reads = 0
        while true {
            let n = buffer.withUnsafeMutableBytes { read(pipe.read, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            received += buffer[..<n]
            reads += 1
            // More than any pipe holds is still unwritten: the writer is still inside writeAll.
            if received.count < data.count - (2 << 20) && reads % 16 == 0 {
                writer.interrupt()
                usleep(1000)
                writer.interrupt()
                usleep(1000)
            }
        }
        writer.join()
        #expect(failure.value == nil)
        expectSameBytes(received, data)
    }

    @Test func readAllReadsUntilEndOfFile() throws {
        _ = installTestSignals
        let pipe = try makePipe()
        let outcome = Shared<Result<[UInt8], SystemError>?>(nil)
        let reader = TestThread {
            outcome.value = Result { () throws(SystemError) in try readAll(pipe.read) }
            close(pipe.read)
        }
        // A byte, then two pieces more than one read takes, with pauses between; the reader is
        // interrupted while it waits for them.
        let data = pattern(600_000)
        for piece in [data[..<1], data[1..<300_000], data[300_000...]] {
            usleep(20_000)
            reader.interrupt()
            try writeAll(pipe.write, piece)
        }
        usleep(20_000)
        reader.interrupt()
        close(pipe.write)
        reader.join()
        let result = try #require(outcome.value)
        expectSameBytes(try result.get(), data)
    }

    @Test func readUntilEndHandsOnEachChunkInOrder() throws {
        _ = installTestSignals
        let pipe = try makePipe()
        let data = pattern(200_000)
        try writeAll(pipe.write, data[..<50_000])
        let writer = TestThread {
            try? writeAll(pipe.write, data[50_000...])
            close(pipe.write)
        }
        var chunks: [ArraySlice<UInt8>] = []
        try readUntilEnd(pipe.read, chunkSize: 10_000) { chunks.append($0) }
        close(pipe.read)  // before joining: a writer left blocked by a reader that quit ends now
        writer.join()
        #expect(chunks.count >= 20, "at most 10,000 bytes per chunk")
        #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= 10_000 })
        expectSameBytes(Array(chunks.joined()), data)
    }

    @Test func aFailedReadIsThrownWithItsErrno() throws {
        let directory = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer { close(directory) }
        #expect(throws: SystemError("read", errorNumber: EISDIR)) { try readAll(directory) }
    }

    @Test func aFailedWriteIsThrownWithItsErrno() throws {
        let pipe = try makePipe()
        close(pipe.write)
        defer { close(pipe.read) }
        #expect(throws: SystemError("write", errorNumber: EBADF)) { try writeAll(pipe.read, [1, 2, 3]) }
    }

    @Test func aStringIsWrittenAsUTF8() throws {
        let pipe = try makePipe()
        defer { close(pipe.read) }
        try writeAll(pipe.write, "né ⎋\n")
        close(pipe.write)
        #expect(try readAll(pipe.read) == Array("né ⎋\n".utf8))
    }
}
