// What the system tests share: a joinable thread that can be interrupted by a signal, and a
// private directory per test.

import Glibc
import MuxSystem
import Synchronization
import Testing

/// A thread the test can signal while it runs and join when it ends (`startThread`'s threads are
/// detached: signalling one that may have ended is undefined).
final class TestThread {
    private var thread = pthread_t()

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    init(_ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { context in
                // Threads inherit their creator's mask, and the test runner's block most signals.
                var interrupting = sigset_t()
                sigemptyset(&interrupting)
                sigaddset(&interrupting, SIGUSR1)
                pthread_sigmask(SIG_UNBLOCK, &interrupting, nil)
                Unmanaged<Body>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, context)
        precondition(rc == 0, "cannot start a thread: \(rc)")
    }

    /// Interrupts whatever system call the thread is in (see `installTestSignals`).
    func interrupt() { pthread_kill(thread, SIGUSR1) }

    func join() { pthread_join(thread, nil) }
}

/// Installs a SIGUSR1 handler that does nothing, without SA_RESTART: a blocked read or write on
/// a thread that receives it returns early, with EINTR or a short count. And ignores SIGPIPE (as
/// the server does), so that a reader that quits early fails its test instead of ending the
/// process. Never undone: tests run in parallel, and another may still be signalling.
let installTestSignals: Void = {
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { _ in }
    action.sa_flags = 0
    sigemptyset(&action.sa_mask)
    sigaction(SIGUSR1, &action, nil)
    signal(SIGPIPE, SIG_IGN)
}()

/// A directory of its own under /tmp, removed with everything in it when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/mux-system-XXXXXX".utf8CString)
        precondition(mkdtemp(&template) != nil, "cannot make a directory under /tmp")
        path = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        if let pid = try? spawnProgram(["/bin/rm", "-rf", path]) { _ = try? waitForProcess(pid) }
    }
}

/// `count` bytes that are not all alike, so a byte lost or repeated shows.
func pattern(_ count: Int) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 11) }
}

/// Expects `received` to be `expected`; if not, says where they part, in one line (an expectation
/// comparing megabytes would print them all, and take minutes to).
func expectSameBytes(_ received: [UInt8], _ expected: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
    guard received != expected else { return }
    let common = zip(received, expected).prefix { $0 == $1 }.count
    Issue.record(
        "\(received.count) bytes received, \(expected.count) expected; they differ from byte \(common) on",
        sourceLocation: sourceLocation)
}

/// A value a test and its thread both use.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}
