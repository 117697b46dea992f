// Time that never jumps, for every timer, timeout, rate and age: the wall clock (time(2),
// CLOCK_REALTIME) may be set back or forward at any moment (NTP stepping it, a person, a virtual
// machine resumed), so a difference of two readings of it can be wrong by hours or negative. The
// wall clock is for timestamps a person reads (logs, `mux ls`, the journal's times).

import Glibc

/// The kernel's clocks that only move forward (clock_gettime(2)).
public enum MonotonicClock {
    /// Milliseconds on CLOCK_MONOTONIC, as NIO's timers count: for durations and pacing. It stands
    /// still while the machine is suspended.
    public static func milliseconds() -> UInt64 {
        nanoseconds(CLOCK_MONOTONIC) / 1_000_000
    }

    /// Seconds on CLOCK_MONOTONIC, with the fraction: for timeouts, frame pacing and measurements.
    public static func seconds() -> Double {
        Double(nanoseconds(CLOCK_MONOTONIC)) / 1e9
    }

    /// Microseconds on CLOCK_MONOTONIC.
    public static func microseconds() -> UInt64 {
        nanoseconds(CLOCK_MONOTONIC) / 1000
    }

    /// Seconds on CLOCK_BOOTTIME: as CLOCK_MONOTONIC, but a suspended machine's time counts too,
    /// for ages measured in hours (a night's suspend makes a session a night older).
    public static func secondsSinceBoot() -> UInt64 {
        nanoseconds(CLOCK_BOOTTIME) / 1_000_000_000
    }

    private static func nanoseconds(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
