// A relay between clients and a server's socket that a test can cut and restore: the clients'
// connections end (end of stream, as when the server's process vanishes) while the server and its
// sessions go on, and nothing answers on the relay's path until it is restored. One thread owns
// every descriptor; the test talks to it through a pipe and waits for each answer.

import Glibc
import MuxSystem

final class SocketRelay: Sendable {
    let path: String
    private let commands: Int32
    private let answers: Int32

    /// Listens on `path` and connects each client that comes to `upstream`.
    init(listeningAt path: String, forwardingTo upstream: String) throws {
        self.path = path
        let toThread = try makePipe()
        let fromThread = try makePipe()
        commands = toThread.write
        answers = fromThread.read
        let listener = try Self.listen(path)
        let (input, output) = (toThread.read, fromThread.write)
        startThread { Self.run(listener: listener, path: path, upstream: upstream, commands: input, answers: output) }
    }

    deinit {
        _ = tell(UInt8(ascii: "q"))
        close(commands)
        close(answers)
    }

    /// Ends every relayed connection and stops listening (the path is removed), then returns.
    func cut() { _ = tell(UInt8(ascii: "c")) }

    /// Ends every relayed connection but keeps listening without accepting, as a keeper does
    /// while its next server starts: a client's connect succeeds and what it sends waits in the
    /// socket until `restore`, which relays it.
    func hold() { _ = tell(UInt8(ascii: "h")) }

    /// Listens on the path again (accepts again after `hold`), then returns.
    func restore() { _ = tell(UInt8(ascii: "r")) }

    private func tell(_ command: UInt8) -> Bool {
        var byte = command
        guard write(commands, &byte, 1) == 1 else { return false }
        return read(answers, &byte, 1) == 1
    }

    private static func listen(_ path: String) throws -> Int32 {
        unlink(path)
        let fd = try UnixSocket.bind(to: path)
        Glibc.listen(fd, 16)
        return fd
    }

    /// The thread: accepts, copies both ways, and carries out commands.
    private static func run(listener: Int32, path: String, upstream: String, commands: Int32, answers: Int32) {
        var listener = listener
        var accepting = true
        var pairs: [(Int32, Int32)] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func answer() {
            var byte: UInt8 = 1
            _ = write(answers, &byte, 1)
        }
        func closeAll() {
            for (a, b) in pairs {
                close(a)
                close(b)
            }
            pairs = []
        }
        while true {
            var fds = [
                pollfd(fd: commands, events: Int16(POLLIN), revents: 0),
                pollfd(fd: accepting ? listener : -1, events: Int16(POLLIN), revents: 0),
            ]
            for (a, b) in pairs {
                fds.append(pollfd(fd: a, events: Int16(POLLIN), revents: 0))
                fds.append(pollfd(fd: b, events: Int16(POLLIN), revents: 0))
            }
            if poll(&fds, nfds_t(fds.count), -1) < 0 { continue }
            if fds[0].revents != 0 {
                var command: UInt8 = 0
                let n = read(commands, &command, 1)
                switch n == 1 ? command : UInt8(ascii: "q") {
                case UInt8(ascii: "c"):
                    closeAll()
                    if listener >= 0 { close(listener) }
                    listener = -1
                    unlink(path)
                case UInt8(ascii: "h"):
                    closeAll()
                    accepting = false
                case UInt8(ascii: "r"):
                    if listener < 0 { listener = (try? listen(path)) ?? -1 }
                    accepting = true
                default:
                    closeAll()
                    if listener >= 0 { close(listener) }
                    unlink(path)
                    answer()
                    close(commands)
                    close(answers)
                    return
                }
                answer()
                continue
            }
            let polled = pairs.count  // a pair accepted below was not polled yet
            if listener >= 0, fds[1].revents != 0 {
                let client = accept(listener, nil, nil)
                if client >= 0 {
                    _ = fcntl(client, F_SETFD, FD_CLOEXEC)
                    if let server = try? UnixSocket.connect(to: upstream) {
                        pairs.append((client, server))
                    } else {
                        close(client)
                    }
                }
            }
            var ended: Set<Int> = []
            for (index, (a, b)) in pairs.prefix(polled).enumerated() {
                for (from, to, event) in [(a, b, fds[2 + 2 * index]), (b, a, fds[3 + 2 * index])]
                where event.revents != 0 {
                    let n = buffer.withUnsafeMutableBytes { read(from, $0.baseAddress, $0.count) }
                    if n <= 0 || !sendAll(to, buffer[..<n]) { ended.insert(index) }
                }
            }
            for index in ended.sorted(by: >) {
                close(pairs[index].0)
                close(pairs[index].1)
                pairs.remove(at: index)
            }
        }
    }

    /// Writes all of `bytes` without SIGPIPE; false when the other end has gone.
    private static func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }
}
