// The session machine's clients: attach (ATTACHED, then exactly one snapshot or the backlog from
// `since`, then live output), output reaching each client from its own cursor into the shared
// stream, falling behind, detaching (docs/server.md, "The session machine").

import MuxProtocol

extension SessionMachine {
    mutating func attach(_ request: AttachRequest, into actions: inout [Action]) {
        let marks = Outbox.watermarks(forCells: Int(columns) * Int(rows), minimum: outboxMinimum)
        let attachment = Attachment(
            client: request.client, mayHold: request.mayHold, lossless: request.lossless, columns: request.columns,
            rows: request.rows,
            pixels: PixelGeometry(columns: request.columns, rows: request.rows, pixels: request.pixels),
            phase: .awaitingSnapshot(history: request.history),
            highWatermark: marks.high, lowWatermark: marks.low)
        // The lease and the size change before the client is counted in: it learns the size from
        // ATTACHED, never from a RESIZED that would come before it.
        var change: InputLease.Change?
        var resized = false
        if request.asHolder {
            change = lease.take(request.client)
            resized = resize(columns: request.columns, rows: request.rows, into: &actions)
        }
        attachments.append(attachment)
        let index = attachments.count - 1
        if resized {  // the watermarks follow the session's new size
            let marks = Outbox.watermarks(forCells: Int(columns) * Int(rows), minimum: outboxMinimum)
            attachments[index] = Attachment(
                client: attachment.client, mayHold: attachment.mayHold, lossless: attachment.lossless,
                columns: attachment.columns, rows: attachment.rows, pixels: attachment.pixels, phase: attachment.phase,
                highWatermark: marks.high, lowWatermark: marks.low)
        }
        actions.append(
            .send(
                request.client,
                .attached(
                    session: name, columns: columns, rows: rows, holdsLease: lease.holder == request.client)))
        // The backlog serves only a client whose screen is still the session's: a resize reflowed
        // the emulator, which no byte in the ring says.
        if let since = request.since, !resized, since >= startOffset, since <= endOffset {
            attachments[index].phase = .live(cursor: since)
            if since < endOffset { actions.append(.flush(request.client)) }
        } else {
            sendSnapshotIfDue(index, into: &actions)
        }
        if let change {
            leaseChanged(change, into: &actions)
        } else if let holder = lease.holder {
            actions.append(.send(request.client, .lease(holder: holder, holdsLease: false)))
        }
    }

    mutating func detach(_ client: String, acknowledge: Bool, into actions: inout [Action]) {
        guard let index = index(of: client) else {
            if acknowledge { actions.append(.send(client, .error(.invalidArgument, "not attached"))) }
            return
        }
        attachments.remove(at: index)
        actions.append(.release(client))
        if acknowledge { actions.append(.send(client, .done)) }
        if let change = lease.leave(client) { leaseChanged(change, into: &actions) }
    }

    // MARK: output

    /// New output: each live client is handed it from its own cursor; one that has fallen past
    /// its high watermark loses its queue and is owed a snapshot, unless it holds the program
    /// back, which pauses the program instead.
    mutating func output(_ count: Int, scrolledOff lines: UInt64, into actions: inout [Action]) {
        guard count > 0 else { return }
        endOffset += UInt64(count)
        scrolledOff.record(end: endOffset, count: lines)
        defer { scrolledOff.forget(before: oldestCursor) }
        for index in attachments.indices {
            guard case .live(let cursor) = attachments[index].phase else { continue }
            let attachment = attachments[index]
            let holdsBack = holdsProgramBack(attachment)
            if Int(endOffset - cursor) > (holdsBack ? holderWatermarks.high : attachment.highWatermark) {
                if holdsBack {
                    pauseReading(into: &actions)
                } else {
                    resync(index, at: cursor, into: &actions)
                    continue
                }
            }
            if !attachment.socketBlocked { actions.append(.flush(attachment.client)) }
        }
    }

    /// The client at `index` fell behind at `cursor`: it loses its queue and is owed a snapshot,
    /// preceded by how many lines it missed.
    mutating func resync(_ index: Int, at cursor: UInt64, into actions: inout [Action]) {
        attachments[index].phase = .awaitingSnapshot(history: 0)
        attachments[index].resyncs += 1
        attachments[index].skippedFrom = scrolledOff.count(at: cursor)
        actions.append(
            .log(
                .info,
                "client \(attachments[index].client) fell behind in session \(name) at offset \(cursor): "
                    + "resync \(attachments[index].resyncs)"))
        sendSnapshotIfDue(index, into: &actions)
    }

