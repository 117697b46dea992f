// `mux server`: start, stop and inspect the server.

import ArgumentParser
import Glibc
import Logging
import MuxClient
import MuxJSON
import MuxKeeper
import MuxPTY
import MuxProtocol
import MuxServer
import MuxSystem

struct Server: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Start, stop or inspect the server.",
        discussion: """
            One server per socket owns every session. Commands that need it start it; these \
            manage it directly. Beside the socket: NAME.pid (its process id), NAME.log (its log, \
            level from --log-level or MUX_LOG), NAME.terminfo (the compiled mux-256color entry) \
            and NAME.lock (locked while a server starts or stops).
            """,
        subcommands: [Start.self, Stop.self, Restart.self, Status.self, Terminfo.self]
    )

    struct Start: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start the server (in the background unless --foreground).",
            discussion: """
                Fails if a server already answers on the socket; a stale socket is removed first. \
                Servers starting at once on one socket take turns (a lock on NAME.lock): one \
                listens and the others find it. A server whose socket file is removed or \
                replaced stops by itself within seconds. Exited sessions stay listed until \
                collected, within --exited-limit and --exited-max-age. The server keeps a journal \
                of its sessions in $XDG_STATE_HOME/mux/ (default ~/.local/state/mux/) and reads it \
                when it starts: sessions a crash, a stop or a reboot ended are listed as lost with \
                their last screen, or relaunched (docs/journal.md).
                """)
        @OptionGroup var server: ServerOptions
        @Flag(help: "Run in this process instead of in the background.") var foreground = false
        @Option(help: "trace, debug, info, notice, warning, error or critical (default: $MUX_LOG, else info).")
        var logLevel: String?
        @Option(help: ArgumentHelp("Tell the starting command on this descriptor when ready.", visibility: .private))
        var readyFd: Int32 = -1
        @Option(
            help: """
                The least output (bytes) queued for a client before it is resynchronised with a \
                snapshot; larger screens get more (256 bytes per cell). Default 1 MiB.
                """)
        var outboxBytes: Int = 1 << 20
        @Option(
            help: """
                How many exited sessions stay listed with their status until collected; past it \
                the server collects the oldest. Sessions created with --keep do not count.
                """)
        var exitedLimit: Int = ServerConfiguration.defaultExitedLimit
        @Option(help: "How long (seconds) an exited session stays listed until collected (--keep ones: until killed).")
        var exitedMaxAge: Int = ServerConfiguration.defaultExitedMaxAge
        @Option(
            help: """
                How long (seconds) a lease holder's terminal may stay too slow for the program \
                before it is demoted: the program stops waiting for it, and it skips output when \
                behind (as `mux attach --lossy` does) until it takes the lease again.
                """)
        var holderStallLimit: Double = Double(ServerConfiguration.defaultHolderStallLimit) / 1000
        @Flag(help: "Keep no journal: nothing survives the server (for benchmarks).")
        var noJournal = false
        @Option(help: ArgumentHelp("The restore policy of sessions created without --restore.", valueName: "POLICY"))
        var restore: SessionRestore = .screen
        @Option(help: ArgumentHelp("Bytes of each session's input ring (docs/lifecycle.md).", visibility: .private))
        var inputRingBytes: Int = 4 << 20
        @Option(help: ArgumentHelp("The keeper's end of its link to this server.", visibility: .private))
        var keeperFd: Int32 = -1
        @Option(
            help: ArgumentHelp(
                "Bytes of scrollback a session keeps unless created with --scrollback-bytes.", valueName: "SIZE"))
        var scrollbackBytes = ByteSize(bytes: ServerBounds.defaultScrollbackBytes)
        @Option(
            help: ArgumentHelp(
                """
                Bytes of scrollback all sessions keep together; past it the oldest history of the \
                largest sessions goes first, with a line in the log.
                """, valueName: "SIZE"))
        var historyBudget = ByteSize(bytes: ServerBounds.defaultHistoryBudget)
        @Option(help: "Sessions the server keeps at once (exited ones still listed count); more are refused.")
        var maxSessions = ServerBounds.defaultMaxSessions
        @Option(help: "Clients attached to one session at once; more are refused.")
        var maxClients = ServerBounds.defaultMaxClients
        @Flag(
            help: """
                Let programs set the clipboard of the lease holder's terminal (OSC 52); never \
                an observer's. Programs can never read a clipboard.
                """)
        var clipboard = false

        /// The bounds as given, and as passed to a server started in the background.
        var bounds: ServerBounds {
            var bounds = ServerBounds()
            bounds.scrollbackBytes = scrollbackBytes.bytes
            bounds.historyBudget = historyBudget.bytes
            bounds.maxSessions = maxSessions
            bounds.maxClients = maxClients
            bounds.clipboard = clipboard
            return bounds
        }

        var boundArguments: [String] {
            var arguments: [String] = []
            let defaults = ServerBounds()
            if bounds.scrollbackBytes != defaults.scrollbackBytes {
                arguments += ["--scrollback-bytes", "\(bounds.scrollbackBytes)"]
            }
            if bounds.historyBudget != defaults.historyBudget {
                arguments += ["--history-budget", "\(bounds.historyBudget)"]
            }
            if maxSessions != defaults.maxSessions { arguments += ["--max-sessions", "\(maxSessions)"] }
            if maxClients != defaults.maxClients { arguments += ["--max-clients", "\(maxClients)"] }
            if clipboard { arguments.append("--clipboard") }
            return arguments
        }

        func validate() throws {
            if let logLevel, Logger.Level(rawValue: logLevel) == nil {
                throw ValidationError("unknown log level \(logLevel)")
            }
            guard outboxBytes >= 4096 else { throw ValidationError("--outbox-bytes must be at least 4096") }
            guard inputRingBytes >= 1 << 18 else { throw ValidationError("--input-ring-bytes must be at least 262144") }
            guard exitedLimit >= 0 else { throw ValidationError("--exited-limit must be 0 or more") }
            guard exitedMaxAge >= 0 else { throw ValidationError("--exited-max-age must be 0 or more") }
            guard holderStallLimit >= 0.01, holderStallLimit <= 86_400 else {
                throw ValidationError("--holder-stall-limit must be between 0.01 and 86400 seconds")
            }
            guard scrollbackBytes.bytes >= 4096 else { throw ValidationError("--scrollback-bytes must be at least 4K") }
            guard historyBudget.bytes >= 4096 else { throw ValidationError("--history-budget must be at least 4K") }
            guard maxSessions >= 1 else { throw ValidationError("--max-sessions must be at least 1") }
            guard maxClients >= 1 else { throw ValidationError("--max-clients must be at least 1") }
        }

        func run() throws {
            let level =
                logLevel ?? getenv("MUX_LOG").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "info"
            guard let parsed = Logger.Level(rawValue: level) else {
                throw ValidationError("unknown log level \(level) in MUX_LOG")
            }
            let socket = server.socketPath
            guard foreground else {
                if SocketProbe.probe(socket) == .answering {
                    throw ClientError("a server is already running on \(socket)")
                }
                var extra = noJournal ? ["--no-journal"] : []
                if restore != .screen { extra += ["--restore", "\(restore)"] }
                if inputRingBytes != 4 << 20 { extra += ["--input-ring-bytes", "\(inputRingBytes)"] }
                extra += boundArguments
                try ServerLauncher.start(
                    socket: socket, logLevel: level, outboxBytes: outboxBytes, exitedLimit: exitedLimit,
                    exitedMaxAge: exitedMaxAge, holderStallLimit: holderStallLimit, extraArguments: extra)
                writeLine("mux server listening on \(socket)")
                return
            }
            // A failure to start goes to the starting command too, on --ready-fd.
            var configuration = ServerConfiguration(
                socketPath: socket, logLevel: parsed, outboxMinimum: outboxBytes, exitedLimit: exitedLimit,
                exitedMaxAge: exitedMaxAge, holderStallLimit: Int((holderStallLimit * 1000).rounded()))
            configuration.journal = !noJournal
            configuration.defaultRestore = "\(restore)"
            configuration.inputRingBytes = inputRingBytes
            configuration.keeperDescriptor = keeperFd
            // Read once, and not passed on to the sessions' programs.
            configuration.replacing = ProcessEnvironment.value(KeeperConfiguration.replacing) == "1"
            unsetenv(KeeperConfiguration.replacing)
            configuration.bounds = bounds
            try MuxServer.Server.run(configuration, readyDescriptor: readyFd)
        }
    }

    struct Stop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stop",
            abstract: "Stop the server: clients are told, sessions end, the socket is removed.")
        @OptionGroup var server: ServerOptions

        func run() throws { try Self.stop(server) }

        static func stop(_ server: ServerOptions) throws {
            let connection = try server.connect(start: false)
            try expectDone(try connection.request(.shutdown))
            let pid = pid_t(connection.serverPID)
            // Done once the process is gone (its sessions ended, its socket removed).
            let deadline = MonotonicClock.seconds() + 10
            while processRuns(pid) {
                guard MonotonicClock.seconds() < deadline else {
                    throw ClientError("the server (pid \(pid)) is still running 10 s after it was asked to stop")
                }
                usleep(5_000)
            }
        }
    }

    struct Restart: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restart",
            abstract: "Replace the server (or upgrade it) with no session ending.",
            discussion: """
                The server hands its sessions to a new server started by its keeper from \
                --executable (default: this mux): programs keep running with the same pids and \
                see no hang-up and no resize, every screen and history is carried over exactly, \
                and attached clients reconnect and continue from where they were. If the new \
                server fails to start or to take every session, the old one carries on and this \
                command says why (exit status 1). Needs a server started by a keeper (the \
                default; not `mux server start --foreground`). See docs/lifecycle.md.
                """)
        @OptionGroup var server: ServerOptions
        @Option(help: ArgumentHelp("The mux binary to run the new server from.", valueName: "PATH"))
        var executable: String?

        func run() throws {
            let path = executable ?? ServerLauncher.executablePath()
            guard access(path, X_OK) == 0 else { throw ClientError("\(path) is not an executable file") }
            let connection = try server.connect(start: false)
            _ = try connection.identify()
            let before = connection.serverPID
            try expectDone(try connection.request(.restart(executable: path)))
            let after = try server.connect(role: .observer, start: false)
            let answer = try after.request(.status)
            guard case .serverStatus(let status) = answer else { throw unexpected(answer) }
            writeLine("mux server restarted: pid \(before) -> \(status.pid), \(status.sessions) session(s)")
        }
    }

    /// `mux kill-server`, tmux's name for `mux server stop`.
    struct KillServer: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kill-server",
            abstract: "Stop the server (the same as `mux server stop`).")
        @OptionGroup var server: ServerOptions

        func run() throws { try Stop.stop(server) }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show the server's process, sessions and clients.",
            discussion: """
                --json prints {"pid","socket","started","sessions","clients":[{"id","role","session",\
                "holdsLease","lossless","demoted","queuedBytes","resyncs"}],"journal":{"path","bytes",\
                "lastWrite","error","movedAside","lost","relaunched"}} ("journal" is null with \
                --no-journal; "error" says why changes wait unwritten; "lost" and "relaunched" \
                count what the server's start found). Exits 1 when no server runs.
                """)
        @OptionGroup var server: ServerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let connection = try server.connect(role: .observer, start: false)
            let answer = try connection.request(.status)
            guard case .serverStatus(let status) = answer else { throw unexpected(answer) }
            let me = connection.clientID
            let clients = status.clients.filter { $0.clientID != me }
            if json {
                let list = clients.map { c in
                    "{\"id\":\(jsonString(c.clientID)),\"role\":\"\(c.role)\",\"session\":\(jsonString(c.session)),"
                        + "\"holdsLease\":\(c.holdsLease),\"lossless\":\(c.lossless),\"demoted\":\(c.demoted),"
                        + "\"queuedBytes\":\(c.queuedBytes),\"resyncs\":\(c.resyncs)}"
                }
                writeLine(
                    "{\"pid\":\(status.pid),\"socket\":\(jsonString(status.socket)),\"started\":\(status.started),"
                        + "\"sessions\":\(status.sessions),\"clients\":[\(list.joined(separator: ","))],"
                        + "\"journal\":\(status.journal.map(Self.json) ?? "null")}")
                return
            }
            let started = Timestamp(secondsSince1970: Int(status.started)).local
            writeLine("server pid \(status.pid) on \(status.socket), started \(started)")
            writeLine("\(status.sessions) session(s), \(clients.count) other client(s)")
            for c in clients {
                let attached = c.session.isEmpty ? "not attached" : "attached to \(c.session)"
                writeLine(
                    "  \(c.clientID) (\(c.role)) \(attached)\(c.holdsLease ? ", holds the lease" : "")"
                        + (c.demoted ? ", demoted to resync (its terminal stalled)" : "")
                        + ", queued \(c.queuedBytes) bytes, resyncs \(c.resyncs)")
            }
            guard let journal = status.journal else {
                return writeLine("journal: none (--no-journal, or another server on this socket holds it)")
            }
            writeLine(
                "journal: \(journal.path), \(journal.bytes) bytes, last write \(SessionSummary.localTime(journal.lastWrite))"
            )
            if let error = journal.error { writeLine("journal: WARNING: cannot write: \(error); retrying") }
            if let aside = journal.movedAside {
                writeLine("journal: a corrupt or newer journal was moved aside to \(aside)")
            }
            writeLine("journal: at start \(journal.lost) session(s) were lost, \(journal.relaunched) relaunched")
        }

        static func json(_ journal: JournalStatus) -> String {
            func string(_ value: String?) -> String { value.map(jsonString) ?? "null" }
            let lastWrite =
                journal.lastWrite.map { "\($0 / 1000)." + String("\(1000 + $0 % 1000)".dropFirst()) } ?? "null"
            return "{\"path\":\(jsonString(journal.path)),\"bytes\":\(journal.bytes),\"lastWrite\":\(lastWrite),"
                + "\"error\":\(string(journal.error)),\"movedAside\":\(string(journal.movedAside)),"
                + "\"lost\":\(journal.lost),\"relaunched\":\(journal.relaunched)}"
        }
    }

    struct Terminfo: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "terminfo",
            abstract: "Print the mux-256color terminfo source (for `tic -x` on another machine).")

        func run() {
            writeOut(TerminfoSource.text)
        }
    }
}
