// Small pieces the server needs from the system: editing an environment, and a log file.

import Glibc
import Logging

/// An environment as an ordered list of `NAME=value`, editable by name.
struct Environment {
    private(set) var entries: [String]

    init(_ entries: [String]) { self.entries = entries }

    subscript(name: String) -> String? {
        get {
            let prefix = name + "="
            return entries.last { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
        }
        set {
            let prefix = name + "="
            entries.removeAll { $0.hasPrefix(prefix) }
            if let newValue { entries.append(prefix + newValue) }
        }
    }
}

/// swift-log's handler for the server's log file: one line per message, with the time.
struct FileLogHandler: LogHandler {
    let descriptor: Int32
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var broken = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &broken)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp =
            "\(broken.tm_year + 1900)-\(two(broken.tm_mon + 1))-\(two(broken.tm_mday))T"
            + "\(two(broken.tm_hour)):\(two(broken.tm_min)):\(two(broken.tm_sec))Z"
        var line = "\(stamp) \(event.level) \(event.message)\n"
        line.withUTF8 { bytes in
            _ = write(descriptor, bytes.baseAddress, bytes.count)
        }
    }
}
