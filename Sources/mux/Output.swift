// What commands print and write, and the clock they wait by: plain system calls, no Foundation.

import ArgumentParser
import Glibc

/// Writes `text` and a newline to standard output. (Not `print`: its dynamic casts cost a
/// start-up that scripts calling mux in loops would pay: 0.5 ms of CPU in a static hello world here.)
func writeLine(_ text: String) {
    writeOut(text + "\n")
}

/// Writes `text` to standard output whole.
func writeOut(_ text: String) {
    var text = text
    text.withUTF8 { bytes in
        var offset = 0
        while offset < bytes.count {
            let n = write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

/// One line on standard error.
func printError(_ line: String) {
    var text = line + "\n"
    _ = text.withUTF8 { Glibc.write(2, $0.baseAddress, $0.count) }
}

/// Writes `text` to the file at `path`, replacing it.
func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var text = text
    let written = text.withUTF8 { write(fd, $0.baseAddress, $0.count) }
    guard written == text.utf8.count else { throw ValidationError("cannot write \(path)") }
}
