// Handing the sessions to another server (`mux server restart`, docs/lifecycle.md): this server
// stops taking connections, closes its clients (they reconnect by themselves), halts every
// reader between two reads, takes its last checkpoints and lets go of its journal; then it asks
// its keeper to start the new server, which recovers every session exactly as after a crash.
// The keeper answers EXIT (the new one serves: this one leaves without ending a session) or
// ROLLBACK (it did not: this one carries on).

import Glibc
import MuxProtocol
import NIOCore

/// What a server with a keeper may ask of it besides programs (KeeperLink conforms).
protocol KeeperControl: AnyObject {
    func holdListener(_ descriptor: Int32)
    func ready(sessions: Int)
    func stopping()
    func restart(executable: String)
}

extension ServerState {
    func restart(_ executable: String, for client: Connection) {
        guard let keeper else {
            return client.fail(
                .invalidArgument,
                "this server has no keeper (it was started with --foreground), so nothing could take its sessions over")
        }
        guard restartRequester == nil else {
            return client.fail(.invalidArgument, "a restart is already under way")
        }
        logger.info("handing the sessions over to a new server (\(executable.isEmpty ? "same binary" : executable))")
        restartRequester = client.clientID
        listener?.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
        for connection in connections where connection !== client {
            connection.closing = true
            connection.channel.close(promise: nil)
        }
        for session in sessions.values {
            session.reader?.halt()
            takeProgramOutput(session)
            handOn(session)  // so that no handing on is left for later, into the shared output ring
            session.checkpointDue = true
            checkpointIfDue(session)
            if let files = session.recovery {
                unlink(files.handoverPath)
                Glibc.link(files.checkpointPath, files.handoverPath)  // fails when there is none yet
            }
        }
        releaseJournal()
        keeper.restart(executable: executable)
    }

    /// The keeper's verdict on a restart, or its other news (`KeeperEvent`, through the door).
    func replaced() {
        logger.info("the new server serves every session; leaving")
        heldBackDuringHandover = []
        // Before DONE, after which the new server may be asked to restart and name them again.
        for session in sessions.values { if let files = session.recovery { unlink(files.handoverPath) } }
        if let id = restartRequester, let client = clients[id] { client.send(.done) }
        handedOver = true
        stopped()
    }

    func restartFailed(_ reason: String) {
        logger.warning("the new server failed (\(reason)); carrying on")
        retakeJournal()
        Server.writePIDFile(configuration.pidFilePath)  // the new one may have written its own
        // Each session's files are this server's again, and what the new server read is parsed,
        // before anything else may touch the session (and resume its reader).
        for session in sessions.values {
            // The new server may have counted a recovery of it, and moved its ring's end (to
            // write the same bytes again, or past them).
            session.recovery?.finishAttempt()
            session.ring.reclaim(end: session.machine.endOffset)
            parseWhatTheNewServerRead(session)
            session.reader?.resumeAtRingEnd()
            // The checkpoint may be the new server's, counted in its output offsets: one of this
            // server's now, or, when its emulator is not at rest, the one it had at the handover.
            guard let files = session.recovery else { continue }
            session.checkpointDue = true
            if !checkpointIfDue(session) {
                session.checkpointDue = true  // taken at the next moment of rest
                if Glibc.rename(files.handoverPath, files.checkpointPath) != 0 { unlink(files.checkpointPath) }
            }
            unlink(files.handoverPath)  // (a rename onto the same file leaves both names)
        }
        let requester = restartRequester
        restartRequester = nil
        // The clients closed for the handover are gone: their sessions stop waiting for them.
        for session in Array(sessions.values) {
            for attachment in session.machine.attachments where clients[attachment.client] == nil {
                perform(session, .detach(attachment.client, acknowledge: false))
            }
        }
        let heldBack = heldBackDuringHandover
        heldBackDuringHandover = []
        for event in heldBack { event() }
        listener?.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        if let requester, let client = clients[requester] {
            client.fail(.invalidArgument, "the new server did not take over (\(reason)); this one carries on")
        }
    }

    /// The program output the new server read into the session's input ring before it was
    /// rolled back (the keeper reaps it before saying so, so nothing is added after): parsed
    /// here as a recovery replays it, without answering again the queries it answered. Only the
    /// ring's last bytes are left when it read more than the ring holds.
    private func parseWhatTheNewServerRead(_ session: Session) {
        guard let ring = session.reader?.buffer, ring.endOffset > session.inputParsed else { return }
        let from = max(session.inputParsed, ring.startOffset)
        if from > session.inputParsed {
            logger.warning(
                "session \(session.name): \(from - session.inputParsed) bytes the new server read are gone from its ring"
            )
        }
        logger.info("session \(session.name): \(ring.endOffset - from) bytes the new server read are parsed here")
        Self.replay(ring, from: from, into: &session.emulator, forwarding: &session.forward)
        session.inputParsed = ring.endOffset
        handOn(session)
    }

    /// A restart is under way: clients other than the one that asked are being let go, and
    /// nothing may touch a session (its files are the new server's to read).
    var handingOver: Bool { restartRequester != nil }
}
