// Checkpoints and recovery (docs/lifecycle.md): a server with a keeper writes each session's
// emulator to its checkpoint file whenever half the input ring has been read since the last, and
// after a resize; a server that starts where another crashed (or was replaced) rebuilds each
// session from its checkpoint and the input ring, to the last byte the old one read.

import Glibc
import MuxPTY
import MuxSystem
import MuxTerminal

extension ServerState {
    /// Writes the session's checkpoint if one is due and the emulator is at rest (otherwise at the
    /// next chunk that leaves it at rest).
    /// Returns whether a checkpoint was written.
    @discardableResult
    func checkpointIfDue(_ session: Session) -> Bool {
        guard session.checkpointDue, let files = session.recovery else { return false }
        guard session.emulator.isAtRest else { return false }
        handOn(session)  // the output offset must stand for everything parsed
        logger.debug("session \(session.name): checkpoint at input \(session.inputParsed)")
        session.checkpointDue = false
        session.checkpointInput = session.inputParsed
        let terminal = session.emulator.terminal
        let checkpoint = Checkpoint(
            inputOffset: session.inputParsed, outputOffset: session.ring.endOffset,
            columns: UInt16(terminal.columns), rows: UInt16(terminal.rows),
            scrolledOff: terminal.scrollback.pushedCount,
            snapshot: terminal.snapshot(history: terminal.scrollback.count))
        do {
            try checkpoint.write(to: files.checkpointPath)
            return true
        } catch {
            logger.warning("session \(session.name): cannot write its checkpoint: \(error)")
            return false
        }
    }

    /// Feeds `emulator` what `input` holds from `offset` to its end, as when it was read, without
    /// answering the queries among it again (they were answered when it was first read).
    static func replay(
        _ input: MappedRing, from offset: UInt64, into emulator: inout Emulator, forwarding forward: inout [UInt8]
    ) {
        input.copy(from: offset, count: Int(input.endOffset - offset)) { piece in
            emulator.feedForwarding(piece.bindMemory(to: UInt8.self), into: &forward)
            _ = emulator.takeEffects()
        }
    }

    /// Rebuilds a session whose program the keeper held while no server ran: the emulator from
    /// the checkpoint, then the input ring replayed (answers to queries dropped: the program had
    /// them) into the output ring from the checkpoint's output offset. Returns nil (and logs) when
    /// its files cannot be used; the caller then releases the program.
    func recover(_ tag: SessionTag, process: PTYProcess, exit: ExitStatus?) -> Session? {
        guard let directory = recoveryDirectory else { return nil }
        let files = RecoveryFiles(directory: directory, serial: tag.serial)
        let input: MappedRing
        let output: MappedRing
        do {
            input = try MappedRing.open(path: files.inputPath)
            output = try MappedRing.open(path: files.outputPath)
        } catch {
            logger.warning("session \(tag.name): cannot recover it: \(error)")
            return nil
        }
        let size: (columns: UInt16, rows: UInt16) =
            (try? process.size()).map { ($0.columns, $0.rows) } ?? (80, 24)
        // An attempt that stopped its server (bytes the emulator could not take, replayed into
        // every server after) is not made the same way again: the next does less.
        let failedAttempts = files.beginAttempt()
        var ring = OutputRing(output)
        var emulator = Emulator(columns: Int(size.columns), rows: Int(size.rows), scrollbackLimit: tag.scrollback)
        var replayed: UInt64 = 0
        if failedAttempts >= 2 {
            ring.restart(after: ring.endOffset)
            logger.warning(
                "session \(tag.name): \(failedAttempts) recoveries stopped their server; recovered without its screen")
        } else {
            let checkpoint =
                Checkpoint.read(from: files.checkpointPath)
                ?? Checkpoint(
                    inputOffset: 0, outputOffset: 0, columns: size.columns, rows: size.rows, scrolledOff: 0,
                    snapshot: [])
            emulator = Emulator(
                columns: Int(checkpoint.columns), rows: Int(checkpoint.rows), scrollbackLimit: tag.scrollback)
            emulator.feed(checkpoint.snapshot)
            guard checkpoint.outputOffset <= ring.endOffset, checkpoint.inputOffset <= input.endOffset else {
                logger.warning("session \(tag.name): its checkpoint is ahead of its rings; cannot recover it")
                files.finishAttempt()
                return nil
            }
            // The input the old server read after the checkpoint, as far as the ring still holds it.
            let replayFrom = max(checkpoint.inputOffset, input.startOffset)
            if replayFrom > checkpoint.inputOffset {
                logger.warning(
                    "session \(tag.name): \(replayFrom - checkpoint.inputOffset) bytes between its checkpoint and its input ring are gone"
                )
            }
            if failedAttempts == 1 {
                ring.restart(after: ring.endOffset)
                logger.warning(
                    "session \(tag.name): its last recovery stopped the server; recovered from its checkpoint without the \(input.endOffset - replayFrom) bytes after it"
                )
            } else {
                var forward: [UInt8] = []
                Self.replay(input, from: replayFrom, into: &emulator, forwarding: &forward)
                // Only now, the replay done: a replay that stops the server leaves the ring's end
                // where the old server left it, for the next attempt to start the stream past it.
                ring.truncate(to: checkpoint.outputOffset)
                ring.append(forward)
                replayed = input.endOffset - replayFrom
            }
        }

        var machine = SessionMachine(
            name: tag.name, columns: UInt16(emulator.terminal.columns), rows: UInt16(emulator.terminal.rows),
            keep: tag.keep, creator: "", ringCapacity: Session.ringCapacity,
            outboxMinimum: configuration.outboxMinimum, holderStallLimit: configuration.holderStallLimit)
        machine.recovered(endOffset: ring.endOffset, scrolledOff: emulator.terminal.scrollback.pushedCount)
        let session = Session(
            serial: tag.serial, machine: machine, command: tag.arguments, process: process, created: tag.created,
            scrollback: tag.scrollback, ring: ring)
        session.emulator = emulator
        limitHistory(of: session, toBytes: 0)
        session.recovery = files
        session.inputParsed = input.endOffset
        session.checkpointDue = true  // and taken below, before anything is read
        let reading: ProgramOutput
        do {
            reading = try ProgramOutput(terminal: process.masterDescriptor, input: input)
        } catch {
            logger.warning("session \(tag.name): cannot watch its terminal: \(error)")
            files.finishAttempt()
            return nil
        }
        session.reader = reading.reader
        sessions[tag.name] = session
        nextSerial = max(nextSerial, tag.serial + 1)
        recent.append(tag.name)
        logger.info(
            "session \(tag.name): recovered pid \(process.pid), \(replayed) bytes replayed")
        // Taken now, before the new reader adds to what lies between the checkpoint and the ring's
        // end: a second crash soon after must still find the ring reaching back to a checkpoint.
        checkpointIfDue(session)
        files.finishAttempt()
        startReading(session, reading)
        if let exit { perform(session, .programExited(exit)) }
        return session
    }
}
