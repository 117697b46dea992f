// The one way into the server's state from another thread: the threads that reap programs, read
// their terminals and wait for signals post an event, and the event loop takes it on its own turn.
// Everything else in the server runs on the loop and is checked to (`NIOLoopBound`).

import MuxJournal
import MuxKeeper
import MuxPTY
import NIOCore

/// Posts events to the server's state from any thread.
struct ServerDoor: Sendable {
    /// What other threads report.
    enum Event: Sendable {
        /// A session's program was reaped.
        case programExited(session: UInt64, ExitStatus)
        /// A session's reader stopped: the terminal's end (EIO), a stop, or the errno of a failed read.
        case terminalEnded(session: UInt64, reason: Int32)
        /// A signal that stops the server.
        case signal(Int32)
        /// The journal's writer finished what ticket `ticket` waited for (ServerState+Journal).
        case journal(ticket: UInt64, JournalReport)
        /// The keeper's news (docs/lifecycle.md).
        case keeper(KeeperEvent)
    }

    private let state: NIOLoopBound<ServerState>

    /// Made on the loop, for the state confined to it.
    init(_ state: ServerState) {
        self.state = NIOLoopBound(state, eventLoop: state.loop)
    }

    func post(_ event: Event) {
        let state = self.state
        state.eventLoop.execute { state.value.arrived(event) }
    }
}
