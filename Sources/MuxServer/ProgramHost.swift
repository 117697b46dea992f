// Who starts a session's program and reaps it. A server with a keeper (docs/lifecycle.md) asks
// the keeper, which stays the program's parent and holds its PTY master while servers come and
// go; a server without one (`mux server start --foreground`, the server's own tests) spawns and
// reaps its programs itself, and they die with it.

import Glibc
import MuxPTY
import MuxSystem

protocol ProgramHost: AnyObject {
    /// Starts a program in a new PTY; `tag` is what a later server needs to know it again.
    func spawn(
        _ arguments: [String], environment: [String], workingDirectory: String?, size: TerminalSize,
        tag: SessionTag
    ) throws(SpawnError) -> PTYProcess
    /// Arranges for the program's exit status to come through `door` for session `serial`.
    func watchExit(of process: PTYProcess, session serial: UInt64, door: ServerDoor)
    /// The session's name (or another fact in its tag) changed.
    func retag(_ process: PTYProcess, _ tag: SessionTag)
    /// The session has ended or is being killed: its PTY master may close for good.
    func release(_ process: PTYProcess)
}

/// The server is the program's parent: a thread per program waits for it.
final class OwnProgramHost: ProgramHost {
    func spawn(
        _ arguments: [String], environment: [String], workingDirectory: String?, size: TerminalSize,
        tag: SessionTag
    ) throws(SpawnError) -> PTYProcess {
        try PTYProcess.spawn(arguments, environment: environment, workingDirectory: workingDirectory, size: size)
    }

    func watchExit(of process: PTYProcess, session serial: UInt64, door: ServerDoor) {
        startThread {
            let status = (try? process.waitForExit()) ?? .exited(-1)
            door.post(.programExited(session: serial, status))
        }
    }

    func retag(_ process: PTYProcess, _ tag: SessionTag) {}
    func release(_ process: PTYProcess) {}
}

/// What the keeper keeps with a program for the next server: enough to list and restore its
/// session. Encoded as NUL-separated fields (no field can hold a NUL).
struct SessionTag: Equatable {
    var name: String
    var serial: UInt64
    var created: UInt64
    var scrollback: Int
    var keep: Bool
    var arguments: [String]

    static let version = "mux-tag-1"

    var encoded: [UInt8] {
        let fields = [Self.version, name, "\(serial)", "\(created)", "\(scrollback)", keep ? "1" : "0"] + arguments
        return Array(fields.joined(separator: "\u{0}").utf8)
    }
}

extension SessionTag {
    /// Nil when `bytes` is not a tag this server understands.
    init?(decoding bytes: [UInt8]) {
        let fields = bytes.split(separator: 0, omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard fields.count >= 6, fields[0] == Self.version, let serial = UInt64(fields[2]),
            let created = UInt64(fields[3]), let scrollback = Int(fields[4])
        else { return nil }
        self.init(
            name: fields[1], serial: serial, created: created, scrollback: scrollback, keep: fields[5] == "1",
            arguments: Array(fields[6...]))
    }
}
