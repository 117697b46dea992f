// An exclusive `flock(2)` on a file beside the socket, and the identity (device and inode) of a
// file. Servers starting on one socket take the lock from their probe through bind and listen, so
// only one of them binds and a stale socket is replaced by one server only (docs/server.md,
// "Lifecycle"). The lock file is never removed: removing it would let two starters lock two files.

import Glibc

/// An exclusive lock on a file, held until `unlock()` or until the process ends.
public final class FileLock {
    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { unlock() }

    /// Opens (creating it, mode 0600) and locks `path`, waiting while another process holds it.
    public static func lock(_ path: String) throws(SystemError) -> FileLock {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemError("open \(path)") }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let error = SystemError("lock \(path)")
                close(fd)
                throw error
            }
        }
        return FileLock(descriptor: fd)
    }

    /// Locks `path` if nobody holds it: nil when another process does. Throws when the file
    /// cannot be opened.
    public static func lockIfFree(_ path: String) throws(SystemError) -> FileLock? {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SystemError("open \(path)") }
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            guard code == EINTR else {
                close(fd)
                if code == EWOULDBLOCK { return nil }
                errno = code
                throw SystemError("lock \(path)")
            }
        }
        return FileLock(descriptor: fd)
    }

    /// Releases the lock (closing its descriptor); the next waiter takes it.
    public func unlock() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }
}

/// Which file a path names: its device and inode, as `lstat` sees them.
public struct FileIdentity: Equatable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    /// The file at `path` now, or nil when there is none.
    public init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
