// Carrying out what the session machines decide. Every event goes through `perform`: parsed
// output is handed on first (so the machine, the ring and the emulator agree), then the machine
// answers the event, then its actions are carried out in order. Actions that lead to more events
// (a snapshot that releases held controls, a socket that fills) queue their answers behind the
// ones already waiting: nothing is carried out re-entrantly, and since every client is handed
// output from its own cursor, no client can see one chunk before another.

import Glibc
import MuxPTY
import MuxProtocol
import MuxSystem
import MuxTerminal
import NIOCore

extension ServerState {
    /// Hands `event` to the session's machine and carries out its answer.
    func perform(_ session: Session, _ event: SessionMachine.Event) {
        loop.preconditionInEventLoop()
        handOn(session)
        enqueue(session, session.machine.handle(event))
        carryOutActions()
    }

    private func enqueue(_ session: Session, _ actions: [SessionMachine.Action]) {
        for action in actions { pendingActions.append((session, action)) }
    }

    private func carryOutActions() {
        guard !carryingOut else { return }  // the loop below is already at it
        carryingOut = true
        defer { carryingOut = false }
        while nextPendingAction < pendingActions.count {
            let (session, action) = pendingActions[nextPendingAction]
            nextPendingAction += 1
            carryOut(action, for: session)
        }
        pendingActions.removeAll(keepingCapacity: pendingActions.capacity <= 256)
        nextPendingAction = 0
    }

