// Creating, attaching to and ending sessions.

import Glibc
import Logging
import MuxPTY
import MuxProtocol
import MuxSystem
import MuxTerminal
import NIOCore
import NIOPosix

extension ServerState {
    func create(_ request: CreateRequest, for client: Connection) {
        var name = request.name
        if name.isEmpty {
            while sessions["\(nextSessionNumber)"] != nil { nextSessionNumber += 1 }
            name = "\(nextSessionNumber)"
        }
        guard SessionName.isValid(name) else {
            return client.fail(.invalidArgument, SessionName.rule)
        }
        guard sessions[name] == nil else {
            return client.fail(.sessionExists, "a session named \(name) exists; attach with `mux attach \(name)`")
        }
        guard request.columns > 0, request.rows > 0 else {
            return client.fail(.invalidArgument, "a session needs at least one column and one row")
        }
        guard request.scrollback <= 10_000_000 else {
            return client.fail(.invalidArgument, "a session keeps at most 10,000,000 lines of scrollback")
        }
        var environment = Environment(ProcessEnvironment.current)
        for (key, value) in sessionEnvironment { environment[key] = value }
        for entry in request.environment {
            guard let equals = entry.firstIndex(of: "="), equals != entry.startIndex else {
                return client.fail(.invalidArgument, "--env takes NAME=VALUE, not \(entry)")
            }
            environment[String(entry[..<equals])] = String(entry[entry.index(after: equals)...])
        }
        environment["MUX_SESSION"] = name
        let command = request.command.isEmpty ? [environment["SHELL"] ?? "/bin/sh"] : request.command
        let process: PTYProcess
        do {
            process = try PTYProcess.spawn(
                command, environment: environment.entries,
                workingDirectory: request.workingDirectory.isEmpty ? nil : request.workingDirectory,
                size: TerminalSize(columns: request.columns, rows: request.rows))
        } catch {
            return client.fail(.spawnFailed, "\(error)")
        }
        let output: ProgramOutput
        do {
            output = try ProgramOutput(terminal: process.masterDescriptor)
        } catch {
            try? process.signal(SIGKILL)
            _ = try? process.waitForExit()
            process.close()
            return client.fail(.spawnFailed, "cannot watch the terminal of \(command.joined(separator: " ")): \(error)")
        }
        var resolved = request
        resolved.command = command
        let session = Session(
            name: name, request: resolved, process: process, created: UInt64(time(nil)), loop: loop, logger: logger)
        session.reader = output.reader
        sessions[name] = session
        touch(session)
        logger.info("session \(name): started \(session.command) as pid \(process.pid)")
        watchExit(of: session)
        startReading(
            session, output,
            then: { [self, name] result in
                switch result {
                case .success:
                    client.send(.created(session: name))
                case .failure(let error):
                    logger.error("session \(name): cannot watch its terminal: \(error)")
                    client.fail(.spawnFailed, "cannot watch the terminal of \(name): \(error)")
                    try? process.signal(SIGKILL)
                }
            })
    }

    func attach(_ client: Connection, to name: String, asHolder: Bool, history: Int, since: UInt64?, lossless: Bool) {
        guard let session = find(name, for: client) else { return }
        guard session.isRunning else {
            return client.fail(
                .sessionExited, "session \(session.name) has exited; `mux capture \(session.name)` shows its screen")
        }
        if asHolder || lossless, client.role != .control {
            return client.fail(.roleForbidden, "an observer may only attach read-only")
        }
        client.session?.detach(client)
        client.session = session
        client.lossless = lossless
        let marks = Outbox.watermarks(
            forCells: Int(session.columns) * Int(session.rows), minimum: configuration.outboxMinimum)
        client.outbox = Outbox(highWatermark: marks.high, lowWatermark: marks.low)
        session.clients.append(client)
        touch(session)
        var change: InputLease.Change?
        if asHolder {
            change = session.lease.take(client.clientID)
            session.resize(columns: client.columns, rows: client.rows)
        }
        client.send(
            .attached(
                session: session.name, columns: session.columns, rows: session.rows,
                holdsLease: session.lease.holder == client.clientID), flush: false)
        if let since, let bytes = session.ring.bytes(from: since) {
            client.outbox.snapshotSent(at: since)
            if !bytes.isEmpty { client.outbox.enqueue(.init(offset: since, bytes: bytes)) }
        } else {
            client.outbox.requireSnapshot()
            client.historyForSnapshot = history
        }
        client.pump()
        client.channel.flush()
        if let change {
            session.leaseChanged(change)
        } else if let holder = session.lease.holder {
            client.send(.lease(holder: holder, holdsLease: false))
        }
    }

