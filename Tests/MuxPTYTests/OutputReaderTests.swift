// The output reader against real PTYs and real programs: everything arrives in order, what is
// handed over and not handled stays bounded, pausing holds the program back, stopping ends it.

import Glibc
import MuxPTY
import MuxSystem
import Synchronization
import Testing

/// What a reader delivered, collected from its thread.
private final class Collected: Sendable {
    struct State {
        /// Delivered and consumed, in order.
        var bytes: [UInt8] = []
        /// Delivered, not yet consumed.
        var pending: [[UInt8]] = []
        var delivered: Int { bytes.count + pending.reduce(0) { $0 + $1.count } }
        var chunks = 0
        var largestChunk = 0
        var ended: Int32?
    }
    let state = Mutex(State())

    /// Starts `reader`; each `ready` takes the waiting chunks at once (on the reader's thread).
    func start(_ reader: OutputReader, consuming: Bool) {
        reader.start(
            ready: {
                for chunk in reader.takeChunks() {
                    // Copied at once: the bytes stay the reader's until consumed.
                    let bytes = Array(chunk.bytes)
                    self.state.withLock {
                        $0.pending.append(bytes)
                        $0.chunks += 1
                        $0.largestChunk = max($0.largestChunk, bytes.count)
                    }
                }
                if consuming { self.consume(reader) }
            },
            ended: { reason in self.state.withLock { $0.ended = reason } })
    }

    /// Consumes every chunk delivered so far.
    func consume(_ reader: OutputReader) {
        let count = state.withLock { state in
            let count = state.pending.reduce(0) { $0 + $1.count }
            for chunk in state.pending { state.bytes += chunk }
            state.pending.removeAll()
            return count
        }
        if count > 0 { reader.consumed(count) }
    }

    var snapshot: State { state.withLock { $0 } }
}

