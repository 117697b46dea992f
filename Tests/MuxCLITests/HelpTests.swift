// Every command's --help, as the real binary prints it 80 columns wide, against the expectation
// committed in Help/<command>.txt (the help text is the documentation: a change to it shows in
// review). After changing a help text on purpose, regenerate the files and read their diff:
//   MUX_UPDATE_HELP=1 swift test --filter HelpTests

import Glibc
import MuxSystem
import Testing

/// Every command and subcommand, hidden ones included.
private let commands: [[String]] = [
    [], ["default"], ["render"], ["new"], ["attach"], ["ls"], ["status"], ["send"], ["capture"], ["wait"], ["kill"],
    ["rename"], ["label"], ["kill-server"], ["resize"],
    ["lease"], ["lease", "take"], ["lease", "release"], ["lease", "status"],
    ["server"], ["server", "start"], ["server", "stop"], ["server", "restart"], ["server", "status"],
    ["server", "terminfo"],
    ["bench"], ["bench", "run"], ["bench", "emit"], ["bench", "copy"],
]

/// The directory of the expectations, beside this file.
private let helpDirectory = String(#filePath[..<#filePath.lastIndex(of: "/")!]) + "/Help"

private func expectationPath(_ command: [String]) -> String {
    helpDirectory + "/" + (["mux"] + command).joined(separator: "-") + ".txt"
}

/// `mux COMMAND --help` at a fixed width, whatever the terminal running the tests.
private func help(_ command: [String]) throws -> RunResult {
    try runProgram(["/usr/bin/env", "COLUMNS=80", muxBinaryPath()] + command + ["--help"])
}

/// The lines of a help text with the column gap of option and subcommand rows taken out, so that
/// what remains is sentences: a run of spaces left in them is a lost line continuation.
func linesWithRunsOfSpaces(_ text: String) -> [String] {
    text.split(separator: "\n").filter { line in
        var rest = line.drop { $0 == " " }
        let isRow = line.hasPrefix("  ") && line.dropFirst(2).first != " "
        if isRow, let gap = rest.firstRange(of: "  ") {
            rest = rest[gap.upperBound...].drop { $0 == " " }
        }
        return rest.contains("  ")
    }.map(String.init)
}

@Suite struct HelpTests {
    @Test(arguments: commands) func helpIsAsCommitted(command: [String]) throws {
        let result = try help(command)
        #expect(result.status == 0, "\(command): \(result.stderr)")
        let path = expectationPath(command)
        if getenv("MUX_UPDATE_HELP") != nil {
            mkdir(helpDirectory, 0o755)
            let file = try TemporaryFile(contents: Array(result.stdout.utf8))
            #expect(rename(file.path, path) == 0 && chmod(path, 0o644) == 0, "cannot write \(path)")
            return
        }
        let fd = open(path, O_RDONLY)
        try #require(fd >= 0, "no \(path): run MUX_UPDATE_HELP=1 swift test --filter HelpTests")
        defer { close(fd) }
        let expected = String(decoding: try readAll(fd), as: UTF8.self)
        #expect(
            result.stdout == expected,
            "mux \(command.joined(separator: " ")) --help differs from \(path); if the change is meant, regenerate with MUX_UPDATE_HELP=1"
        )
    }

    @Test(arguments: commands) func noHelpTextHasARunOfSpacesInASentence(command: [String]) throws {
        #expect(linesWithRunsOfSpaces(try help(command).stdout) == [])
    }

    @Test func theCheckForRunsOfSpacesSeesOneAndOnlyThat() {
        let text = """
            OVERVIEW: Two sentences.  Badly joined.
              --lossless              While holding the lease, never skip output: when this
                                      terminal falls behind, the             server stops
              --outbox-bytes <outbox-bytes>
                                      a fine line
              take                    Give the lease to an attached client.
            """
        #expect(
            linesWithRunsOfSpaces(text) == [
                "OVERVIEW: Two sentences.  Badly joined.",
                "                          terminal falls behind, the             server stops",
            ])
    }

    /// The committed manual (docs/man/mux.1, made by docs/man/generate) documents every command
    /// the help lists, so a new command is not left out of it.
    @Test func theManualDocumentsEveryListedCommand() throws {
        let top = String(#filePath[..<#filePath.firstRange(of: "/Tests/MuxCLITests/")!.lowerBound])
        let fd = open(top + "/docs/man/mux.1", O_RDONLY)
        try #require(fd >= 0, "no docs/man/mux.1: run docs/man/generate")
        defer { close(fd) }
        let manual = String(decoding: try readAll(fd), as: UTF8.self)
        let lines = try help([]).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let heading = try #require(lines.firstIndex(of: "SUBCOMMANDS:"))
        let listed = lines[(heading + 1)...].prefix { !$0.isEmpty }.filter {
            $0.hasPrefix("  ") && $0.dropFirst(2).first != " "
        }
        .map { String($0.dropFirst(2).prefix { $0 != " " && $0 != "," }) }
        #expect(!listed.isEmpty)
        for name in listed {
            #expect(
                manual.contains(".It Em \(name)\n") || manual.contains(".It Em \"\(name), "),
                "docs/man/mux.1 lacks \(name): run docs/man/generate")
        }
    }

    /// A subcommand the help lists must have an expectation, so that a new one is not forgotten.
    @Test(arguments: [[], ["lease"], ["server"], ["bench"]])
    func everyListedSubcommandIsCovered(parent: [String]) throws {
        let lines = try help(parent).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        guard let heading = lines.firstIndex(of: "SUBCOMMANDS:") else { return }
        let listed = lines[(heading + 1)...].prefix { !$0.isEmpty }.filter {
            $0.hasPrefix("  ") && $0.dropFirst(2).first != " "
        }
        .map { String($0.dropFirst(2).prefix { $0 != " " && $0 != "," }) }
        #expect(!listed.isEmpty)
        for name in listed {
            #expect(commands.contains(parent + [name]), "mux \((parent + [name]).joined(separator: " ")) is not tested")
        }
    }
}
