// What is at a socket path: nothing, a live server, a stale socket of ours, or something not
// ours to touch. The server probes before it binds; the client before it connects or starts one.

import Glibc

/// What is at a socket path.
public enum SocketProbe: Equatable, Sendable {
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
