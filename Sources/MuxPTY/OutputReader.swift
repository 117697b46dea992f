// Reads a program's terminal on a thread of its own and hands what it read to an owner in chunks,
// with a bound on what is handed over but not yet handled. A PTY gives at most about 4 KiB per
// read, and each read makes the kernel wake its flush worker and often wait for it: done on the
// event loop, that wait stalls the parsing of what was already read. Here the reads of the next
// chunk overlap with the handling of the last (docs/server.md, "Reading a program's output").

import Glibc

/// Reads a descriptor on its own thread until end of file, error or `stop()`.
public final class OutputReader: @unchecked Sendable {
    /// Two chunks: one being handled while the next is read.
    public static let defaultInFlightLimit = 1 << 17

    public let chunkSize: Int
    /// The most bytes handed over and not yet `consumed`; reading waits beyond it.
    public let inFlightLimit: Int
    private let descriptor: Int32
    /// A pipe that `stop` writes to, so that a reader waiting in `poll` ends.
    private let wake: Int32
    private let wakeWriter: Int32
    private var mutex = pthread_mutex_t()
    private var condition = pthread_cond_t()
    private var inFlight = 0
    private var paused = false
    private var stopped = false
    private var descriptorOpen = true

    /// Takes a duplicate of `descriptor` (closed when reading ends, whatever happens to the
    /// original); nothing is read until `start`.
    public init(descriptor: Int32, chunkSize: Int = 1 << 16, inFlightLimit: Int = defaultInFlightLimit) throws(PTYError)
    {
        precondition(chunkSize > 0 && inFlightLimit >= chunkSize)
        self.chunkSize = chunkSize
        self.inFlightLimit = inFlightLimit
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw PTYError(operation: "duplicate the terminal descriptor", errorNumber: errno) }
        // Reads go on until the terminal has no more for now, so they must not block.
        _ = fcntl(copy, F_SETFL, fcntl(copy, F_GETFL) | O_NONBLOCK)
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else {
            let code = errno
            close(copy)
            throw PTYError(operation: "create a pipe", errorNumber: code)
        }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        self.descriptor = copy
        self.wake = ends[0]
        self.wakeWriter = ends[1]
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&condition, nil)
    }

    deinit {
        // Closed here, not when reading ends: a late `stop` must not write into a closed pipe.
        close(wake)
        close(wakeWriter)
        if descriptorOpen { close(descriptor) }  // never started
        pthread_cond_destroy(&condition)
        pthread_mutex_destroy(&mutex)
    }

    /// Starts reading. `deliver` runs on the reader's thread for every chunk, in order; the owner
    /// calls `consumed` once it has handled one. `ended` runs once, after the last `deliver`, with
    /// the `errno` that ended reading (0 for end of file, `EIO` when a PTY's program side closed,
    /// `ECANCELED` after `stop`).
    public func start(
        deliver: @escaping @Sendable ([UInt8]) -> Void, ended: @escaping @Sendable (Int32) -> Void
    ) {
        startThread { [self] in
            let reason = run(deliver)
            withLock {
                close(descriptor)
                descriptorOpen = false
            }
            ended(reason)
        }
    }

    /// The owner has handled `count` bytes of what was delivered.
    public func consumed(_ count: Int) {
        withLock {
            inFlight -= count
            pthread_cond_signal(&condition)
        }
    }

    /// Stops reading after the chunk being read (the kernel then holds the program back) until
    /// `resume`.
    public func pause() { withLock { paused = true } }

    public func resume() {
        withLock {
            paused = false
            pthread_cond_signal(&condition)
        }
    }

    /// Ends reading; `ended` follows with `ECANCELED` unless reading had already ended.
    public func stop() {
        withLock {
            stopped = true
            pthread_cond_signal(&condition)
        }
        var one: UInt8 = 1
        _ = write(wakeWriter, &one, 1)
    }

    private func withLock<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }

    /// Waits until reading may go on; returns how much may be read, or nil once stopped.
    private func allowance() -> Int? {
        withLock {
            while !stopped && (paused || inFlight >= inFlightLimit) { pthread_cond_wait(&condition, &mutex) }
            return stopped ? nil : min(chunkSize, inFlightLimit - inFlight)
        }
    }

    private func run(_ deliver: ([UInt8]) -> Void) -> Int32 {
        var watched = [
            pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wake, events: Int16(POLLIN), revents: 0),
        ]
        while let allowance = allowance() {
            let ready = poll(&watched, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if watched[1].revents != 0 { return ECANCELED }
            var reason: Int32?
            let bytes = [UInt8](unsafeUninitializedCapacity: allowance) { buffer, count in
                count = 0
                while count < allowance {
                    let n = read(descriptor, buffer.baseAddress! + count, allowance - count)
                    if n > 0 {
                        count += n
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
            }
            if !bytes.isEmpty {
                withLock { inFlight += bytes.count }
                deliver(bytes)
            }
            if let reason { return reason }
        }
        return ECANCELED
    }
}