    func kill(_ session: Session, signal: Int32, for client: Connection) {
        session.killRequested = true
        session.onEnd.append { client.send(.done) }
        guard session.isRunning else { return endSession(session) }
        do {
            try session.process.signal(signal)
        } catch {
            logger.warning("session \(session.name): \(error)")
        }
        // A program that ignores the signal is not allowed to keep the session forever.
        loop.scheduleTask(in: .seconds(3)) { [session] in
            if session.isRunning { try? session.process.signal(SIGKILL) }
        }
    }

    // MARK: the end of a program

    /// Reaps the session's program on a thread of its own (waitpid blocks), then hops back.
    private func watchExit(of session: Session) {
        let loop = self.loop
        startThread { [self] in
            let status: ExitStatus
            do {
                status = try session.process.waitForExit()
            } catch {
                status = .exited(-1)
            }
            loop.execute { self.programExited(session, status: status) }
        }
    }

    func programExited(_ session: Session, status: ExitStatus) {
        logger.info("session \(session.name): \(session.command) \(status)")
        session.programExited = status
        if session.ptyClosed {
            finish(session)
        } else {
            // The rest of its output is still in the terminal: read it, but do not wait for a
            // grandchild that keeps the terminal open.
            loop.scheduleTask(in: .milliseconds(200)) {
                if !session.ptyClosed { session.reader?.stop() }
            }
        }
    }

    func programTerminalClosed(_ session: Session) {
        session.ptyClosed = true
        session.reader = nil
        session.pty?.close(promise: nil)
        session.pty = nil
        session.doorbell?.close(promise: nil)
        session.doorbell = nil
        if session.programExited != nil { finish(session) }
    }

    /// The program has exited and its output is all read: tell the clients, then remove the
    /// session unless it was created with --keep.
    private func finish(_ session: Session) {
        guard session.isRunning, let status = session.programExited else { return }
        session.state = .exited(status)
        session.process.close()
        for client in session.clients {
            client.pump()
            client.send(.exited(status: status.shellStatus))
            client.session = nil
        }
        session.clients.removeAll()
        session.lease = InputLease()
        if !session.keep || session.killRequested { endSession(session) }
    }

    private func endSession(_ session: Session) {
        sessions[session.name] = nil
        recent.removeAll { $0 == session.name }
        let waiting = session.onEnd
        session.onEnd.removeAll()
        for reply in waiting { reply() }
        if shuttingDown && sessions.values.allSatisfy({ !$0.isRunning }) { onShutdown() }
    }

    // MARK: shutting down

    func shutDown(reason: String) {
        guard !shuttingDown else { return }
        shuttingDown = true
        logger.info("shutting down: \(reason)")
        for connection in connections {
            connection.fail(.shuttingDown, "the server is shutting down (\(reason))", closing: true)
        }
        let running = sessions.values.filter(\.isRunning)
        for session in sessions.values where !session.isRunning { endSession(session) }
        if running.isEmpty { return onShutdown() }
        for session in running {
            session.killRequested = true
            try? session.process.signal(SIGHUP)
        }
        loop.scheduleTask(in: .seconds(2)) { [self] in
            for session in sessions.values where session.isRunning { try? session.process.signal(SIGKILL) }
            loop.scheduleTask(in: .seconds(1)) { [self] in onShutdown() }
        }
    }
}

/// Session names: what tmux users type, and safe in a shell and a file name.
enum SessionName {
    static let rule = "a session name is 1 to 64 letters, digits, '-', '_' or '.', not starting with '-'"

    static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), name.first != "-" else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x2d
                || byte == 0x5f || byte == 0x2e
        }
    }
}
