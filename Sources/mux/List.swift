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
            One line per session: name, command, size, state (with the exit status once exited), \
            attached clients, the lease holder and when it was created. --json prints an array of \
            objects with the fields name, command, cols, rows, state, exitStatus, clients, holder, \
            created (seconds since 1970). Does not start a server: with none running it prints \
            nothing (or []).
            """,
        aliases: ["list"]
    )

    @OptionGroup var server: ServerOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try Self.list(server.address, json: json)
    }

    static func list(_ server: ServerAddress, json: Bool) throws {
        let sessions: [SessionSummary]
        do {
            let connection = try server.connect(role: .observer, start: false)
            guard case .sessions(let list) = try connection.request(.list) else { return }
            sessions = list
        } catch let error as ClientError where error.kind == .noServer {
            sessions = []
        }
        if json {
            writeLine("[" + sessions.map(jsonObject).joined(separator: ",") + "]")
            return
        }
        for s in sessions {
            let state = s.state == .exited ? "exited (status \(s.exitStatus))" : "\(s.state)"
            let holder = s.holder.isEmpty ? "-" : s.holder
            let created = Timestamp(secondsSince1970: Int(s.created)).local
            writeLine(
                "\(s.name): \(s.command) [\(s.columns)x\(s.rows)] \(state) clients=\(s.clients) "
                    + "lease=\(holder) created=\(created)")
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

    static func jsonObject(_ s: SessionSummary) -> String {
        "{\"name\":\(jsonString(s.name)),\"command\":\(jsonString(s.command)),\"cols\":\(s.columns),"
            + "\"rows\":\(s.rows),\"state\":\"\(s.state)\",\"exitStatus\":\(s.exitStatus),"
            + "\"clients\":\(s.clients),\"holder\":\(jsonString(s.holder)),\"created\":\(s.created)}"
    }
}
