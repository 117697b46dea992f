// A blocking Unix-domain socket for the client side: connect, and tell a live server from a
// stale socket file (the server uses the same probe before it binds).

import Glibc

/// A failed system call, named, with its errno.
public struct SystemError: Error, CustomStringConvertible {
    public let operation: String
    public let errorNumber: Int32

    public init(_ operation: String, errorNumber: Int32 = errno) {
        self.operation = operation
        self.errorNumber = errorNumber
    }

    public var description: String { "\(operation): \(String(cString: strerror(errorNumber)))" }
}

public enum UnixSocket {
    /// A connected stream socket to `path` (close-on-exec).
    public static func connect(to path: String) throws(SystemError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw SystemError("connect to \(path)", errorNumber: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard rc == 0 else {
            let code = errno
            close(fd)
            throw SystemError("connect to \(path)", errorNumber: code)
        }
        return fd
    }
}

/// What is at a socket path.
public enum SocketProbe: Equatable {
    case absent
    /// A socket file nothing listens on: a server that died. Safe to remove.
    case stale
    case answering
    /// Owned by another user: never ours to use or remove.
    case foreign(uid: UInt32)
    /// Something other than a socket: not ours to remove either.
    case notASocket

    /// What `lstat` alone tells: absent, another user's, not a socket, or (`.stale` standing
    /// for "ours, not yet tried") a socket of ours.
    public static func owner(_ path: String) -> SocketProbe {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .absent }
        if info.st_uid != getuid() { return .foreign(uid: info.st_uid) }
        if info.st_mode & S_IFMT != S_IFSOCK { return .notASocket }
        return .stale
    }

    /// `owner`, then a connection attempt to tell a live server from a stale socket.
    public static func probe(_ path: String) -> SocketProbe {
        let found = owner(path)
        guard found == .stale else { return found }
        do {
            let fd = try UnixSocket.connect(to: path)
            close(fd)
            return .answering
        } catch {
            return error.errorNumber == ECONNREFUSED ? .stale : .absent
        }
    }
}
