// The server's private directory: the socket, its PID file and its log live here. It must belong to
// us and be closed to everyone else, or another user could stand in for the server.

import Glibc

/// A directory that only the current user may enter.
public enum RuntimeDirectory {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Creates `path` (and its parents) with mode 0700 if missing; refuses one that another user
    /// owns or that others may enter.
    public static func prepare(_ path: String) throws(Failure) {
        var components: [Substring] = []
        for part in path.split(separator: "/") {
            components.append(part)
            let prefix = (path.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
            if mkdir(prefix, 0o700) != 0 && errno != EEXIST {
                throw Failure(description: "cannot create \(prefix): \(String(cString: strerror(errno)))")
            }
        }
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(description: "\(path) is not a directory")
        }
        guard info.st_uid == getuid() else {
            throw Failure(description: "\(path) belongs to user \(info.st_uid), not to you (\(getuid()))")
        }
        if info.st_mode & 0o077 != 0 {
            throw Failure(description: "\(path) may be entered by other users; run `chmod 700 \(path)`")
        }
    }
}
