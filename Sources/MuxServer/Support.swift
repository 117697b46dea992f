// Small pieces the server needs from the system: editing an environment, and a log file.

import Logging
import MuxSystem

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
        try? writeAll(descriptor, "\(Timestamp.now.utc) \(event.level) \(event.message)\n")
    }
}
