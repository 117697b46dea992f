// One session's parts that do things: the program in its PTY, the emulator that mirrors its
// screen, the ring of its recent output and the OUTPUT frames shared by its clients. Every
// decision is its `machine`'s; `ServerState` carries out the machine's actions. Confined to the
// server's event loop (docs/server.md): not Sendable, reached from other threads only through
// `ServerDoor`.

import Glibc
import MuxPTY
import MuxProtocol
import MuxTerminal
import NIOCore

final class Session {
    /// Unique for the server's life (names are reused once a session is gone).
    let serial: UInt64
    let command: String
    /// The program and its arguments, as started (the journal keeps them to start it again).
    let arguments: [String]
    let created: UInt64
    let scrollbackLimit: Int
    let process: PTYProcess
    var machine: SessionMachine
    var emulator: Emulator
    var ring: OutputRing
    /// Its recovery files, when the server has a keeper and can be recovered (docs/lifecycle.md).
    var recovery: RecoveryFiles?
    /// Bytes read from the PTY and parsed: the input ring's offset of the next byte to parse.
    var inputParsed: UInt64 = 0
    /// The input offset of the last checkpoint, and whether one is wanted at the next rest.
    var checkpointInput: UInt64 = 0
    var checkpointDue = false
    /// OUTPUT frames not yet written to every live client.
    var frames = OutputFrames()
    /// The PTY's channel, for writing to the program (its output is read by `reader`, which
    /// rings `doorbell` when it has chunks waiting).
    var pty: Channel?
    var reader: OutputReader?
    var doorbell: Channel?
    /// The doorbell's other end: the loop rings it itself when it left output waiting.
    var bell: Doorbell?
    /// Parsed output not yet handed on to the ring and the clients.
    var forward: [UInt8] = []
    var handOnScheduled = false
    /// When the program last wrote and a client last wrote to it (milliseconds since 1970):
    /// stamped once per chunk handed on and per input, not per byte.
    var lastOutput: UInt64?
    var lastInput: UInt64?
    /// When (seconds since boot, `MonotonicClock.secondsSinceBoot`) the program exited and the
    /// session was listed as exited: its age decides when it is collected.
    var exitedAt: UInt64?

    static let ringCapacity = 1 << 20
    /// A flood's parsed output is handed on in pieces of up to this many bytes (or after 2 ms).
    static let largestChunk = 1 << 16
    /// A chunk at least this long was one full PTY read: more is likely on its way.
    static let fullRead = 4000

    init(
        serial: UInt64, machine: SessionMachine, command: [String], process: PTYProcess, created: UInt64,
        scrollback: Int, ring: OutputRing? = nil
    ) {
        self.ring = ring ?? OutputRing(capacity: Session.ringCapacity)
        self.scrollbackLimit = scrollback
        self.serial = serial
        self.machine = machine
        self.command = command.joined(separator: " ")
        self.arguments = command
        self.process = process
        self.created = created
        emulator = Emulator(columns: Int(machine.columns), rows: Int(machine.rows), scrollbackLimit: scrollback)
    }

    var name: String { machine.name }

    /// What the keeper keeps with the program for the next server.
    var tag: SessionTag {
        SessionTag(
            name: name, serial: serial, created: created, scrollback: scrollbackLimit, keep: machine.keep,
            arguments: arguments)
    }

    /// What `mux ls` and `mux status` show. Reads /proc and the PTY (a few small reads per
    /// session): only on request, never on the output path.
    var summary: SessionSummary {
        let state: SessionSummary.State =
            switch machine.lifecycle {
            case .starting: .starting
            case .running, .draining: .running
            case .exited, .ended: .exited
            }
        let exited = state == .exited
        let foreground = exited ? nil : ForegroundProcess.of(terminal: process.masterDescriptor)
        let liveness: SessionSummary.Liveness =
            switch exited ? .dead : Liveness.of(process.pid) {
            case .unknown: .unknown
            case .alive: .alive
            case .dead: .dead
            }
        let activity: SessionSummary.Activity =
            switch foreground?.activity {
            case .waitingForInput: .waitingForInput
            case .busy: .busy
            case .unknown, nil: .unknown
            }
        let commands = emulator.terminal.commandState
        let phase: SessionSummary.CommandPhase =
            switch commands.phase {
            case .unknown: .unknown
            case .prompt: .prompt
            case .input: .input
            case .running: .running
            }
        let title = emulator.terminal.title
        return SessionSummary(
            name: name, command: command, columns: machine.columns, rows: machine.rows, state: state,
            exitStatus: exited ? machine.exitStatus?.shellStatus : nil, clients: UInt16(machine.attachments.count),
            holder: machine.lease.holder ?? "", created: created, pid: process.pid, liveness: liveness,
            activity: activity, foregroundPID: foreground?.pid, foregroundCommand: foreground?.command,
            workingDirectory: foreground?.workingDirectory, lastOutput: lastOutput, lastInput: lastInput,
            title: title.isEmpty ? nil : title, commandPhase: phase, lastCommandStatus: commands.lastStatus,
            commandsFinished: commands.finished)
    }

    /// Now, in milliseconds since 1970: the wall clock, for times shown to people (never for a
    /// duration: `MonotonicClock`).
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1000 + UInt64(time.tv_nsec / 1_000_000)
    }

    /// Appends `count` parsed bytes from `forward` to the ring, and to the shared frames when a
    /// live client will need them; returns the count (the machine's `output` event).
    func appendForwarded(allocator: ByteBufferAllocator) -> Int {
        let count = forward.count
        guard count > 0 else { return 0 }
        let offset = ring.append(forward)
        if machine.hasLiveClient {
            frames.append(forward[...], at: offset, allocator: allocator)
        }
        forward.removeAll(keepingCapacity: true)
        return count
    }

    /// The next OUTPUT frame for a client whose cursor is at `offset`: the shared one starting
    /// there, or (after a backlog from `since`) one made from the ring up to the next shared one.
    func outputFrame(at offset: UInt64, allocator: ByteBufferAllocator) -> (frame: ByteBuffer, end: UInt64)? {
        if let shared = frames.frame(at: offset) { return shared }
        let limit = min(machine.endOffset, frames.start(after: offset) ?? machine.endOffset, offset + 1 << 16)
        guard offset >= ring.startOffset, offset < limit else { return nil }
        var frame = allocator.buffer(capacity: 18 + Int(limit - offset))
        frame.writeBytes(Message.outputHeader(offset: offset, count: Int(limit - offset)))
        ring.copy(from: offset, count: Int(limit - offset)) { frame.writeBytes($0) }
        return (frame, limit)
    }
}

extension SessionMachine {
    /// Whether some client receives output as it comes.
    var hasLiveClient: Bool {
        attachments.contains { if case .live = $0.phase { true } else { false } }
    }
}
