// Creating and attaching to sessions, what other threads report about them (through the door),
// and stopping the server.

import Glibc
import Logging
import MuxPTY
import MuxProtocol
import MuxSystem
import MuxTerminal
import NIOCore

extension ServerState {
    func create(_ request: CreateRequest, for client: Connection) {
        var name = request.name
        if name.isEmpty {
            while sessions["\(nextSessionNumber)"] != nil || journal.lost["\(nextSessionNumber)"] != nil {
                nextSessionNumber += 1
            }
            name = "\(nextSessionNumber)"
        }
        guard SessionName.isValid(name) else {
            return client.fail(.invalidArgument, SessionName.rule)
        }
        guard sessions.count < configuration.bounds.maxSessions else { return refuseNewSession(client) }
        guard sessions[name] == nil else {
            return client.fail(.sessionExists, "a session named \(name) exists; attach with `mux attach \(name)`")
        }
        guard journal.lost[name] == nil else {
            return client.fail(
                .sessionExists, "a lost session named \(name) exists; `mux kill \(name)` removes it")
        }
        guard request.columns > 0, request.rows > 0 else {
            return client.fail(.invalidArgument, "a session needs at least one column and one row")
        }
        guard request.scrollback <= 10_000_000 else {
            return client.fail(.invalidArgument, "a session keeps at most 10,000,000 lines of scrollback")
        }
        for entry in request.overrides {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                return client.fail(.invalidArgument, "--env takes NAME=VALUE, not \(entry)")
            }
        }
        // The creator's environment, never the server's own (which is whatever started it).
        var own = sessionEnvironment
        own["MUX_SESSION"] = name
        let environment = Environment(
            SessionEnvironment.entries(creator: request.environment, mux: own, overrides: request.overrides))
        let command = request.command.isEmpty ? [environment["SHELL"] ?? "/bin/sh"] : request.command
        do {
            _ = try launch(
                name: name, command: command, environment: environment.entries,
                workingDirectory: request.workingDirectory, columns: request.columns, rows: request.rows,
                keep: request.keep, scrollback: Int(request.scrollback), creator: client.clientID
            ) { [self] session in
                limitHistory(of: session, toBytes: request.scrollbackBytes)
                journalCreated(session, request: request, environment: environment.entries)
            }
        } catch {
            return client.fail(.spawnFailed, error.reason)
        }
    }

    /// Spawns a session's program and starts watching it: the part of `mux new` that a relaunch
    /// after a crash repeats (docs/journal.md). `serial` is the journal's id when relaunching.
    /// `beforeReading` runs once the session exists and before its terminal is watched: the
    /// journal's row goes in there, ahead of CREATED (whose wait may start as the terminal opens).
    func launch(
        name: String, command: [String], environment: [String], workingDirectory: String, columns: UInt16,
        rows: UInt16, keep: Bool, scrollback: Int, creator: String, serial: UInt64? = nil,
        beforeReading: (Session) -> Void
    ) throws(LaunchFailure) -> Session {
        let serial = serial ?? nextSerial
        let created = UInt64(time(nil))
        let tag = SessionTag(
            name: name, serial: serial, created: created, scrollback: scrollback, keep: keep, arguments: command)
        let process: PTYProcess
        do {
            process = try host.spawn(
                command, environment: environment,
                workingDirectory: workingDirectory.isEmpty ? nil : workingDirectory,
                size: TerminalSize(columns: columns, rows: rows), tag: tag)
        } catch {
            throw LaunchFailure(reason: "\(error)")
        }
        let files = recoveryDirectory.map { RecoveryFiles(directory: $0, serial: serial) }
        let output: ProgramOutput
        let ring: OutputRing?
        do {
            var input: MappedRing?
            ring = try files.map { files throws(SystemError) in
                files.remove()
                input = try MappedRing.create(path: files.inputPath, capacity: configuration.inputRingBytes)
                return OutputRing(try MappedRing.create(path: files.outputPath, capacity: Session.ringCapacity))
            }
            output = try ProgramOutput(terminal: process.masterDescriptor, input: input)
        } catch {
            try? process.signal(SIGKILL)
            host.release(process)
            process.close()
            throw LaunchFailure(reason: "cannot watch the terminal of \(command.joined(separator: " ")): \(error)")
        }
        let machine = SessionMachine(
            name: name, columns: columns, rows: rows, keep: keep, creator: creator,
            ringCapacity: Session.ringCapacity, outboxMinimum: configuration.outboxMinimum,
            holderStallLimit: configuration.holderStallLimit)
        let session = Session(
            serial: serial, machine: machine, command: command, process: process, created: created,
            scrollback: scrollback, ring: ring)
        session.recovery = files
        limitHistory(of: session, toBytes: 0)
        nextSerial = max(nextSerial, serial + 1)
        session.reader = output.reader
        sessions[name] = session
        touch(session)
        logger.info("session \(name): started \(session.command) as pid \(process.pid)")
        beforeReading(session)
        host.watchExit(of: process, session: serial, door: ServerDoor(self))
        startReading(session, output)
        return session
    }

    /// Why a program could not be started.
    struct LaunchFailure: Error {
        let reason: String
    }

    func attach(_ client: Connection, to name: String, asHolder: Bool, history: Int, since: UInt64?, lossy: Bool) {
        guard let session = find(name, for: client) else { return }
        guard session.machine.isLive else {
            let status = session.machine.exitStatus.map { " (status \($0.shellStatus))" } ?? ""
            return client.fail(
                .sessionExited,
                "session \(session.name) has exited\(status); `mux capture \(session.name)` shows its screen, "
                    + "`mux wait \(session.name) --exit` collects it")
        }
        if asHolder, client.role != .control {
            return client.fail(.roleForbidden, "an observer may only attach read-only")
        }
        guard mayAttach(client, to: session) else { return }
        if let previous = client.session { perform(previous, .detach(client.clientID, acknowledge: false)) }
        client.session = session
        // Holders miss nothing unless they asked to (`--lossy`); an observer-role client never holds.
        let lossless = !lossy && client.role == .control
        client.lossless = lossless
        touch(session)
        perform(
            session,
            .attach(
                .init(
                    client: client.clientID, mayHold: client.role == .control, asHolder: asHolder, lossless: lossless,
                    columns: client.columns, rows: client.rows, pixels: client.pixels, history: history,
                    since: since)))
    }

    // MARK: what other threads report

    /// What came through the door, now on the loop.
    func arrived(_ event: ServerDoor.Event) {
        switch event {
        case .programExited where handingOver, .terminalEnded where handingOver:
            // Ending a session now would release its program and remove its files under the new
            // server: carried out if the restart is rolled back.
            heldBackDuringHandover.append { [self] in arrived(event) }
        case .programExited(let serial, let status):
            guard let session = session(serial) else { return }
            perform(session, .programExited(status))
        case .terminalEnded(let serial, let reason):
            guard let session = session(serial) else { return }
            if reason != 0 && reason != EIO && reason != ECANCELED {
                logger.warning("session \(session.name): reading its terminal: \(String(cString: strerror(reason)))")
            }
            takeProgramOutput(session)
            session.reader = nil
            session.pty?.close(promise: nil)
            session.pty = nil
            session.doorbell?.close(promise: nil)
            session.doorbell = nil
            perform(session, .terminalEnded)
        case .signal(let number):
            shutDown(reason: "signal \(number)")
        case .journal(let ticket, let report):
            journalReported(ticket, report)
        case .keeper(let event):
            keeperSaid(event)
        }
    }

    private func session(_ serial: UInt64) -> Session? {
        sessions.values.first { $0.serial == serial }
    }

    // MARK: shutting down

    func shutDown(reason: String) {
        guard !shuttingDown else { return }
        shuttingDown = true
        logger.info("shutting down: \(reason)")
        keeper?.stopping()  // an exit the keeper must not mistake for a crash
        journalStopping(reason: reason)
        for connection in connections {
            connection.fail(.shuttingDown, "the server is shutting down (\(reason))", closing: true)
        }
        for session in Array(sessions.values) { perform(session, .shutdown) }
        if sessions.isEmpty { return onShutdown() }
        loop.assumeIsolated().scheduleTask(in: .seconds(2)) { [self] in
            for session in sessions.values where session.machine.isLive { try? session.process.signal(SIGKILL) }
            loop.assumeIsolated().scheduleTask(in: .seconds(1)) { [self] in onShutdown() }
        }
    }
}

/// Session names: what tmux users type, and safe in a shell and a file name: no `/`, and never
/// `.` or `..` (nor anything else starting with a dot), so no name leads out of a directory.
enum SessionName {
    static let rule = "a session name is 1 to 64 letters, digits, '-', '_' or '.', not starting with '-' or '.'"

    static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name.first != "-", name.first != "." else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x2d
                || byte == 0x5f || byte == 0x2e
        }
    }
}