    private func carryOut(_ action: SessionMachine.Action, for session: Session) {
        switch action {
        case .send(let id, let message):
            clients[id]?.send(message)
        case .reply(let id, let message):
            afterJournal { [self] in clients[id]?.send(message) }
        case .flush(let id):
            if let client = attached(id, to: session) { flush(client, of: session) }
        case .drain(let id, let cursor):
            if let client = attached(id, to: session) { drain(client, of: session, from: cursor) }
        case .sendSnapshot(let id, let history, let skippedFrom):
            guard let client = attached(id, to: session) else { return }
            // Controls the parser executed inside a sequence it still holds back are in the
            // snapshot's state: they go into the ring first, so this client never applies them
            // twice and the others still get them.
            session.emulator.releaseExecutedControls(into: &session.forward)
            handOn(session)
            let offset = session.ring.endOffset
            let scrolledOff = session.emulator.terminal.scrollback.pushedCount
            if let skippedFrom, scrolledOff > skippedFrom {
                client.send(.gap(lines: scrolledOff - skippedFrom), flush: false)
            }
            client.sendSnapshot(session.emulator.terminal.snapshot(history: history), at: offset)
            enqueue(session, session.machine.handle(.snapshotSent(id, at: offset)))
        case .release(let id):
            if let client = attached(id, to: session) { client.session = nil }
        case .writeToProgram(let bytes):
            session.lastInput = Session.now()
            write(bytes, to: session)
        case .resizeTerminal(let columns, let rows):
            session.emulator.resize(columns: Int(columns), rows: Int(rows))
            // Replaying the input after a crash must meet the resize where it happened.
            session.checkpointDue = true
            checkpointIfDue(session)
            resizeProgramTerminal(session)
        case .setPixelGeometry(let geometry):
            session.emulator.environment.cellWidth = geometry.cellWidth
            session.emulator.environment.cellHeight = geometry.cellHeight
            session.emulator.environment.screenWidth = geometry.screenWidth
            session.emulator.environment.screenHeight = geometry.screenHeight
            resizeProgramTerminal(session)
        case .pauseReading:
            session.reader?.pause()
        case .resumeReading:
            session.reader?.resume()
        case .stopReading:
            session.reader?.stop()
        case .signalProgram(let signal):
            do {
                try session.process.signal(signal)
            } catch {
                logger.warning("session \(session.name): \(error)")
            }
        case .schedule(let timer):
            loop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(timer.milliseconds))) { [self] in
                let fire = { [self] in if sessions[session.name] === session { perform(session, .timer(timer)) } }
                if handingOver { heldBackDuringHandover.append(fire) } else { fire() }
            }
        case .log(.info, let text):
            logger.info("\(text)")
        case .log(.warning, let text):
            logger.warning("\(text)")
        case .closeProgram:
            host.release(session.process)
            session.process.close()
        case .listExited:
            session.exitedAt = MonotonicClock.secondsSinceBoot()
            journalExited(session)
            collectExitedSessions()
        case .forget:
            journalForgot(session)
            host.release(session.process)
            session.recovery?.remove()
            if sessions[session.name] === session {
                sessions[session.name] = nil
                recent.removeAll { $0 == session.name }
            }
            if shuttingDown && sessions.isEmpty { onShutdown() }
        }
    }

    /// Writes to the program's terminal (what is typed, and the emulator's answers to queries).
    /// Sets the program's terminal to the emulator's size, in pixels too (cells times the lease
    /// holder's cell size, 0 when unknown); the kernel signals the program only when it changed.
    private func resizeProgramTerminal(_ session: Session) {
        let terminal = session.emulator.terminal
        let environment = session.emulator.environment
        let size = TerminalSize(
            columns: UInt16(terminal.columns), rows: UInt16(terminal.rows),
            pixelWidth: UInt16(clamping: terminal.columns * environment.cellWidth),
            pixelHeight: UInt16(clamping: terminal.rows * environment.cellHeight))
        do {
            try session.process.resize(to: size)
        } catch {
            logger.warning("session \(session.name): \(error)")
        }
    }

    private func write(_ bytes: [UInt8], to session: Session) {
        guard let pty = session.pty else { return }
        pty.writeAndFlush(allocator.buffer(bytes: bytes), promise: nil)
    }

    /// The connection of client `id`, if it is still attached to `session`.
    private func attached(_ id: String, to session: Session) -> Connection? {
        guard let client = clients[id], client.session === session, !client.closing else { return nil }
        return client
    }

    /// Writes the client's queued output while its socket takes it.
    private func flush(_ client: Connection, of session: Session) {
        let id = client.clientID
        var wrote = false
        while client.channel.isWritable, let pending = session.machine.pendingOutput(for: id) {
            guard let (frame, end) = session.outputFrame(at: pending.lowerBound, allocator: client.channel.allocator)
            else {
                // Its output has left the ring and was never shared: a snapshot catches it up.
                logger.warning("client \(id) of session \(session.name): output at \(pending.lowerBound) is gone")
                enqueue(session, session.machine.handle(.refresh(id)))
                break
            }
            client.channel.write(frame, promise: nil)
            wrote = true
            enqueue(session, session.machine.handedOn(id, through: end))
        }
        if wrote { client.channel.flush() }
        if !client.channel.isWritable { enqueue(session, session.machine.handle(.blocked(id))) }
        session.frames.forget(before: session.machine.oldestCursor)
    }

    /// Writes everything still owed to a client of a session that is ending, whether or not its
    /// socket takes it now (NIO keeps it until it does): the output from `cursor`, or a snapshot.
    private func drain(_ client: Connection, of session: Session, from cursor: UInt64?) {
        guard var offset = cursor else {
            return client.sendSnapshot(session.emulator.terminal.snapshot(history: 0), at: session.ring.endOffset)
        }
        while offset < session.ring.endOffset,
            let (frame, end) = session.outputFrame(at: offset, allocator: client.channel.allocator)
        {
            client.channel.write(frame, promise: nil)
            offset = end
        }
        client.channel.flush()
    }

    // MARK: the program's output

    /// Parses the chunks the reader has waiting, oldest first (at most `limit` bytes of them),
    /// and gives their bytes back; returns whether more is waiting.
    @discardableResult
    func takeProgramOutput(_ session: Session, limit: Int = .max) -> Bool {
        guard let reader = session.reader else { return false }
        let (chunks, more) = reader.takeChunks(upTo: limit)
        for chunk in chunks {
            var bytes = chunk.bytes[...]
            // A due checkpoint is taken at the first moment of rest: before this piece when the
            // parser is at rest, else once the bytes that bring it to rest (a sequence's end, at
            // most a few bytes in) are parsed, one at a time.
            if session.checkpointDue, session.recovery != nil {
                while !session.emulator.isAtRest, let first = bytes.first {
                    withUnsafePointer(to: first) { programWrote(UnsafeBufferPointer(start: $0, count: 1), in: session) }
                    session.inputParsed += 1
                    bytes = bytes.dropFirst()
                }
                checkpointIfDue(session)
            }
            if !bytes.isEmpty {
                programWrote(UnsafeBufferPointer(rebasing: bytes), in: session)
                session.inputParsed += UInt64(bytes.count)
            }
            reader.consumed(chunk.bytes.count)
            markCheckpointDue(session)
        }
        checkpointIfDue(session)
        return more
    }

    /// A checkpoint is due once `checkpointSpacing` has been parsed since the last.
    private func markCheckpointDue(_ session: Session) {
        let due = Self.checkpointSpacing(inputRingBytes: configuration.inputRingBytes)
        if session.recovery != nil, session.inputParsed - session.checkpointInput >= UInt64(due) {
            session.checkpointDue = true
        }
    }

    /// How much input may be parsed between checkpoints. When the crash comes, the input ring
    /// must still reach back to the last checkpoint: the parser can be this spacing, plus the
    /// piece it was parsing when the checkpoint fell due (a reader's chunk at most), plus the
    /// bytes to a moment of rest, past that checkpoint, and the reader up to its in-flight limit
    /// (its read in progress included) ahead of the parser. Half of what the ring has left is
    /// the spacing; the other half is the margin for the moment of rest.
    static func checkpointSpacing(inputRingBytes: Int) -> Int {
        (inputRingBytes - OutputReader.defaultInFlightLimit - OutputReader.defaultChunkSize) / 2
    }

    /// The program wrote `bytes` (a chunk from the reader, valid for this call): parse them and
    /// answer their queries. What clients get is handed on at once, or in a flood (a chunk of at
    /// least one full PTY read) with what follows, up to 64 KiB or 2 ms, so that a burst travels
    /// in few frames instead of one small write and one wake-up per 4 KiB. Typing and prompts go
    /// at once.
    private func programWrote(_ bytes: UnsafeBufferPointer<UInt8>, in session: Session) {
        session.emulator.feedForwarding(bytes, into: &session.forward)
        let effects = session.emulator.takeEffects()
        if !effects.replies.isEmpty { write(effects.replies, to: session) }
        if effects.hasNotes { note(effects, of: session) }
        guard bytes.count >= Session.fullRead, session.forward.count < Session.largestChunk else {
            return handOn(session)
        }
        guard !session.handOnScheduled else { return }
        session.handOnScheduled = true
        loop.assumeIsolated().scheduleTask(in: .milliseconds(2)) { [self] in
            session.handOnScheduled = false
            handOn(session)
        }
    }

    /// Appends what was parsed since the last call to the ring and tells the machine, then tells
    /// it whether the program is inside a synchronized update, and carries out what it answers
    /// (unless this is itself part of carrying out actions: then they queue). Called before every
    /// event (see `perform`) and before anything reads the emulator, so the emulator and the ring
    /// agree whenever the machine decides or a client is shown the screen.
    func handOn(_ session: Session) {
        let count = session.appendForwarded(allocator: allocator)
        if count > 0 {
            session.lastOutput = Session.now()
            let scrolledOff = session.emulator.terminal.scrollback.pushedCount
            enqueue(session, session.machine.handle(.output(count: count, scrolledOff: scrolledOff)))
            session.frames.forget(before: session.machine.oldestCursor)
        }
        let updating = session.emulator.terminal.modes.synchronizedOutput
        if updating != session.machine.synchronizedOutput {
            enqueue(session, session.machine.handle(.synchronizedOutput(updating)))
        }
        carryOutActions()
    }
}
