// A server started by a keeper (docs/lifecycle.md) asks it for every program: the keeper stays
// their parent and holds their PTY masters, so they outlive this server. Its news (a program
// reaped, a restart's verdict, the keeper gone) comes through the door.

import MuxKeeper
import MuxPTY
import MuxProtocol

final class KeeperProgramHost: ProgramHost {
    let link: KeeperLink

    init(_ link: KeeperLink) { self.link = link }

    func spawn(
        _ arguments: [String], environment: [String], workingDirectory: String?, size: TerminalSize,
        tag: SessionTag
    ) throws(SpawnError) -> PTYProcess {
        try link.spawn(
            arguments, environment: environment, workingDirectory: workingDirectory, size: size, tag: tag.encoded)
    }

    /// The keeper reports every exit by pid (`KeeperEvent.exited`); nothing to start here.
    func watchExit(of process: PTYProcess, session serial: UInt64, door: ServerDoor) {}

    func retag(_ process: PTYProcess, _ tag: SessionTag) { link.retag(pid: process.pid, tag: tag.encoded) }

    func release(_ process: PTYProcess) { link.release(pid: process.pid) }
}

extension KeeperLink: KeeperControl {}

extension ServerState {
    /// What the keeper said, on the loop.
    func keeperSaid(_ event: KeeperEvent) {
        switch event {
        case .exited(let pid, let status):
            guard let session = sessions.values.first(where: { $0.process.pid == pid }) else { return }
            // Its draining would stop the reader and end the session under the new server.
            if handingOver { return heldBackDuringHandover.append { [self] in keeperSaid(event) } }
            perform(session, .programExited(status))
        case .exit:
            replaced()
        case .rollback(let reason):
            restartFailed(reason)
        case .lost:
            // Its programs are nobody's children now, and their masters die with this server:
            // carrying on would only postpone their hang-up to a moment nobody chose.
            logger.error("the keeper is gone; stopping (the programs get SIGHUP)")
            shutDown(reason: "the keeper exited")
        }
    }

    /// Takes over what the keeper held when this server started: every program it could
    /// recover becomes a session again; the others are released (their programs get SIGHUP).
    /// Stale recovery files (of sessions no keeper holds) are removed. Returns how many came back.
    /// A replacement releases nothing and removes nothing: the first program it cannot recover
    /// ends its start (the old server, which still has them all, carries on).
    func takeOver(_ inventory: KeeperInventory) throws(ServerStartFailure) -> Int {
        var recovered = 0
        var kept: Set<UInt64> = []
        for held in inventory.programs {
            let process = PTYProcess(adopting: held.pid, master: held.master)
            guard let tag = SessionTag(decoding: held.tag), sessions[tag.name] == nil,
                recover(tag, process: process, exit: held.exit) != nil
            else {
                if configuration.replacing {
                    let name = SessionTag(decoding: held.tag).map { "session \($0.name)" } ?? "a session"
                    logger.warning("\(name) (pid \(held.pid)) cannot be recovered; not replacing the server")
                    throw ServerStartFailure(
                        .system, "\(name) (pid \(held.pid)) could not be taken over (see the log)")
                }
                logger.warning("the keeper's program \(held.pid) cannot be recovered; releasing it")
                link(release: process)
                continue
            }
            kept.insert(tag.serial)
            recovered += 1
        }
        if let directory = recoveryDirectory {
            for serial in RecoveryFiles.serials(in: directory).subtracting(kept) {
                RecoveryFiles(directory: directory, serial: serial).remove()
            }
        }
        return recovered
    }

    private func link(release process: PTYProcess) {
        host.release(process)
        process.close()
    }
}
