// `mux render`: feed bytes to a fresh emulator and print the final state.

import ArgumentParser
import Glibc
import MuxSystem
import MuxTerminal

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Feed a file's bytes to a fresh emulator and print the final screen.",
        discussion: """
            Reads FILE (or standard input when FILE is - or absent) as the output of a program, \
            feeds it to mux's emulator and prints the state it leaves: `text` prints the visible \
            rows, `ansi` the rows with their colours and attributes as SGR, `json` one document \
            described in docs/render-json.md, `snapshot` the escape sequences that bring a terminal \
            of the same size to that exact state (docs/snapshot.md): `mux render --format snapshot \
            FILE` in a terminal of the right size shows what the program left. To capture what a \
            program writes: `script -q -c PROGRAM /dev/null | mux render`.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, ansi, json, snapshot
    }

    @Option(help: ArgumentHelp("The terminal's size.", valueName: "COLSxROWS"))
    var size: TerminalSizeArgument = TerminalSizeArgument(columns: 80, rows: 24)

    @Option(help: "Lines of scrollback to keep.")
    var scrollback: Int = 10_000

    @Option(help: "What to print.")
    var format: Format = .text

    @Option(help: "With --format snapshot: lines of history to emit before the screen.")
    var history: Int = 0

    @Argument(help: "The file to read; - or nothing for standard input.")
    var file: String?

    func validate() throws {
        guard scrollback >= 0 else { throw ValidationError("--scrollback must be 0 or more") }
        guard history >= 0 else { throw ValidationError("--history must be 0 or more") }
    }

    func run() throws {
        let bytes = try readInput(file)
        var emulator = Emulator(columns: size.columns, rows: size.rows, scrollbackLimit: scrollback)
        emulator.feed(bytes)
        let terminal = emulator.terminal
        switch format {
        case .text: writeOut(terminal.renderText())
        case .ansi: writeOut(terminal.renderANSI())
        case .json: writeOut(terminal.renderJSON() + "\n")
        case .snapshot: writeOut(String(decoding: terminal.snapshot(history: history), as: UTF8.self))
        }
    }
}

/// `COLSxROWS`, as in `80x24`.
struct TerminalSizeArgument: ExpressibleByArgument {
    var columns: Int
    var rows: Int

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    init?(argument: String) {
        let parts = argument.lowercased().split(separator: "x")
        guard parts.count == 2, let columns = Int(parts[0]), let rows = Int(parts[1]),
            (1...10_000).contains(columns), (1...10_000).contains(rows)
        else { return nil }
        self.init(columns: columns, rows: rows)
    }

    static var defaultCompletionKind: CompletionKind { .default }

    /// How help shows a default: `80x24`.
    var defaultValueDescription: String { "\(columns)x\(rows)" }
}

/// A failure to read input, described in one line.
struct InputError: Error, CustomStringConvertible {
    let description: String
}

/// The whole content of `path`, or of standard input for nil or "-".
func readInput(_ path: String?) throws -> [UInt8] {
    var fd: Int32 = 0
    if let path, path != "-" {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw InputError(description: "cannot read \(path): \(String(cString: strerror(errno)))") }
    }
    defer { if fd != 0 { close(fd) } }
    do {
        return try readAll(fd)
    } catch {
        throw InputError(description: "cannot read \(path ?? "standard input"): \(error.reason)")
    }
}
