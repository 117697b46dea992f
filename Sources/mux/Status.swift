// `mux status NAME`: one session's facts, for a script to act on (docs/cli-json.md).

import ArgumentParser
import MuxClient
import MuxJSON
import MuxProtocol
import MuxSystem

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show one session's state: pid, whether it waits for input, its foreground command.",
        discussion: """
            State is `lost` when its program did not survive the server (docs/journal.md), else `running` (with `waiting-for-input` when the terminal's foreground process is \
            blocked reading the terminal, else `busy`) or `exited N`. Liveness is `alive`, `dead`, or \
            `unknown` when the check itself failed. Also: the foreground command and its working \
            directory, the title (OSC 0/2), the times of the last output and input, and, when the \
            shell sends OSC 133 prompt marks, the last command's status. --json prints the object \
            docs/cli-json.md describes (the same fields as `mux ls --json`, null where absent).
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session.")
    var name: String

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        let connection = try server.connect(role: .observer, start: server.hasJournal)
        let answer = try connection.request(.list)
        guard case .sessions(let list) = answer else { throw unexpected(answer) }
        guard let s = list.first(where: { $0.name == name }) else {
            throw ClientError("no session named \(name) (see `mux ls`)", code: .sessionNotFound)
        }
        if json { return writeLine(s.json) }
        func value<T>(_ value: T?) -> String { value.map { "\($0)" } ?? "-" }
        let lastCommand =
            s.commandPhase == .running ? "running" : s.lastCommandStatus.map { "exited \($0)" } ?? "-"
        let lines: [(String, String)] = [
            ("name", s.name),
            ("command", s.command),
            ("pid", "\(value(s.pid)) (\(s.liveness))"),
            ("size", "\(s.columns)x\(s.rows)"),
            ("state", [s.stateText, s.activityText].compactMap(\.self).joined(separator: ", ")),
            ("foreground", s.foregroundPID.map { "\($0) \(s.foregroundCommand ?? "?")" } ?? "-"),
            ("cwd", value(s.workingDirectory)),
            ("title", value(s.title)),
            ("last command", lastCommand),
            ("last output", SessionSummary.localTime(s.lastOutput)),
            ("last input", SessionSummary.localTime(s.lastInput)),
            ("clients", "\(s.clients)"),
            ("lease", s.holder.isEmpty ? "-" : s.holder),
            ("created", Timestamp(secondsSince1970: Int(s.created)).local),
            ("ended", s.ended.map { Timestamp(secondsSince1970: Int($0)).local + " (\(s.endReason ?? "-"))" } ?? "-"),
            ("restore", s.restore == .serverDefault ? "-" : "\(s.restore)"),
            ("labels", s.labels.isEmpty ? "-" : s.labels.joined(separator: " ")),
            ("history", "\(s.historyLines) lines, \(s.historyBytes) bytes"),
        ]
        // What a program set (its title, its directory) is printed with its controls escaped.
        for (key, text) in lines { writeLine("\(key): \(visibleText(text))") }
    }
}
