// The terminal's foreground process as /proc tells it, against real programs in real PTYs.

import Glibc
import MuxPTY
import Testing

private let environment = ["PATH=/usr/bin:/bin", "HOME=/tmp"]
private let size = TerminalSize(columns: 80, rows: 24)

/// Polls `read` until `done` holds for its result (up to 10 s), and gives the last result.
private func eventually<T>(_ read: () -> T, until done: (T) -> Bool) -> T {
    var value = read()
    for _ in 0..<1000 where !done(value) {
        usleep(10_000)
        value = read()
    }
    return value
}

@Suite struct ForegroundProcessTests {
    @Test func aProgramReadingTheTerminalWaitsForInput() throws {
        let process = try PTYProcess.spawn(
            ["/bin/sh", "-c", "cd /tmp && exec cat"], environment: environment, size: size)
        defer {
            try? process.signal(SIGKILL)
            _ = try? process.waitForExit()
        }
        let facts = eventually(
            { ForegroundProcess.of(terminal: process.masterDescriptor) },
            until: { $0?.activity == .waitingForInput && $0?.command == "cat" })
        #expect(facts?.pid == process.pid)
        #expect(facts?.command == "cat")
        #expect(facts?.workingDirectory == "/tmp")
        #expect(facts?.activity == .waitingForInput)
    }

    @Test func aSleepingProgramIsBusy() throws {
        let process = try PTYProcess.spawn(["/bin/sh", "-c", "exec sleep 5"], environment: environment, size: size)
        defer {
            try? process.signal(SIGKILL)
            _ = try? process.waitForExit()
        }
        let facts = eventually(
            { ForegroundProcess.of(terminal: process.masterDescriptor) },
            until: { $0?.command == "sleep 5" && $0?.activity != .unknown })
        #expect(facts?.command == "sleep 5")
        #expect(facts?.activity == .busy)
    }

    @Test func livenessIsThreeValued() throws {
        let process = try PTYProcess.spawn(["/bin/sh", "-c", "exec cat"], environment: environment, size: size)
        #expect(Liveness.of(process.pid) == .alive)
        try process.signal(SIGKILL)
        // Killed but not yet reaped: a zombie is dead already.
        let zombie = eventually({ Liveness.of(process.pid) }, until: { $0 == .dead })
        #expect(zombie == .dead)
        _ = try process.waitForExit()
        #expect(Liveness.of(process.pid) == .dead)
        #expect(Liveness.of(0) == .unknown)
        #expect(Liveness.of(1) == .alive)  // exists even where we may not signal it
    }

    @Test func statAndSyscallLines() {
        #expect(ForegroundProcess.state(fromStat: "42 (a) b (c)) S 1 42 42 34816") == "S")
        #expect(ForegroundProcess.state(fromStat: "garbage") == nil)
        let call = ForegroundProcess.syscall(from: "270 0x1 0x7fff26168d70 0x0 0x0 0x0 0x7ff 0x7ffe 0x7f35\n")
        #expect(call?.number == 270)
        #expect(call?.arguments == [1, 0x7fff_2616_8d70, 0, 0, 0, 0x7ff])
        #expect(ForegroundProcess.syscall(from: "running\n") == nil)
        #expect(ForegroundProcess.syscall(from: "-1 0x7ffd 0x7f0a\n") == nil)  // blocked, not in a call
    }
}
