// The journal's writer: changes are handed to it from the server's event loop and written on a
// thread of its own, so a slow or failing disk never blocks a session. Changes that could not be
// written stay in order in a backlog (a session's older screens give way to its newest) and are
// tried again with the next change or `retry()`. Every submission's completion runs once the
// attempt that included it is over, with its outcome: the server answers `mux new`, `mux kill`
// and `mux label` only then (docs/journal.md, "Promises").

import Dispatch
import Glibc
import MuxSystem
import Synchronization

/// How a write went.
public enum JournalWriteOutcome: Equatable, Sendable {
    case written
    /// Not written (kept in the backlog, tried again later): why.
    case failed(String)
}

/// What `mux server status` shows of the journal.
public struct JournalWriterStatus: Equatable, Sendable {
    public var path: String
    /// The file and its WAL, in bytes.
    public var bytes: UInt64
    /// Milliseconds since 1970 of the last successful commit.
    public var lastWrite: UInt64?
    /// The last failure, while changes wait in the backlog; nil once they are written.
    public var error: String?
    public var backlog: Int
}

public final class JournalWriter: Sendable {
    /// What only the writer's queue touches (locked only to satisfy the compiler: uncontended).
    private struct State {
        var store: JournalStore?
        var backlog: [JournalChange] = []
    }

    /// What others read (`status`): its own lock, held for a moment, never during a write, so the
    /// event loop never waits for the disk.
    private struct Report {
        var lastWrite: UInt64?
        var error: String?
        var backlog = 0
        /// Time spent in the last successful write, in microseconds.
        var lastDuration: UInt64 = 0
    }

    public let path: String
    private let state: Mutex<State>
    private let report = Mutex(Report())
    private let queue = DispatchQueue(label: "mux.journal")

    /// `store` is the journal opened at start (nil when it could not be: the writer opens it when
    /// it first can).
    public init(path: String, store: JournalStore?) {
        self.path = path
        state = Mutex(State(store: store))
    }

    /// Writes `changes` in order (in one transaction, with whatever waits before them), then
    /// calls `completion` on the writer's thread.
    public func submit(_ changes: [JournalChange], completion: (@Sendable (JournalWriteOutcome) -> Void)? = nil) {
        queue.async { [self] in
            let packed = changes.map { change -> JournalChange in
                if case .screen(let id, let screen) = change { return .screen(id: id, screen.packedForWriting()) }
                return change
            }
            let outcome = state.withLock { state in
                Self.enqueue(packed, into: &state.backlog)
                return write(&state)
            }
            completion?(outcome)
        }
    }

    /// Tries the backlog again (the server calls this every few seconds while a write failed).
    public func retry() {
        queue.async { [self] in
            state.withLock { state in
                guard !state.backlog.isEmpty else { return }
                _ = write(&state)
            }
        }
    }

    /// Reads a session's saved screen on the writer's thread (after every change submitted
    /// before), then calls `completion` there; nil when there is none or it cannot be read.
    public func loadScreen(of id: Int64, completion: @escaping @Sendable (JournalScreen?) -> Void) {
        queue.async { [self] in
            let screen = state.withLock { state -> JournalScreen? in
                if state.store == nil { state.store = try? JournalStore(path: path) }
                return try? state.store?.screen(of: id)
            }
            completion(screen)
        }
    }

    /// Waits until everything submitted so far was tried (the server stopping).
    public func drain() {
        queue.sync {}
    }

    public var status: JournalWriterStatus {
        let (lastWrite, error, backlog) = report.withLock { ($0.lastWrite, $0.error, $0.backlog) }
        return JournalWriterStatus(
            path: path, bytes: Self.size(of: path) + Self.size(of: path + "-wal"), lastWrite: lastWrite, error: error,
            backlog: backlog)
    }

    /// Microseconds the last successful write took.
    public var lastDuration: UInt64 { report.withLock { $0.lastDuration } }

    /// Appends in order; a session's newest screen replaces one still waiting, and a deleted
    /// session's waiting screens are dropped.
    static func enqueue(_ changes: [JournalChange], into backlog: inout [JournalChange]) {
        for change in changes {
            switch change {
            case .screen(let id, _):
                if let index = backlog.lastIndex(where: { if case .screen(id, _) = $0 { true } else { false } }) {
                    backlog.remove(at: index)
                }
            case .delete(let id):
                backlog.removeAll { if case .screen(id, _) = $0 { true } else { false } }
            default: break
            }
            backlog.append(change)
        }
    }

    private func write(_ state: inout State) -> JournalWriteOutcome {
        guard !state.backlog.isEmpty else { return .written }
        do {
            let store: JournalStore
            if let open = state.store {
                store = open
            } else {
                store = try JournalStore(path: path)
                state.store = store
            }
            // How long it took by the monotonic clock (a wall clock set back meanwhile would make
            // the difference negative); when, by the wall clock, for people.
            let start = MonotonicClock.microseconds()
            try store.apply(state.backlog)
            let took = MonotonicClock.microseconds() - start
            state.backlog.removeAll()
            report.withLock { report in
                report.lastDuration = took
                report.lastWrite = Self.microseconds() / 1000
                report.error = nil
                report.backlog = 0
            }
            return .written
        } catch {
            // Opened again on the next try, so a directory made writable again is noticed.
            state.store = nil
            let reason = "\(error)"
            let waiting = state.backlog.count
            report.withLock { report in
                report.error = reason
                report.backlog = waiting
            }
            return .failed(reason)
        }
    }

    /// Now, by the wall clock, in microseconds since 1970.
    static func microseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000 + UInt64(time.tv_nsec / 1000)
    }

    static func size(of path: String) -> UInt64 {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return UInt64(info.st_size)
    }
}

/// Where a server's journal lives: `$XDG_STATE_HOME/mux/` (default `~/.local/state/mux/`), a
/// file named after the socket (its last component and a hash of its whole path, so two sockets
/// of the same name in different directories keep two journals).
public enum JournalLocation {
    public static func directory() -> String {
        if let state = getenv("XDG_STATE_HOME").map({ String(cString: $0) }), state.hasPrefix("/") {
            return state + "/mux"
        }
        let home = getenv("HOME").map { String(cString: $0) } ?? "/tmp"
        return home + "/.local/state/mux"
    }

    public static func path(forSocket socket: String, in directory: String = directory()) -> String {
        let name = socket.split(separator: "/").last.map(String.init) ?? "mux"
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in socket.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash >> 32, radix: 16)
        return directory + "/" + name + "-" + String(repeating: "0", count: 8 - hex.count) + hex + ".sqlite"
    }

    /// Creates the directory and its parents (0700) as needed; returns errno's text on failure.
    public static func prepare(_ directory: String) -> String? {
        var path = ""
        for component in directory.split(separator: "/") {
            path += "/" + component
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                return "cannot create \(path): \(String(cString: strerror(errno)))"
            }
        }
        return nil
    }
}
