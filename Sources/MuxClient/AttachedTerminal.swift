// `mux attach` on the user's terminal: raw mode, the session's bytes out (passed through, or
// rendered from a replica when the window's size differs from the session's), keys in, the prefix
// key for lease and detach, SIGWINCH, a one-line status, and the terminal put back when it ends
// (docs/client.md). How the view is drawn is in AttachedTerminal+View.swift; connecting again
// when the server vanishes, in AttachedTerminal+Reconnect.swift.

import CPTYShim
import Glibc
import MuxJSON
import MuxProtocol
import MuxSystem
import MuxTerminal

/// The keys after the prefix (Ctrl-B, as tmux users expect).
public enum PrefixKey {
    public static let prefix: UInt8 = 0x02
    public static let help =
        "C-b d detach · C-b t take the lease · C-b r release it · C-b C-b sends C-b · C-b ? this help"
}

/// Sequences that put a terminal back after a session: synchronized output ended, the alternate
/// screen left (1047, not 1049, which would also move the cursor to a saved position that the
/// soft reset has sent home), a soft reset (modes, margins, pen, charsets), mouse, focus and
/// paste reporting off, the cursor visible and of the default shape. The screen itself and the
/// cursor's place are left as they are, so the closing line follows the session's last output.
public let terminalRestore = Array(
    ("\u{1b}[?2026l\u{1b}[?1047l\u{1b}[!p\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1003l\u{1b}[?1005l\u{1b}[?1006l"
        + "\u{1b}[?1015l\u{1b}[?1004l\u{1b}[?2004l\u{1b}[?1l\u{1b}>\u{1b}[?25h\u{1b}[0 q\u{1b}[0m").utf8)

nonisolated(unsafe) private var resizeSignalDescriptor: Int32 = -1

/// How an attachment ended.
public enum AttachEnd: Equatable {
    case detached
    case exited(status: Int32)
    case serverGone(String)
    /// Nobody reads this client's output any more (`mux attach | head` after head exits): it
    /// detached, and ends as a program killed by SIGPIPE does.
    case outputClosed

    public var line: String {
        switch self {
        case .detached: "[detached]"
        case .exited(let status): "[the session's program exited with status \(status)]"
        case .serverGone(let why): "[lost the server: \(why)]"
        case .outputClosed: "[detached: nobody reads the output]"
        }
    }
}

public final class AttachedTerminal {
    /// Replaced when the client reconnects.
    var connection: ServerConnection
    let input: Int32
    let output: Int32
    var session = ""
    var holdsLease = false
    var expectedOffset: UInt64?
    var snapshotPending: [UInt8] = []
    var pendingOutput: [UInt8] = []
    var afterPrefix = false
    var statusShownAt: Double?
    /// The status line's text while it shows.
    var statusText: String?
    var savedMode: termios?
    var rows: UInt16 = 24
    var columns: UInt16 = 80
    /// The terminal in pixels, 0 when it does not say; the server tells the program when this
    /// client holds the lease.
    var pixelWidth: UInt16 = 0
    var pixelHeight: UInt16 = 0
    /// The session's size, from ATTACHED and RESIZED.
    var sessionColumns = 80
    var sessionRows = 24
    /// The session as this client has received it: nil before the first snapshot, and nil again
    /// (with `expectedOffset` set) once it fell too far behind; a snapshot rebuilds it.
    var replica: Emulator?
    /// Pass-through: bytes already on the terminal that the replica has not parsed yet. It is fed
    /// only when something needs it (`catchUpReplica`), so a client that just passes a flood on
    /// parses nothing; past `replicaLagLimit` the replica is dropped instead.
    var replicaBehind: [UInt8] = []
    var mode = ViewMode.passThrough
    /// A pass-through client asked for a snapshot: until it comes, output only feeds the replica.
    var awaitingSnapshot = false
    var snapshotsSeen = 0
    /// Lines the server said a resync skipped, for the mark drawn with the next snapshot.
    var pendingGap: UInt64 = 0
    var renderer = ScreenRenderer(columns: 80, rows: 24)
    /// The replica changed since the last frame (render mode).
    var frameDue = false
    var lastFrame: Double = 0
    /// Seconds to keep trying to reach the server again when its process vanishes; 0: never.
    public var reconnectLimit: Double = 0
    /// The attachment's `lossy` and history lines, for attaching again.
    var lossy = false
    var historyLines: UInt32 = 0
    /// The connection is lost and the client is connecting again: keys are held, not sent.
    var reconnecting = false
    /// Keys typed while reconnecting (or whose sending failed), for the session once this client
    /// holds its lease again; at most `heldInputLimit` bytes.
    var heldInput: [UInt8] = []
    /// Keys past that bound, not kept (the status line says how many).
    var heldInputDropped = 0
    /// The server sent an ERROR that closes the connection: its end is then no vanishing.
    var closingError: Disconnection?
    /// A write to the output found no reader (EPIPE): the attachment ends.
    var outputClosed = false

