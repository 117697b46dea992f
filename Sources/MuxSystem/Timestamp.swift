// A moment to the second, as the server's log and the command line write it: ISO 8601 in UTC
// for logs, and local time for listings a person reads at this machine. No Foundation.

import Glibc

/// A moment, in whole seconds since 1970.
public struct Timestamp: Equatable, Sendable {
    public let secondsSince1970: Int

    public init(secondsSince1970: Int) { self.secondsSince1970 = secondsSince1970 }

    /// The current time.
    public static var now: Timestamp { Timestamp(secondsSince1970: time(nil)) }

    /// `2025-01-31T23:59:59Z`.
    public var utc: String {
        var seconds = time_t(secondsSince1970)
        var broken = tm()
        gmtime_r(&seconds, &broken)
        return Self.format(broken, between: "T") + "Z"
    }

    /// `2025-01-31 23:59:59` in this machine's time zone.
    public var local: String {
        var seconds = time_t(secondsSince1970)
        var broken = tm()
        localtime_r(&seconds, &broken)
        return Self.format(broken, between: " ")
    }

    private static func format(_ broken: tm, between separator: String) -> String {
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(broken.tm_year + 1900)-\(two(broken.tm_mon + 1))-\(two(broken.tm_mday))\(separator)"
            + "\(two(broken.tm_hour)):\(two(broken.tm_min)):\(two(broken.tm_sec))"
    }
}
