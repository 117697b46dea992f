// How a program's output gets from its PTY to its session on the event loop. An `OutputReader`
// reads the PTY on a thread of its own (docs/server.md, "Reading a program's output"); when it
// has chunks waiting it rings a doorbell: one byte down a pipe whose read end is a NIO channel of
// the session's. So the loop takes the chunks as I/O, in turn with every socket, and not as
// tasks: NIO runs tasks until none are left, and a flood adding one per chunk would keep it from
// its sockets. What is typed goes to the PTY through a second channel, so that a failed write
// (which closes that channel) cannot silence the output.

import Glibc
import Logging
import MuxPTY
import MuxSystem
import NIOCore
import NIOPosix

/// A session's reader and the two ends of its doorbell.
struct ProgramOutput {
    let reader: OutputReader
    let doorbell: Doorbell
    let doorbellInput: Int32

    /// `input` is where the reader reads into: the session's input ring, or nil for memory only.
    init(terminal: Int32, input: MappedRing? = nil) throws(SystemError) {
        reader = try OutputReader(descriptor: terminal, buffer: input)
        // A full pipe already holds rings enough: ringing must never block the reader.
        let ends = try makePipe(nonblockingWrite: true)
        doorbellInput = ends.read
        doorbell = Doorbell(ends.write)
    }
}

/// The writing end of a doorbell pipe; closed when the last reference goes (the reader's thread
/// holds one until reading has ended).
final class Doorbell: Sendable {
    let descriptor: Int32

    init(_ descriptor: Int32) { self.descriptor = descriptor }

    func ring() {
        var byte: UInt8 = 1
        _ = write(descriptor, &byte, 1)
    }

    deinit { close(descriptor) }
}

/// Reads a session's doorbell: its reader has chunks waiting.
final class DoorbellHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let server: ServerState
    let session: Session

    init(server: ServerState, session: Session) {
        self.server = server
        self.session = session
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // the bytes only say "look"

    func channelReadComplete(context: ChannelHandlerContext) {
        server.programOutputWaits(session)
    }
}

@available(*, unavailable)
extension DoorbellHandler: Sendable {}

/// Writes what is typed to the program; its output comes from the reader.
final class ProgramInputHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // EIO once the program's side has closed: its reader reports the end of the output.
        context.close(promise: nil)
    }
}

extension ServerState {
    /// The most bytes of backlogged output parsed in one turn of the loop, in all sessions, and
    /// by one session: a few hundred microseconds of parsing.
    static let outputPerTurn = 1 << 16
    static let outputPerSessionTurn = 1 << 14

    /// The session's doorbell rang: its reader has output waiting. A little (what a keystroke's
    /// echo or a prompt makes) is parsed at once, whatever else is waiting. A backlog (a burst, a
    /// flood) gets a slice, within what is left of this turn's allowance, and the session rings
    /// its own doorbell for the rest: the loop comes back to it after the other channels that are
    /// ready, so a keystroke or an echo in one session never waits behind the bursts of all the
    /// others, only behind one turn's allowance of them. (A task would not do: NIO runs tasks
    /// until none are left before it looks at its channels again.)
    func programOutputWaits(_ session: Session) {
        guard let reader = session.reader else { return }
        guard reader.waitingBytes >= Session.fullRead else {
            takeProgramOutput(session)
            return
        }
        if outputThisTurn == 0 {
            // Tasks run once this turn's channels have been handled: the next turn starts afresh.
            loop.assumeIsolated().execute { [self] in outputThisTurn = 0 }
        }
        let allowance = min(Self.outputPerSessionTurn, Self.outputPerTurn - outputThisTurn)
        var more = true
        if allowance > 0 {
            outputThisTurn += allowance
            more = takeProgramOutput(session, limit: allowance)
        }
        if more { session.bell?.ring() }
    }

    /// Opens the session's two channels (the doorbell, and the PTY for input), then starts its
    /// reader; the machine learns whether the channels opened. When reading ends, the door says
    /// so (`ServerDoor.Event.terminalEnded`).
    func startReading(_ session: Session, _ output: ProgramOutput) {
        let terminal = fcntl(session.process.masterDescriptor, F_DUPFD_CLOEXEC, 0)
        let bound = NIOLoopBound((server: self, session: session), eventLoop: loop)
        let doorbell = NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (server, session) = bound.value
                    try channel.pipeline.syncOperations.addHandler(DoorbellHandler(server: server, session: session))
                }
            }
            .takingOwnershipOfDescriptor(input: output.doorbellInput)
        let input = NIOPipeBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ProgramInputHandler())
                }
            }
            .takingOwnershipOfDescriptor(output: terminal)
        let door = ServerDoor(self)
        let serial = session.serial
        doorbell.and(input).assumeIsolated().whenComplete { [self] result in
            switch result {
            case .success(let (doorbellChannel, inputChannel)):
                session.doorbell = doorbellChannel
                session.pty = inputChannel
            case .failure:
                // A channel that opened closes its descriptor; one that did not leaves it to us.
                doorbell.whenComplete { opened in
                    switch opened {
                    case .success(let channel): channel.close(promise: nil)
                    case .failure: close(output.doorbellInput)
                    }
                }
                input.whenComplete { opened in
                    switch opened {
                    case .success(let channel): channel.close(promise: nil)
                    case .failure: close(terminal)
                    }
                }
            }
            let bell = output.doorbell
            session.bell = bell
            output.reader.start(
                ready: { bell.ring() },
                ended: { reason in door.post(.terminalEnded(session: serial, reason: reason)) })
            switch result {
            case .success: perform(session, .opened)
            case .failure(let error): perform(session, .failedToOpen("\(error)"))
            }
        }
    }
}
