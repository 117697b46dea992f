// Reads a program's terminal on a thread of its own and hands what it read to an owner in chunks,
// with a bound on what is handed over but not yet handled. A PTY gives at most about 4 KiB per
// read, and each read makes the kernel wake its flush worker and often wait for it: done on the
// event loop, that wait stalls the parsing of what was already read. Here the reads of the next
// chunk overlap with the handling of the last (docs/server.md, "Reading a program's output").
// The chunks are views into one ring of bytes, allocated once: reading allocates nothing, and a
// flooding session holds that ring (128 KiB unless its owner gives a larger one) for its output,
// whatever the flood. An owner that gives a ring mapped from a file (`MappedRing`) has every
// byte read there, and its end offset, in the page cache the moment `read` returns: that is the
// input ring a recovering server replays (docs/lifecycle.md).

import Glibc
import MuxSystem

/// Reads a descriptor on its own thread until end of file, error or `stop()`.
public final class OutputReader: @unchecked Sendable {
    /// Bytes read, in the reader's ring: valid until the owner has `consumed` them.
    public struct Chunk: @unchecked Sendable {
        public let bytes: UnsafeBufferPointer<UInt8>
    }

    /// Two chunks: one being handled while the next is read.
    public static let defaultInFlightLimit = 1 << 17
    /// The most one read asks for.
    public static let defaultChunkSize = 1 << 16

    public let chunkSize: Int
    /// The most bytes handed over and not yet `consumed` (the ring's size); reading waits beyond it.
    public let inFlightLimit: Int
    /// Where reads go; its end offset counts every byte read.
    public let buffer: MappedRing
    private let ring: UnsafeMutablePointer<UInt8>
    /// Where the next read goes in the ring; only the reader's thread uses it (and
    /// `resumeAtRingEnd`, while that thread is parked by a halt).
    private var writeOffset: Int
    private let descriptor: Int32
    /// A pipe that `stop` writes to, so that a reader waiting in `poll` ends.
    private let wake: Int32
    private let wakeWriter: Int32
    // Allocated, not stored inline: a pthread mutex must not move, and `&property` promises no
    // stable address.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var inFlight = 0
    private var paused = false
    /// Set by `halt`, cleared only by `resumeAtRingEnd`: a flow-control `resume` does not end it.
    private var halted = false
    /// The reader's thread is waiting for `resume` (or for room), not reading.
    private var parked = false
    private var stopped = false
    private var ended = false
    private let parkedCondition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var descriptorOpen = true
    /// Chunks read and not yet taken, oldest first.
    private var waiting: [Chunk] = []

