// How an attached client shows the session (docs/client.md, "Views at any size"): every snapshot
// and OUTPUT feeds a replica of the session's emulator; a window of the session's size gets the
// bytes as they are (pass-through), any other a diff render of the replica. The mode is chosen
// again whenever either size changes.

import Glibc
import MuxSystem
import MuxTerminal

/// How the client's terminal shows the session.
enum ViewMode {
    /// The window has the session's size: the session's bytes go to it as they are.
    case passThrough
    /// The sizes differ: the renderer draws the replica's screen.
    case render
}

extension AttachedTerminal {
    var windowFitsSession: Bool { Int(columns) == sessionColumns && Int(rows) == sessionRows }

    /// A whole snapshot: a fresh replica, then the view drawn from it.
    func showSnapshot(_ bytes: [UInt8]) {
        let gap = pendingGap
        pendingGap = 0
        let first = snapshotsSeen == 0
        snapshotsSeen += 1
        if windowFitsSession {
            if gap > 0 {
                catchUpReplica()
                write(
                    replica.map { PassThroughMarks.gap(lines: gap, over: $0.terminal) }
                        ?? PassThroughMarks.gap(lines: gap, rows: sessionRows, columns: sessionColumns))
            }
            // Drawn inside a synchronized update, so the terminal shows no half state (the
            // snapshot's own prelude ends any update first: that part is left out).
            let end = Array("\u{1b}[?2026l".utf8)
            let body = bytes.starts(with: end) ? bytes[end.count...] : bytes[...]
            write(Array("\u{1b}[?2026h".utf8))
            write(body)
            replica = makeReplica(bytes)
            if replica?.terminal.modes.synchronizedOutput != true { write(end) }
            mode = .passThrough
            awaitingSnapshot = false
            if let statusText { drawStatusOverPassThrough(statusText) }
            return
        }
        replica = makeReplica(bytes)
        if mode == .passThrough { renderer.invalidate() }
        mode = .render
        awaitingSnapshot = false
        if let replica { renderer.replicaReplaced(replica.terminal, keepHistory: first) }
        if gap > 0 { renderer.addScrollbackMark(gapMark(lines: gap)) }
        drawFrame()
    }

    func makeReplica(_ snapshot: [UInt8]) -> Emulator {
        replicaBehind.removeAll(keepingCapacity: true)
        var emulator = Emulator(columns: sessionColumns, rows: sessionRows, scrollbackLimit: 10_000)
        emulator.feed(snapshot)
        _ = emulator.takeEffects()
        return emulator
    }

    /// The most pass-through holds back from the replica; past it the replica is dropped, and a
    /// snapshot brings a new one when one is needed.
    static let replicaLagLimit = 1 << 20

    /// Pass-through: `bytes` went to the terminal; the replica parses them when it is next needed.
    func replicaFallsBehind(by bytes: ArraySlice<UInt8>) {
        guard replica != nil else { return }
        if replicaBehind.count + bytes.count > Self.replicaLagLimit {
            replica = nil
            replicaBehind = []
        } else {
            replicaBehind += bytes
        }
    }

    /// Feeds the replica what pass-through has shown since it was last needed.
    func catchUpReplica() {
        guard !replicaBehind.isEmpty else { return }
        replicaBehind.withUnsafeBufferPointer { replica?.feed($0) }
        _ = replica?.takeEffects()
        replicaBehind.removeAll(keepingCapacity: true)
    }

    /// The replica brought up to what the terminal shows. False when there is none after the
    /// first snapshot (dropped, or resumed without one): a snapshot is then asked for, which
    /// draws the terminal again and brings a replica.
    func bringReplicaUpToDate() -> Bool {
        catchUpReplica()
        if replica != nil { return true }
        if expectedOffset != nil, !awaitingSnapshot {
            awaitingSnapshot = true
            try? connection.send(.refresh)
        }
        return false
    }

