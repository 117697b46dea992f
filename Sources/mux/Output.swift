// What commands print and write, and the clock they wait by: plain system calls, no Foundation.

import ArgumentParser
import Glibc
import MuxSystem

/// Writes `text` and a newline to standard output. (Not `print`: its dynamic casts cost a
/// start-up that scripts calling mux in loops would pay: 0.5 ms of CPU in a static hello world here.)
func writeLine(_ text: String) {
    writeOut(text + "\n")
}

/// Writes `text` to standard output whole.
func writeOut(_ text: String) {
    try? writeAll(1, text)
}

/// One line on standard error.
func printError(_ line: String) {
    try? writeAll(2, line + "\n")
}

/// Writes `text` to the file at `path`, replacing it.
func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    guard (try? writeAll(fd, text)) != nil else { throw ValidationError("cannot write \(path)") }
}