    public init(connection: ServerConnection, input: Int32 = 0, output: Int32 = 1) {
        self.connection = connection
        self.input = input
        self.output = output
    }

    /// The size of the terminal on `descriptor`, if it is one.
    public static func size(of descriptor: Int32) -> (columns: UInt16, rows: UInt16)? {
        var columns: UInt16 = 0
        var rows: UInt16 = 0
        guard mux_pty_get_size(descriptor, &columns, &rows) == 0, columns > 0, rows > 0 else { return nil }
        return (columns, rows)
    }

    /// The size in pixels of the terminal on `descriptor` (ws_xpixel, ws_ypixel): 0 when unknown.
    public static func pixelSize(of descriptor: Int32) -> (width: UInt16, height: UInt16) {
        var columns: UInt16 = 0
        var rows: UInt16 = 0
        var width: UInt16 = 0
        var height: UInt16 = 0
        guard mux_pty_get_winsize(descriptor, &columns, &rows, &width, &height) == 0 else { return (0, 0) }
        return (width, height)
    }

    /// RESIZE with this terminal's size in cells and pixels.
    var resizeMessage: Message {
        .resize(columns: columns, rows: rows, pixelWidth: pixelWidth, pixelHeight: pixelHeight)
    }

    /// Attaches and runs until detach, the program's exit, or the server's end.
    /// `insideSession` is the session this terminal is itself inside (MUX_SESSION on the same
    /// socket): attaching to it is refused.
    public func run(
        session name: String, asHolder: Bool, history: UInt32, since: UInt64?, lossy: Bool = false,
        insideSession: String?
    ) throws -> AttachEnd {
        if let size = Self.size(of: output) { (columns, rows) = size }
        (pixelWidth, pixelHeight) = Self.pixelSize(of: output)
        self.lossy = lossy
        historyLines = history
        // A write to a server that vanished must fail with EPIPE, not kill the client.
        let previousPipeHandler = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previousPipeHandler) }
        renderer = ScreenRenderer(columns: Int(columns), rows: Int(rows))
        try connection.send(
            .attach(session: name, asHolder: asHolder, historyLines: history, since: since, lossy: lossy))
        // The first answer says whether the attach worked, before the terminal is touched.
        let first = try connection.receive()
        if case .error(let code, let text) = first { throw ClientError(text, code: code) }
        if case .attached(let attached, _, _, _) = first, attached == insideSession {
            try? connection.send(.detach)
            throw ClientError("you are inside session \(attached); attaching to it would show itself to itself")
        }
        enterRawMode()
        defer { leaveRawMode() }
        var resizePipe: [Int32] = [-1, -1]
        if mux_pipe_cloexec(&resizePipe) == 0 {
            _ = fcntl(resizePipe[1], F_SETFL, O_NONBLOCK)
            resizeSignalDescriptor = resizePipe[1]
            signal(SIGWINCH) { _ in
                var byte: UInt8 = 1
                _ = Glibc.write(resizeSignalDescriptor, &byte, 1)
            }
        }
        defer {
            signal(SIGWINCH, SIG_DFL)
            resizeSignalDescriptor = -1
            close(resizePipe[0])
            close(resizePipe[1])
        }
        if let end = try handle(first) { return finish(end) }
        var fds = [
            pollfd(fd: connection.descriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: input, events: Int16(POLLIN), revents: 0),
            pollfd(fd: resizePipe[0], events: Int16(POLLIN), revents: 0),
            // No events asked: POLLERR says a pipe's reader has gone, before any write finds it.
            pollfd(fd: output, events: 0, revents: 0),
        ]
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            do {
                while let received = try connection.nextBufferedInPlace() {
                    switch received {
                    case .output(let offset, let bytes):
                        try show(offset: offset, bytes)
                    case .message(let message):
                        if let end = try handle(message) { return finish(end) }
                    }
                }
                var timeout: Int32 = statusShownAt == nil ? -1 : 200
                if let wait = drawFrameIfDue() { timeout = timeout < 0 ? wait : min(timeout, wait) }
                flushOutput()
                if outputClosed { return finish(detach(.outputClosed)) }
                let ready = poll(&fds, nfds_t(fds.count), timeout)
                if ready < 0 && errno == EINTR { continue }
                if statusShownAt != nil, elapsedSinceStatus() >= 2.0 { eraseStatus() }
                if fds[0].revents != 0 {
                    guard try connection.readMore() else {
                        throw ClientError("the connection closed", kind: .connectionLost)
                    }
                }
                if fds[1].revents != 0 {
                    let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                    if n == 0 { return finish(detach()) }
                    if n > 0, let end = try typed(buffer[..<n]) { return finish(end) }
                }
                if fds[3].revents & Int16(POLLERR) != 0 { outputClosed = true }
                if fds[3].revents & Int16(POLLNVAL) != 0 { fds[3].fd = -1 }  // no output at all: nothing to watch
                if fds[2].revents != 0 {
                    _ = buffer.withUnsafeMutableBytes { read(resizePipe[0], $0.baseAddress, $0.count) }
                    if let size = Self.size(of: output) {
                        let pixels = Self.pixelSize(of: output)
                        let resized = size != (columns, rows)
                        if resized || pixels != (pixelWidth, pixelHeight) {
                            (columns, rows) = size
                            (pixelWidth, pixelHeight) = pixels
                            if holdsLease { try? connection.send(resizeMessage) }
                            if resized { windowResized() }
                        }
                    }
                }
            } catch let error as ClientError where error.kind == .connectionLost {
                // EOF, ECONNRESET, EPIPE: the server's process is gone, unless it said why first.
                if let end = reconnect(after: closingError ?? .vanished, resizePipe: resizePipe[0]) {
                    return finish(end)
                }
                fds[0].fd = connection.descriptor
            }
        }
    }

    /// A message from the server; returns how the attachment ended, if it did.
    func handle(_ message: Message) throws -> AttachEnd? {
        switch message {
        case .attached(let name, let sessionColumns, let sessionRows, let holds):
            session = name
            holdsLease = holds
            (self.sessionColumns, self.sessionRows) = (Int(sessionColumns), Int(sessionRows))
        case .resized(let sessionColumns, let sessionRows):
            (self.sessionColumns, self.sessionRows) = (Int(sessionColumns), Int(sessionRows))
        case .snapshot(let offset, let final, let bytes):
            snapshotPending += bytes
            if final {
                showSnapshot(snapshotPending)
                snapshotPending = []
                expectedOffset = offset
            }
        case .gap(let lines):
            pendingGap += lines
        case .notice(let text):
            showStatus(text)
        case .clipboard(let selections, let base64):
            // Sent to the lease holder only, and only by a server started with --clipboard; the
            // selections and the base64 text cannot end the sequence (checked here too).
            let safe = { (text: String) in text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7f } }
            if holdsLease, safe(selections), safe(base64) {
                write(Array("\u{1b}]52;\(selections);\(base64)\u{1b}\\".utf8))
            }
        case .output(let offset, let bytes):
            try show(offset: offset, bytes[...])
        case .lease(let holder, let holds):
            let had = holdsLease
            holdsLease = holds
            if holds && !had {
                showStatus("you hold the input lease of \(session)")
                try connection.send(resizeMessage)
            } else if !holds {
                showStatus(
                    holder.isEmpty
                        ? "nobody holds the input lease of \(session) (C-b t takes it)"
                        : "\(holder) holds the input lease of \(session); you are watching (C-b t takes it)")
            }
        case .exited(let status):
            return .exited(status: status)
        case .error(let code, let text):
            if code == .shuttingDown { return .serverGone(text) }
            if Reconnection.closingCodes.contains(code) { closingError = .closedAfterError(code, text) }
            showStatus(text)
        case .done, .leaseState:
            break
        default:
            break
        }
        return nil
    }

    /// OUTPUT: the session's bytes from stream offset `offset`, queued for the terminal when they
    /// continue what it shows. (The bytes are still in the connection's read buffer: this is
    /// their one copy on the way to the terminal.)
    func show(offset: UInt64, _ bytes: ArraySlice<UInt8>) throws {
        if let expected = expectedOffset, expected != offset {
            // A gap would leave this terminal wrong; ask for the present instead.
            expectedOffset = nil
            try connection.send(.refresh)
            return
        }
        guard expectedOffset != nil else { return }
        if replica == nil && !windowFitsSession && !awaitingSnapshot {
            // Resumed without a snapshot (`--since`) in a window of another size: nothing to
            // render from yet.
            awaitingSnapshot = true
            try connection.send(.refresh)
        }
        if mode == .passThrough {
            replicaFallsBehind(by: bytes)
            if !awaitingSnapshot { write(bytes) }
        } else {
            catchUpReplica()
            bytes.withUnsafeBufferPointer { replica?.feed($0) }
            let effects = replica?.takeEffects() ?? Effects()
            frameDue = true
            // What a rendering leaves out of the bytes: the bell and the title.
            if effects.bells > 0 { write([0x07]) }
            if effects.titleChanged, let title = replica?.terminal.title {
                write(Array("\u{1b}]2;\(title)\u{1b}\\".utf8))
            }
        }
        expectedOffset = offset + UInt64(bytes.count)
    }

    /// Keys the user typed: the prefix commands, or input for the session.
    func typed(_ bytes: ArraySlice<UInt8>) throws -> AttachEnd? {
        var forward: [UInt8] = []
        for byte in bytes {
            if afterPrefix {
                afterPrefix = false
                switch byte {
                case UInt8(ascii: "d"): return detach()
                case UInt8(ascii: "t") where reconnecting, UInt8(ascii: "r") where reconnecting:
                    showStatus(Reconnection.statusText + " (C-b d detaches)")
                case UInt8(ascii: "t"): try connection.send(.leaseTake(session: session, clientID: connection.clientID))
                case UInt8(ascii: "r"):
                    try connection.send(.leaseRelease(session: session, clientID: connection.clientID))
                case PrefixKey.prefix: forward.append(byte)
                default: showStatus(PrefixKey.help)
                }
            } else if byte == PrefixKey.prefix {
                afterPrefix = true
            } else {
                forward.append(byte)
            }
        }
        guard !forward.isEmpty else { return nil }
        if holdsLease && reconnecting {
            hold(forward)
        } else if holdsLease {
            do {
                try connection.send(.input(forward))
            } catch {
                hold(forward)  // for the server that comes back
                throw error
            }
        } else {
            showStatus("you are watching \(session): C-b t takes the input lease")
        }
        return nil
    }

    func detach(_ end: AttachEnd = .detached) -> AttachEnd {
        try? connection.send(.detach)
        return end
    }

    /// Shows `text` on the bottom row for two seconds.
    func showStatus(_ text: String) {
        // Names and texts from elsewhere (client ids, a server's notice) never act on the terminal.
        let text = visibleText(text)
        statusText = text
        if mode == .passThrough {
            // Without a replica the terminal's insert mode is unknown: the snapshot asked for
            // draws the line again.
            _ = bringReplicaUpToDate()
            drawStatusOverPassThrough(text)
        } else {
            frameDue = true
        }
        statusShownAt = MonotonicClock.seconds()
    }

    func elapsedSinceStatus() -> Double {
        guard let shown = statusShownAt else { return 0 }
        return MonotonicClock.seconds() - shown
    }

    func finish(_ end: AttachEnd) -> AttachEnd {
        writeClosing()
        write(Array("\r\n\(end.line)\r\n".utf8))
        flushOutput()
        return end
    }

    /// Queues bytes for the terminal; everything that arrived together goes out in one write.
    func write(_ bytes: some Collection<UInt8>) {
        pendingOutput.append(contentsOf: bytes)
    }

    func flushOutput() {
        do {
            try writeAll(output, pendingOutput)
        } catch {
            // SIGPIPE is ignored while attached (for the server's socket): a reader that went
            // away shows here, and the client would otherwise read the session for nobody.
            if error.errorNumber == EPIPE { outputClosed = true }
        }
        pendingOutput.removeAll(keepingCapacity: pendingOutput.capacity <= 1 << 20)
    }

    func enterRawMode() {
        var mode = termios()
        guard isatty(input) == 1, tcgetattr(input, &mode) == 0 else { return }
        savedMode = mode
        cfmakeraw(&mode)
        tcsetattr(input, TCSANOW, &mode)  // not TCSAFLUSH: keys typed while attaching are kept
    }

    func leaveRawMode() {
        guard var mode = savedMode else { return }
        tcsetattr(input, TCSAFLUSH, &mode)
    }
}