    mutating func writable(_ client: String, into actions: inout [Action]) {
        guard let index = index(of: client) else { return }
        attachments[index].socketBlocked = false
        if case .live(let cursor) = attachments[index].phase, cursor < endOffset {
            actions.append(.flush(client))
        }
        sendSnapshotIfDue(index, into: &actions)
    }

    mutating func refresh(_ client: String, into actions: inout [Action]) {
        guard let index = index(of: client) else {
            return actions.append(.send(client, .error(.invalidArgument, "not attached")))
        }
        if case .snapshotting = attachments[index].phase { return }
        attachments[index].phase = .awaitingSnapshot(history: 0)
        sendSnapshotIfDue(index, into: &actions)
    }

    /// A snapshot owed to the client at `index` is taken when its socket takes writes and no
    /// synchronized update is in progress.
    mutating func sendSnapshotIfDue(_ index: Int, into actions: inout [Action]) {
        guard case .awaitingSnapshot(let history) = attachments[index].phase, !attachments[index].socketBlocked,
            !isMidUpdate
        else { return }
        attachments[index].phase = .snapshotting
        actions.append(
            .sendSnapshot(attachments[index].client, history: history, skippedFrom: attachments[index].skippedFrom))
        attachments[index].skippedFrom = nil
    }

    mutating func snapshotSent(_ client: String, at offset: UInt64, into actions: inout [Action]) {
        guard let index = index(of: client), case .snapshotting = attachments[index].phase else { return }
        attachments[index].phase = .live(cursor: min(offset, endOffset))
        if offset < endOffset { actions.append(.flush(client)) }
    }

    /// Every client owed a snapshot gets it now if it can (an update ended, or overstayed).
    mutating func sendDueSnapshots(into actions: inout [Action]) {
        for index in attachments.indices { sendSnapshotIfDue(index, into: &actions) }
    }

    mutating func synchronizedOutputChanged(_ on: Bool, into actions: inout [Action]) {
        guard on != synchronizedOutput else { return }
        synchronizedOutput = on
        updateGeneration += 1
        if on {
            actions.append(.schedule(.updateOverdue(generation: updateGeneration)))
        } else {
            updateOverdue = false
            sendDueSnapshots(into: &actions)
        }
    }

    // MARK: holding the program back

    /// A lossless holder lags: stop reading the program, and demote the holder if it is still
    /// lagging when the stall limit is up.
    mutating func pauseReading(into actions: inout [Action]) {
        guard !readingPaused else { return }
        readingPaused = true
        pauseGeneration += 1
        actions.append(.pauseReading)
        actions.append(.schedule(.holderStalled(generation: pauseGeneration, milliseconds: holderStallLimit)))
    }

    /// The stall limit is up for the pause of `generation`: a holder still holding the program
    /// back is demoted (resynced like an observer from now on while it holds the lease), told so,
    /// and the program goes on.
    mutating func holderStalled(generation: Int, into actions: inout [Action]) {
        guard readingPaused, generation == pauseGeneration else { return }
        for index in attachments.indices {
            let attachment = attachments[index]
            guard holdsProgramBack(attachment), attachment.queuedBytes(end: endOffset) > holderWatermarks.low,
                case .live(let cursor) = attachment.phase
            else { continue }
            attachments[index].demoted = true
            let seconds =
                holderStallLimit % 1000 == 0 ? "\(holderStallLimit / 1000)" : "\(Double(holderStallLimit) / 1000)"
            actions.append(
                .log(
                    .warning,
                    "client \(attachment.client) stalled \(seconds) s holding session \(name) back: "
                        + "demoted to resync"))
            actions.append(
                .send(
                    attachment.client,
                    .notice(
                        "your terminal fell \(seconds) s behind \(name): it now skips output "
                            + "when behind instead of holding the program back (C-b t restores that)")))
            resync(index, at: cursor, into: &actions)
        }
    }

    /// Called after every event and every hand-on (`handle`, `handedOn`): a paused program goes
    /// on as soon as no holder that holds it back is above its low mark.
    mutating func resumeReadingIfNobodyLags(into actions: inout [Action]) {
        guard readingPaused else { return }
        let lagging = attachments.contains {
            holdsProgramBack($0) && $0.queuedBytes(end: endOffset) > holderWatermarks.low
        }
        guard !lagging else { return }
        readingPaused = false
        actions.append(.resumeReading)
    }
}
