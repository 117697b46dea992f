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
            (docs/render-json.md, with the last --history lines of scrollback). Works on a \
            session whose program exited, until its status is collected (or, with --keep, until \
            `mux kill`).
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, ansi, json
    }

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session.")
    var name: String

    @Option(help: "What to print.")
    var format: Format = .text

    @Option(help: "With --format json: lines of scrollback to include.")
    var history: UInt32 = 0

    func run() throws {
        let connection = try server.connect(role: .observer, start: false)
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