/// Polls `condition` every 10 ms for up to `seconds`.
private func eventually(_ seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    for _ in 0..<Int(seconds * 100) {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

private func spawn(_ script: String) throws -> PTYProcess {
    try PTYProcess.spawn(
        ["/bin/sh", "-c", script], environment: ["PATH=/usr/bin:/bin"], size: TerminalSize(columns: 80, rows: 24))
}

/// `seq 1 n` as it comes through a PTY (the terminal turns each newline into CR LF).
private func expectedSequence(_ n: Int) -> [UInt8] {
    Array((1...n).map { "\($0)\r\n" }.joined().utf8)
}

@Suite struct OutputReaderTests {
    @Test func everythingArrivesInOrderThenTheEndOfTheTerminal() throws {
        let process = try spawn("seq 1 200000")
        let reader = try OutputReader(descriptor: process.masterDescriptor, chunkSize: 8192, inFlightLimit: 16384)
        let collected = Collected()
        collected.start(reader, consuming: true)
        #expect(eventually { collected.snapshot.ended != nil })
        let result = collected.snapshot
        #expect(result.ended == EIO)
        #expect(result.bytes == expectedSequence(200_000))
        #expect(result.largestChunk <= 8192)
        #expect(result.chunks > 1)
        reader.stop()  // after the end: nothing happens (no write into a closed pipe)
        #expect(try process.waitForExit() == .exited(0))
        process.close()
    }

    @Test func whatIsNotHandledStaysWithinTheLimitAndTheProgramWaits() throws {
        let process = try spawn("seq 1 200000; echo END")
        let reader = try OutputReader(descriptor: process.masterDescriptor, chunkSize: 4096, inFlightLimit: 12288)
        let collected = Collected()
        collected.start(reader, consuming: false)
        #expect(eventually { collected.snapshot.delivered >= 12288 })
        usleep(300_000)
        // Nothing was consumed: the reader stopped at its limit and the program is held back.
        #expect(collected.snapshot.delivered == 12288)
        #expect(collected.snapshot.ended == nil)
        #expect(try process.pollExit() == nil)
        // Handling what arrived lets the rest come; the ring's bytes are reused many times over.
        #expect(
            eventually {
                collected.consume(reader)
                return collected.snapshot.ended != nil
            })
        collected.consume(reader)
        #expect(collected.snapshot.bytes == expectedSequence(200_000) + Array("END\r\n".utf8))
        #expect(try process.waitForExit() == .exited(0))
        process.close()
    }

    @Test func takingAtMostALimitLeavesTheRestWaitingAndEverythingArrivesInOrder() throws {
        let process = try spawn("seq 1 100000")
        let reader = try OutputReader(descriptor: process.masterDescriptor, chunkSize: 8192, inFlightLimit: 16384)
        let ended = Mutex(false)
        reader.start(ready: {}, ended: { _ in ended.withLock { $0 = true } })
        var bytes: [UInt8] = []
        var largestTake = 0
        var sawMore = false
        let deadline = MonotonicClock.seconds() + 20
        // Slices of 1,000 bytes, the rest of each chunk left waiting for the next take.
        while !(ended.withLock { $0 } && reader.waitingBytes == 0), MonotonicClock.seconds() < deadline {
            let (chunks, more) = reader.takeChunks(upTo: 1000)
            let taken = chunks.reduce(0) { $0 + $1.bytes.count }
            for chunk in chunks { bytes += chunk.bytes }
            largestTake = max(largestTake, taken)
            if more {
                sawMore = true
                #expect(taken == 1000)
            }
            if taken > 0 { reader.consumed(taken) } else { usleep(1000) }
        }
        #expect(largestTake == 1000)
        #expect(sawMore)
        #expect(bytes == expectedSequence(100_000))
        #expect(try process.waitForExit() == .exited(0))
        process.close()
    }

    @Test func pausedReadingHoldsTheProgramBackUntilResumed() throws {
        let process = try spawn("seq 1 100000; echo END")
        let reader = try OutputReader(descriptor: process.masterDescriptor)
        reader.pause()
        let collected = Collected()
        collected.start(reader, consuming: true)
        usleep(300_000)
        #expect(collected.snapshot.bytes.isEmpty)
        #expect(try process.pollExit() == nil, "the program ran to its end while nobody read its terminal")
        reader.resume()
        #expect(eventually { collected.snapshot.ended != nil })
        #expect(collected.snapshot.bytes == expectedSequence(100_000) + Array("END\r\n".utf8))
        #expect(try process.waitForExit() == .exited(0))
        process.close()
    }

    @Test func readsGoIntoAGivenFileRingWhichAnotherMappingSeesWhole() throws {
        let path = "/tmp/mux-reader-ring-\(getpid())"
        defer { unlink(path) }
        let file = try MappedRing.create(path: path, capacity: 1 << 18)
        let process = try spawn("seq 1 100000")
        let reader = try OutputReader(descriptor: process.masterDescriptor, buffer: file)
        let collected = Collected()
        collected.start(reader, consuming: true)
        #expect(eventually { collected.snapshot.ended != nil })
        let expected = expectedSequence(100_000)
        #expect(collected.snapshot.bytes == expected)
        // A second mapping of the file (as a recovering server makes) holds the last bytes read
        // and their end offset, wrapped around the ring several times.
        let reopened = try MappedRing.open(path: path)
        #expect(reopened.endOffset == UInt64(expected.count))
        var tail: [UInt8] = []
        reopened.copy(from: reopened.startOffset, count: reopened.capacity) { tail += $0 }
        #expect(tail == Array(expected.suffix(reopened.capacity)))
        #expect(try process.waitForExit() == .exited(0))
        process.close()
    }

    @Test func haltReturnsWithTheReaderParkedAndNothingMoreIsReadUntilTheHaltEnds() throws {
        let process = try spawn("while :; do echo tick; sleep 0.01; done")
        let reader = try OutputReader(descriptor: process.masterDescriptor)
        let collected = Collected()
        collected.start(reader, consuming: true)
        #expect(eventually { collected.snapshot.bytes.count >= 20 })
        reader.halt()
        let atHalt = reader.buffer.endOffset
        usleep(200_000)
        #expect(reader.buffer.endOffset == atHalt, "the reader read after halt returned")
        // Flow control goes on during a halt (a client detaching resumes reading): it does not
        // end the halt.
        reader.pause()
        reader.resume()
        usleep(200_000)
        #expect(reader.buffer.endOffset == atHalt, "a flow-control resume ended the halt")
        reader.resumeAtRingEnd()
        #expect(eventually { reader.buffer.endOffset > atHalt })
        reader.stop()
        #expect(eventually { collected.snapshot.ended == ECANCELED })
        try process.signal(SIGKILL)
        _ = try process.waitForExit()
        process.close()
    }

    @Test func aHaltedReaderGoesOnAfterWhatAnotherProcessAddedToItsRing() throws {
        let path = "/tmp/mux-reader-halted-ring-\(getpid())"
        defer { unlink(path) }
        let file = try MappedRing.create(path: path, capacity: 1 << 17)
        let process = try spawn("while :; do echo tick; sleep 0.01; done")
        let reader = try OutputReader(descriptor: process.masterDescriptor, buffer: file)
        let collected = Collected()
        collected.start(reader, consuming: true)
        #expect(eventually { collected.snapshot.bytes.count >= 20 })
        reader.halt()
        let atHalt = file.endOffset
        // A replacement server maps the same file, reads the same terminal into it, and is gone.
        let theirs = Array("THEIRS\n".utf8)
        let other = try MappedRing.open(path: path)
        theirs.withUnsafeBufferPointer { other.append($0) }
        #expect(file.endOffset == atHalt + UInt64(theirs.count))
        reader.resumeAtRingEnd()
        #expect(eventually { file.endOffset > atHalt + UInt64(theirs.count) + 5 })
        reader.stop()
        #expect(eventually { collected.snapshot.ended == ECANCELED })
        // Their bytes stay where they put them; what this reader read next follows them.
        var after: [UInt8] = []
        file.copy(from: atHalt, count: theirs.count + 5) { after += $0 }
        #expect(String(decoding: after, as: UTF8.self) == "THEIRS\ntick\r")
        try process.signal(SIGKILL)
        _ = try process.waitForExit()
        process.close()
    }

    @Test func stopEndsReadingOfAProgramThatKeepsRunning() throws {
        let process = try spawn("echo READY; exec sleep 30")
        let reader = try OutputReader(descriptor: process.masterDescriptor)
        let collected = Collected()
        collected.start(reader, consuming: true)
        #expect(eventually { collected.snapshot.bytes == Array("READY\r\n".utf8) })
        reader.stop()
        #expect(eventually { collected.snapshot.ended != nil })
        #expect(collected.snapshot.ended == ECANCELED)
        try process.signal(SIGKILL)
        _ = try process.waitForExit()
        process.close()
    }
}