    /// Takes a duplicate of `descriptor` (closed when reading ends, whatever happens to the
    /// original); nothing is read until `start`. Reads go into `buffer` from its end offset on (a
    /// ring of `inFlightLimit` bytes in memory when nil), which must hold at least `inFlightLimit`.
    public init(
        descriptor: Int32, chunkSize: Int = defaultChunkSize, inFlightLimit: Int = defaultInFlightLimit,
        buffer: MappedRing? = nil
    ) throws(SystemError) {
        precondition(chunkSize > 0 && inFlightLimit >= chunkSize)
        self.chunkSize = chunkSize
        self.inFlightLimit = inFlightLimit
        let ring: MappedRing
        if let buffer {
            ring = buffer
        } else {
            ring = try MappedRing.anonymous(capacity: inFlightLimit)
        }
        precondition(ring.capacity >= inFlightLimit)
        self.buffer = ring
        self.ring = ring.data
        writeOffset = ring.position(of: ring.endOffset)
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw SystemError("duplicate the terminal descriptor", errorNumber: errno) }
        // Reads go on until the terminal has no more for now, so they must not block.
        _ = fcntl(copy, F_SETFL, fcntl(copy, F_GETFL) | O_NONBLOCK)
        let wakePipe: (read: Int32, write: Int32)
        do {
            wakePipe = try makePipe(nonblockingWrite: true)
        } catch {
            close(copy)
            throw error
        }
        self.descriptor = copy
        self.wake = wakePipe.read
        self.wakeWriter = wakePipe.write
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
        pthread_cond_init(parkedCondition, nil)
    }

    deinit {
        // Closed here, not when reading ends: a late `stop` must not write into a closed pipe.
        close(wake)
        close(wakeWriter)
        if descriptorOpen { close(descriptor) }  // never started
        pthread_cond_destroy(condition)
        pthread_cond_destroy(parkedCondition)
        parkedCondition.deallocate()
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Starts reading. `ready` runs on the reader's thread when a chunk has been read while no
    /// other was waiting to be taken: the owner then calls `takeChunks` (on its own thread, when it
    /// gets to it), handles the chunks in order and calls `consumed` with each one's size once it
    /// is done with its bytes. `ended` runs once, after the last `ready`, with the `errno` that
    /// ended reading (0 for end of file, `EIO` when a PTY's program side closed, `ECANCELED` after
    /// `stop`); chunks may still be waiting then.
    ///
    /// The owner decides how `ready` reaches it. An event loop should not be handed a task per
    /// chunk: a loop that runs tasks until none are left would never get back to its sockets
    /// while a flood keeps adding them.
    public func start(ready: @escaping @Sendable () -> Void, ended: @escaping @Sendable (Int32) -> Void) {
        startThread { [self] in
            let reason = run(ready)
            withLock {
                close(descriptor)
                descriptorOpen = false
                self.ended = true
                pthread_cond_broadcast(parkedCondition)
            }
            ended(reason)
        }
    }

    /// The chunks read since the last call, oldest first.
    public func takeChunks() -> [Chunk] {
        withLock {
            defer { waiting.removeAll(keepingCapacity: true) }
            return waiting
        }
    }

    /// The oldest chunks read, `limit` bytes of them at most (the rest of a chunk stays
    /// waiting), and whether more is waiting. The reader rings `ready` only when a chunk arrives
    /// while none waits: an owner that leaves some waiting comes back for it by itself.
    public func takeChunks(upTo limit: Int) -> (chunks: [Chunk], more: Bool) {
        withLock {
            var taken: [Chunk] = []
            var left = limit
            while left > 0, let first = waiting.first {
                if first.bytes.count <= left {
                    taken.append(first)
                    left -= first.bytes.count
                    waiting.removeFirst()
                } else {
                    taken.append(Chunk(bytes: UnsafeBufferPointer(rebasing: first.bytes[..<left])))
                    waiting[0] = Chunk(bytes: UnsafeBufferPointer(rebasing: first.bytes[left...]))
                    left = 0
                }
            }
            return (taken, !waiting.isEmpty)
        }
    }

    /// Bytes read and not yet taken.
    public var waitingBytes: Int {
        withLock { waiting.reduce(0) { $0 + $1.bytes.count } }
    }

    /// The owner is done with the oldest `count` bytes it was given; the reader may reuse them.
    public func consumed(_ count: Int) {
        withLock {
            inFlight -= count
            pthread_cond_signal(condition)
        }
    }

    /// Stops reading after the chunk being read (the kernel then holds the program back) until
    /// `resume`.
    public func pause() { withLock { paused = true } }

    /// Waits until the reader's thread is not inside a read (or reading has ended): from then on,
    /// until `resumeAtRingEnd`, nothing more is read, whatever `pause` and `resume` say (flow
    /// control goes on meanwhile). A server handing its sessions to another (docs/lifecycle.md)
    /// halts every reader before the other reads the input rings.
    public func halt() {
        withLock { halted = true }
        var one: UInt8 = 1
        _ = write(wakeWriter, &one, 1)
        withLock {
            while !parked && !ended { pthread_cond_wait(parkedCondition, mutex) }
        }
    }

    public func resume() {
        withLock {
            paused = false
            pthread_cond_signal(condition)
        }
    }

    /// Ends a halt. Another process may have appended to the ring meanwhile (a replacement server
    /// that read the same terminal into the same file, then was rolled back): the next read goes
    /// after their bytes, not over them. The owner must have consumed every chunk before the halt
    /// ended (a halted reader is parked, or has ended, and reads nothing).
    public func resumeAtRingEnd() {
        withLock {
            guard halted else { return }
            if parked && inFlight == 0 { writeOffset = buffer.position(of: buffer.endOffset) }
            halted = false
            pthread_cond_signal(condition)
        }
    }

    /// Ends reading; `ended` follows with `ECANCELED` unless reading had already ended.
    public func stop() {
        withLock {
            stopped = true
            pthread_cond_signal(condition)
        }
        var one: UInt8 = 1
        _ = write(wakeWriter, &one, 1)
    }

    private func withLock<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Waits until reading may go on; returns how much may be read into the ring from
    /// `writeOffset` on (free and contiguous, at most a chunk), or nil once stopped.
    private func allowance() -> Int? {
        withLock {
            while !stopped && (paused || halted || inFlight >= inFlightLimit) {
                parked = true
                pthread_cond_broadcast(parkedCondition)
                pthread_cond_wait(condition, mutex)
            }
            parked = false
            // Chunks are consumed in order, so the free bytes start at `writeOffset`; they may
            // wrap past the ring's end, and a read takes only the part before it.
            return stopped ? nil : min(chunkSize, inFlightLimit - inFlight, buffer.capacity - writeOffset)
        }
    }

    private func run(_ ready: () -> Void) -> Int32 {
        var watched = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        while let allowance = allowance() {
            if poll(&watched, 2, -1) < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if watched[1].revents != 0 {
                // A stop, or a halt that wants this thread parked: empty the pipe and look again.
                var drained = [UInt8](repeating: 0, count: 64)
                _ = read(wake, &drained, drained.count)
                if withLock({ stopped }) { return ECANCELED }
                continue
            }
            var reason: Int32?
            var count = 0
            while count < allowance {
                let n = read(descriptor, ring + writeOffset + count, allowance - count)
                if n > 0 {
                    count += n
                    // Published at once, before the next read: a byte taken from the terminal is
                    // inside the ring's extent from then on, so a kill -9 loses none of it (the
                    // ring may be a recovery file; docs/lifecycle.md). Published after the loop, a
                    // flood's 64 KiB of reads were lost to a kill that landed among them.
                    buffer.endOffset += UInt64(n)
                } else if n == 0 {
                    reason = 0
                    break
                } else if errno == EINTR {
                    continue
                } else {
                    if errno != EAGAIN { reason = errno }
                    break
                }
            }
            if count > 0 {
                let chunk = Chunk(bytes: UnsafeBufferPointer(start: ring + writeOffset, count: count))
                writeOffset = (writeOffset + count) % buffer.capacity
                let first = withLock {
                    inFlight += count
                    waiting.append(chunk)
                    return waiting.count == 1
                }
                if first { ready() }
            }
            if let reason { return reason }
        }
        return ECANCELED
    }
}
