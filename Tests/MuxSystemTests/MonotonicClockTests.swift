// MonotonicClock: the clocks timers and ages go by count from boot and only forward; they are not
// the wall clock, which may be set back or forward at any moment.

import Glibc
import MuxSystem
import Testing

@Suite struct MonotonicClockTests {
    @Test func itCountsFromBootNotFrom1970() throws {
        // /proc/uptime's first field is CLOCK_BOOTTIME in seconds (proc(5)).
        let fd = open("/proc/uptime", O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        let text = String(decoding: try readAll(fd), as: UTF8.self)
        let uptime = try #require(Double(text.prefix { $0 != " " }))
        let boot = MonotonicClock.secondsSinceBoot()
        #expect(abs(Double(boot) - uptime) < 2, "\(boot) s since boot, /proc/uptime says \(uptime)")
        // CLOCK_MONOTONIC leaves out time suspended: never ahead of the boot clock.
        #expect(MonotonicClock.milliseconds() / 1000 <= MonotonicClock.secondsSinceBoot())
        #expect(UInt64(time(nil)) > boot + 1_000_000_000)
    }

    @Test func itNeverGoesBack() {
        var last = MonotonicClock.microseconds()
        var wentBack = false
        for _ in 0..<100_000 {
            let now = MonotonicClock.microseconds()
            wentBack = wentBack || now < last
            last = now
        }
        #expect(!wentBack)
    }
}