    /// SIGWINCH: the renderer takes the new size, and the mode is chosen again. A holder has sent
    /// RESIZE: the session will follow with RESIZED and a snapshot, which chooses once more.
    func windowResized() {
        renderer.resize(columns: Int(columns), rows: Int(rows))
        guard windowFitsSession || bringReplicaUpToDate(), let replica else { return }
        if windowFitsSession {
            guard mode == .render else { return }
            // The terminal shows a rendering, not the session's bytes: pass-through starts from a
            // snapshot (REFRESH); until it comes, output only feeds the replica.
            mode = .passThrough
            awaitingSnapshot = true
            try? connection.send(.refresh)
        } else {
            if mode == .passThrough { renderer.replicaReplaced(replica.terminal, keepHistory: false) }
            mode = .render
            awaitingSnapshot = false
            drawFrame()
        }
    }

    /// Draws a frame when one is due and the last was at least 16 ms ago (a flood is drawn at
    /// most 60 times a second); returns how many milliseconds to wait for the next one.
    func drawFrameIfDue() -> Int32? {
        guard mode == .render, frameDue, replica != nil else { return nil }
        let elapsed = MonotonicClock.seconds() - lastFrame
        // A program inside a synchronized update is drawn when it ends it (or 200 ms on).
        let limit = replica?.terminal.modes.synchronizedOutput == true ? 0.2 : 0.016
        if elapsed < limit { return Int32((limit - elapsed) * 1000) + 1 }
        drawFrame()
        return nil
    }

    func drawFrame() {
        guard let replica else { return }
        write(renderer.frame(replica.terminal, status: statusText, mouse: holdsLease))
        frameDue = false
        lastFrame = MonotonicClock.seconds()
    }

    /// The status line over the bottom row of a terminal showing the session's bytes: saved
    /// cursor (position, pen, charsets, origin mode), then put back; insert mode, which DECSC
    /// does not save, off and on again.
    func drawStatusOverPassThrough(_ text: String) {
        let clipped = String(text.unicodeScalars.prefix(Int(max(columns, 2)) - 1))
        write(overBottomRow("\u{1b}[0;7m\u{1b}[2K\(clipped)\u{1b}[0m"))
    }

    /// Puts the bottom row back as the session has it: that one row is drawn again, so nothing
    /// else changes and nothing goes into the terminal's scrollback.
    func eraseStatus() {
        statusShownAt = nil
        statusText = nil
        if mode == .render {
            if replica != nil { frameDue = true }
            return
        }
        // The row as the session has it now: the replica caught up first (or, dropped, a snapshot
        // asked for, which draws the whole screen again).
        guard !awaitingSnapshot, bringReplicaUpToDate(), let replica else { return }
        let row = ScreenRenderer.rowBytes(replica.terminal.rows - 1, of: replica.terminal)
        write(overBottomRow("\u{1b}[0m" + String(decoding: row, as: UTF8.self)))
    }

    private func overBottomRow(_ body: String) -> [UInt8] {
        let insert = replica?.terminal.modes.insert == true
        return Array(
            ("\u{1b}7\u{1b}[?6l\u{1b}[4l\u{1b}(B\u{0f}\u{1b}[\(rows);1H" + body + "\u{1b}8"
                + (insert ? "\u{1b}[4h" : ""))
                .utf8)
    }

    /// Before the closing line: the status line erased, the terminal's modes put back, and the
    /// cursor on the session's last used row, so that the line goes just below it.
    func writeClosing() {
        catchUpReplica()
        let row: Int
        if mode == .render, let replica {
            statusText = nil
            renderer.marksOutside = false
            write(renderer.frame(replica.terminal, status: nil, mouse: holdsLease))
            let terminal = replica.terminal
            let cursorRow = terminal.usingAlternateScreen ? -1 : terminal.cursor.y - renderer.viewport.originY
            row = min(max(renderer.lastUsedPrimaryRow, cursorRow), Int(rows) - 1)
        } else if statusShownAt != nil, replica == nil || awaitingSnapshot {
            // The session's bottom row cannot be drawn again (no replica, or one waiting for a
            // snapshot that will not come now): cleared, rather than left showing the status.
            (statusShownAt, statusText) = (nil, nil)
            write(overBottomRow("\u{1b}[0m\u{1b}[2K"))
            row = Int(rows) - 1
        } else {
            if statusShownAt != nil { eraseStatus() }
            row = replica.map { PassThroughMarks.lastUsedRow(of: $0.terminal) } ?? Int(rows) - 1
        }
        write(terminalRestore)
        write(Array("\u{1b}[\(max(row, 0) + 1);1H".utf8))
    }
}
