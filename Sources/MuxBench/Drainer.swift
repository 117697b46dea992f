// Reads many users' terminals on one thread and counts what each received: the load section's
// hundreds of attached clients (docs/benchmarks.md, "Load"), where a thread per terminal would
// add hundreds of threads to the machine being measured.

import Glibc
import MuxSystem
import Synchronization

/// Drains terminals added to it until `stop()`, counting the bytes each delivered.
final class Drainer: Sendable {
    private struct State {
        var descriptors: [Int32] = []
        var delivered: [Int] = []
        var stopped = false
    }

    private let state = Mutex(State())
    /// Written to when a terminal is added or the drainer stops, so that `poll` looks again.
    private let wake: (read: Int32, write: Int32)

    init() throws {
        do {
            wake = try makePipe(nonblockingWrite: true)
        } catch {
            throw BenchError("no pipe for the drainer")
        }
        _ = fcntl(wake.read, F_SETFL, fcntl(wake.read, F_GETFL) | O_NONBLOCK)
        startThread { [self] in run() }
    }

    /// Starts draining `descriptor` (which stays the caller's); returns its index for `delivered`.
    func add(_ descriptor: Int32) -> Int {
        let index = state.withLock { state in
            state.descriptors.append(descriptor)
            state.delivered.append(0)
            return state.descriptors.count - 1
        }
        ring()
        return index
    }

    /// Bytes terminal `index` has delivered so far.
    func delivered(_ index: Int) -> Int {
        state.withLock { $0.delivered[index] }
    }

    /// Every terminal's count, in the order they were added.
    var allDelivered: [Int] { state.withLock { $0.delivered } }

    /// Stops reading; the descriptors stay open (their owners close them).
    func stop() {
        state.withLock { $0.stopped = true }
        ring()
    }

    private func ring() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var watched: [pollfd] = []
        var known = 0
        defer {
            close(wake.read)
            close(wake.write)
        }
        while true {
            let (stopped, descriptors) = state.withLock { ($0.stopped, $0.descriptors) }
            if stopped { return }
            while known < descriptors.count {
                watched.append(pollfd(fd: descriptors[known], events: Int16(POLLIN), revents: 0))
                known += 1
            }
            var all = watched + [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            if poll(&all, nfds_t(all.count), 200) < 0 {
                if errno == EINTR { continue }
                return
            }
            if all[all.count - 1].revents != 0 {
                _ = buffer.withUnsafeMutableBytes { read(wake.read, $0.baseAddress, $0.count) }
            }
            var counts: [(Int, Int)] = []
            for index in watched.indices where all[index].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(watched[index].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    counts.append((index, n))
                } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                    // EIO once the terminal's program (the client) has gone: stop watching it.
                    watched[index].fd = -1
                }
            }
            if !counts.isEmpty {
                state.withLock { state in
                    for (index, n) in counts { state.delivered[index] += n }
                }
            }
        }
    }
}
