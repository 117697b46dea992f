// `mux capture`: print a session's screen.

import ArgumentParser
import MuxClient
import MuxProtocol

struct Capture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Print a session's screen as the server's emulator holds it.",
        discussion: """
            The same formats as `mux render`: text (the visible rows), ansi (with SGR), json \
            (docs/render-json.md). With --history N, text and ansi print the last N lines of \
            scrollback before the screen, and json puts them in its history field. Works on a \
            session whose program exited, until its status is collected (or, with --keep, until \
            `mux kill`).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, ansi, json
    }

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var name: String

    @Option(help: "What to print.")
    var format: Format = .text

    @Option(help: "Lines of scrollback to include (before the screen, or in json's history field).")
    var history: UInt32 = 0

    func run() throws {
        let connection = try server.connect(role: .observer, start: server.hasJournal)
        let wire: CaptureFormat =
            switch format {
            case .text: .text
            case .ansi: .ansi
            case .json: .json
            }
        guard
            case .captured(let text) = try connection.request(
                .capture(session: name, format: wire, historyLines: history))
        else { return }
        writeOut(text)
    }
}
