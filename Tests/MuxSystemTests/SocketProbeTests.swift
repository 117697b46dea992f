// What SocketProbe tells of each thing a socket path can hold, made for real in a private
// directory: nothing, a listening socket, a socket nothing listens on, a plain file, another
// user's file.

import Glibc
import MuxSystem
import Testing

/// A Unix socket bound at `path`; listening when `listen` is set. Returns its descriptor.
private func bindSocket(at path: String, listen: Bool) -> Int32 {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    precondition(fd >= 0)
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    let rc = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
    }
    precondition(rc == 0, "bind \(path): \(errno)")
    if listen { precondition(Glibc.listen(fd, 4) == 0) }
    return fd
}

@Suite struct SocketProbeTests {
    @Test func nothingAtThePathIsAbsent() {
        let directory = TemporaryDirectory()
        #expect(SocketProbe.probe(directory.path + "/none.sock") == .absent)
        #expect(SocketProbe.probe(directory.path + "/no/such/directory.sock") == .absent)
    }

    @Test func aListeningSocketIsAnswering() {
        let directory = TemporaryDirectory()
        let path = directory.path + "/live.sock"
        let fd = bindSocket(at: path, listen: true)
        defer { close(fd) }
        #expect(SocketProbe.owner(path) == .stale, "lstat alone cannot tell")
        #expect(SocketProbe.probe(path) == .answering)
    }

    @Test func aSocketNothingListensOnIsStale() {
        let directory = TemporaryDirectory()
        let path = directory.path + "/dead.sock"
        close(bindSocket(at: path, listen: false))  // as a server that died leaves it
        #expect(SocketProbe.probe(path) == .stale)
    }

    @Test func aPlainFileOrADirectoryIsNotASocket() {
        let directory = TemporaryDirectory()
        let file = directory.path + "/file.sock"
        close(open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
        #expect(SocketProbe.probe(file) == .notASocket)
        let subdirectory = directory.path + "/dir.sock"
        mkdir(subdirectory, 0o700)
        #expect(SocketProbe.probe(subdirectory) == .notASocket)
    }

    @Test func aSymbolicLinkIsNotASocketEvenToALiveOne() {
        let directory = TemporaryDirectory()
        let live = directory.path + "/live.sock"
        let fd = bindSocket(at: live, listen: true)
        defer { close(fd) }
        let link = directory.path + "/link.sock"
        symlink(live, link)
        #expect(SocketProbe.probe(link) == .notASocket)
    }

    // Giving a file to another user needs root.
    @Test(.enabled(if: getuid() == 0)) func anotherUsersSocketIsForeign() {
        let directory = TemporaryDirectory()
        let path = directory.path + "/foreign.sock"
        close(bindSocket(at: path, listen: false))
        #expect(lchown(path, 65534, 65534) == 0)
        #expect(SocketProbe.probe(path) == .foreign(uid: 65534))
    }

    @Test func connectingNamesThePathAndTheErrno() {
        let directory = TemporaryDirectory()
        let path = directory.path + "/dead.sock"
        close(bindSocket(at: path, listen: false))
        #expect(throws: SystemError("connect to \(path)", errorNumber: ECONNREFUSED)) {
            try UnixSocket.connect(to: path)
        }
        let long = directory.path + "/" + String(repeating: "x", count: 120)
        #expect(throws: SystemError("connect to \(long)", errorNumber: ENAMETOOLONG)) {
            try UnixSocket.connect(to: long)
        }
    }
}
