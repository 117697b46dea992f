// Reading the bench server's log between runs: a run during which the server resynced a client
// (or demoted a stalled holder) skipped output, so its time is not a throughput figure.

import Glibc

/// The server's log file, read from where the last read ended.
struct ServerLog {
    let path: String
    private var offset: off_t = 0

    init(path: String) {
        self.path = path
    }

    /// Ignores what the log holds so far.
    mutating func skipToEnd() {
        var info = stat()
        offset = stat(path, &info) == 0 ? info.st_size : 0
    }

    /// How many resyncs and demotions the server logged since the last read.
    mutating func resyncsSinceLastRead() -> Int {
        let text = readNew()
        return text.split(separator: "\n").filter {
            $0.contains(" fell behind in session ") || $0.contains(" demoted to resync")
        }.count
    }

    private mutating func readNew() -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, offset) }
            guard n > 0 else { break }
            bytes += buffer[..<n]
            offset += off_t(n)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
