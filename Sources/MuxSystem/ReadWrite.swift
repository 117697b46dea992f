// Reading a descriptor to its end and writing all of a buffer to one, past interruptions
// (EINTR) and short writes: the loops every module needs, written once.

import Glibc

/// Writes all of `bytes` to `fd`, however many calls it takes.
public func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SystemError) {
    let code = writeAllReportingErrno(fd, bytes)
    if code != 0 { throw SystemError("write", errorNumber: code) }
}

/// Writes all of `bytes` to `fd`, however many calls it takes.
public func writeAll(_ fd: Int32, _ bytes: some Collection<UInt8>) throws(SystemError) {
    let code =
        bytes.withContiguousStorageIfAvailable { writeAllReportingErrno(fd, UnsafeRawBufferPointer($0)) }
        ?? Array(bytes).withUnsafeBytes { writeAllReportingErrno(fd, $0) }
    if code != 0 { throw SystemError("write", errorNumber: code) }
}

/// Writes all of `text`, as UTF-8, to `fd`.
public func writeAll(_ fd: Int32, _ text: String) throws(SystemError) {
    var text = text
    let code = text.withUTF8 { writeAllReportingErrno(fd, UnsafeRawBufferPointer($0)) }
    if code != 0 { throw SystemError("write", errorNumber: code) }
}

/// The loop itself: 0 once everything is written, else the errno that stopped it. (Returned, not
/// thrown, so that it can run inside the standard library's untyped-rethrowing closures.)
private func writeAllReportingErrno(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32 {
    var offset = 0
    while offset < bytes.count {
        let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += n
    }
    return 0
}

/// Reads `fd` until end of file, handing each chunk to `body` as it arrives.
///
/// An error ends the reading and is thrown after the chunks before it were handed on. (A PTY's
/// master reports its program's side closing as EIO: callers reading one treat that as the end.)
/// - Parameter chunkSize: the most one read asks for.
public func readUntilEnd(
    _ fd: Int32, chunkSize: Int = 1 << 16, _ body: (ArraySlice<UInt8>) -> Void
) throws(SystemError) {
    var buffer = [UInt8](repeating: 0, count: chunkSize)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            throw SystemError("read")
        }
        if n == 0 { return }
        body(buffer[..<n])
    }
}

/// Everything `fd` gives until end of file.
public func readAll(_ fd: Int32) throws(SystemError) -> [UInt8] {
    var result: [UInt8] = []
    try readUntilEnd(fd) { result += $0 }
    return result
}
