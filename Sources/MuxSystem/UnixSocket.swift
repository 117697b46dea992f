// A Unix-domain stream socket: connect to a path (blocking: the client talks to the server
// through it, and `SocketProbe` uses it to tell a live server from a stale socket file), or bind
// one for the server to listen on.

import Glibc

public enum UnixSocket {
    /// A connected stream socket to `path` (close-on-exec).
    public static func connect(to path: String) throws(SystemError) -> Int32 {
        try withAddress(path, "connect to \(path)") { fd, address, length in Glibc.connect(fd, address, length) }
    }

    /// A stream socket bound to `path` (close-on-exec), not yet listening. The server hands it to
    /// NIO (`withBoundSocket`), which listens on it and, unlike a socket NIO bound itself, does
    /// not remove `path` when it closes it: the path may name another server's socket by then.
    public static func bind(to path: String) throws(SystemError) -> Int32 {
        try withAddress(path, "bind \(path)") { fd, address, length in Glibc.bind(fd, address, length) }
    }

    /// A new socket, on which `call` is made with `path`'s address; closed again if it fails.
    private static func withAddress(
        _ path: String, _ operation: String,
        _ call: (Int32, UnsafePointer<sockaddr>, socklen_t) -> Int32
    ) throws(SystemError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw SystemError(operation, errorNumber: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                call(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw SystemError(operation, errorNumber: code)
        }
        return fd
    }
}
