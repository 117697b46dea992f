// `mux lease`: move the input lease between attached clients, from any shell.

import ArgumentParser
import MuxClient
import MuxJSON
import MuxProtocol

struct Lease: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lease",
        abstract: "Take, release or show a session's input lease.",
        discussion: """
            One attached client at a time holds a session's input lease: only it types and \
            resizes, and the session takes its terminal's size. Holders form a stack: when the \
            holder releases or detaches, the one before it holds again. Window managers and IDEs \
            call these from any shell; inside an attached client the prefix keys do the same.
            """,
        subcommands: [Take.self, Release.self, Status.self]
    )

    struct Take: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "take",
            abstract: "Give the lease to an attached client.",
            discussion: """
                --client names the client (its id from `mux server status`, or the one given to \
                `mux attach --client`); without it, the most recently attached client that does \
                not hold the lease takes it (the popout window that just opened).
                """)
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames) var name: String
        @Option(help: "The client to give the lease to.") var client: String = ""

        func run() throws {
            let connection = try server.connect(start: false)
            try printLease(try connection.request(.leaseTake(session: name, clientID: client)), json: false)
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "release",
            abstract: "Hand the lease back to the holder before this one.",
            discussion: "--client names the releasing client; without it, the current holder releases.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames) var name: String
        @Option(help: "The client that releases.") var client: String = ""

        func run() throws {
            let connection = try server.connect(start: false)
            try printLease(try connection.request(.leaseRelease(session: name, clientID: client)), json: false)
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show who holds the lease and who gets it back next.",
            discussion: """
                --json prints {"name":…,"session":…,"holder":…,"waiting":[…]} (holder is null when none; \
                name as in `mux ls --json`, session kept for older scripts; docs/cli-json.md).
                """)
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames) var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let connection = try server.connect(role: .observer, start: false)
            try printLease(try connection.request(.leaseStatus(session: name)), json: json)
        }
    }
}

private func printLease(_ answer: Message, json: Bool) throws {
    guard case .leaseState(let session, let holders) = answer else { throw unexpected(answer) }
    let holder = holders.first
    let waiting = holders.dropFirst()
    if json {
        writeLine(
            "{\"name\":\(jsonString(session)),\"session\":\(jsonString(session)),"
                + "\"holder\":\(holder.map(jsonString) ?? "null"),"
                + "\"waiting\":[\(waiting.map(jsonString).joined(separator: ","))]}")
    } else if let holder {
        writeLine(
            "\(session): \(holder) holds the lease"
                + (waiting.isEmpty ? "" : "; then \(waiting.joined(separator: ", "))"))
    } else {
        writeLine("\(session): nobody holds the lease")
    }
}
