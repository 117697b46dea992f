// `mux ls`: list the sessions.

import ArgumentParser
import Glibc
import MuxClient
import MuxJSON
import MuxProtocol
import MuxSystem

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the sessions.",
        discussion: """
            One line per session: name, command, size, state (`running` with `waiting-for-input` \
            or `busy`, or `exited N`), pid, the foreground command and its directory, attached \
            clients, the lease holder and when it was created, then its labels. A session whose \
            program did not survive the server (a crash, a stop, a reboot) is `lost`, with when \
            and why it ended (docs/journal.md). --label KEY=VALUE lists only the sessions with \
            that label (repeatable: all must match). --json prints an array of the \
            objects `mux status --json` prints (docs/cli-json.md). Does not start a server: with \
            none running it says "no server running on PATH" and exits 1 (--json prints [] and \
            exits 0); with no sessions it says "no sessions".
            """,
        aliases: ["list"]
    )

    @OptionGroup var server: ServerOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: ArgumentHelp("Only sessions with this label; repeatable, all must match.", valueName: "KEY=VALUE"))
    var label: [String] = []

    func validate() throws {
        for entry in label where !entry.contains("=") || entry.hasPrefix("=") {
            throw ValidationError("--label takes KEY=VALUE, not \(entry)")
        }
    }

    func run() throws {
        try Self.list(server.address, json: json, labels: label)
    }

    static func list(_ server: ServerAddress, json: Bool, labels: [String] = []) throws {
        let sessions: [SessionSummary]
        do {
            let connection = try server.connect(role: .observer, start: server.hasJournal)
            guard case .sessions(let list) = try connection.request(.list) else { return }
            sessions = list.filter { $0.hasLabels(labels) }
        } catch let error as ClientError where error.kind == .noServer {
            guard json else { throw ClientError("no server running on \(server.socketPath)") }
            sessions = []
        }
        if !json && sessions.isEmpty {
            writeLine("no sessions")
            return
        }
        if json {
            writeLine("[" + sessions.map(\.json).joined(separator: ",") + "]")
            return
        }
        for s in sessions {
            let state = [s.stateText, s.activityText].compactMap(\.self).joined(separator: " ")
            let holder = s.holder.isEmpty ? "-" : s.holder
            let created = Timestamp(secondsSince1970: Int(s.created)).local
            let foreground = s.foregroundCommand.map { " fg=\(jsonString($0)) cwd=\(s.workingDirectory ?? "-")" } ?? ""
            let labelText = s.labels.isEmpty ? "" : " labels=" + s.labels.map(jsonString).joined(separator: ",")
            if s.state == .lost {
                let ended = s.ended.map { Timestamp(secondsSince1970: Int($0)).local } ?? "-"
                writeLine(
                    visibleText(
                        "\(s.name): \(s.command) [\(s.columns)x\(s.rows)] lost ended=\(ended) "
                            + "reason=\(jsonString(s.endReason ?? "-")) created=\(created)\(labelText)"))
                continue
            }
            // What a program set (its command line, its directory) is printed with controls escaped.
            writeLine(
                visibleText(
                    "\(s.name): \(s.command) [\(s.columns)x\(s.rows)] \(state) pid=\(s.pid.map { "\($0)" } ?? "-")"
                        + "\(foreground) clients=\(s.clients) lease=\(holder) created=\(created)\(labelText)"))
        }
    }

    /// `mux ls` without swift-argument-parser, when its arguments are exactly `ls`/`list`,
    /// `--json` and `--socket PATH`: the parser's reflection costs about 1.6 ms per run here, more
    /// than the rest of the round trip, and scripts call `mux ls` in loops (docs/benchmarks.md).
    /// Anything else (help, a typo, an unknown flag) goes through the parser as usual.
    static func runWithoutParser(_ arguments: [String]) -> Bool {
        guard let command = arguments.first, command == "ls" || command == "list" else { return false }
        var json = false
        var options = ServerAddress()
        var rest = arguments.dropFirst()
        while let argument = rest.popFirst() {
            switch argument {
            case "--json" where !json: json = true
            case "--socket" where options.explicit == nil && !rest.isEmpty: options.explicit = rest.popFirst()
            default: return false
            }
        }
        do {
            try list(options, json: json)
        } catch {
            printError("Error: \(error)")
            Glibc.exit(1)
        }
        return true
    }
}
