// `mux kill`: end a session.

import ArgumentParser
import Glibc
import MuxClient
import MuxProtocol

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kill",
        abstract: "End a session: signal its program's process group and remove it.",
        discussion: """
            Sends SIGNAL (default HUP, what closing a terminal sends) to the program's process \
            group and waits until the session is gone; a program still running 3 seconds later \
            gets KILL. A session whose program already exited is simply removed, kept (--keep) \
            or not.
            """
    )

    @OptionGroup var server: ServerOptions

    @Argument(help: "The session (or a unique prefix of its name).", completion: .sessionNames)
    var name: String

    @Option(help: "The signal, by name (HUP, TERM, INT, KILL, ...) or number.")
    var signal: String = "HUP"

    func run() throws {
        guard let number = signalNumber(signal) else {
            throw ClientError("unknown signal \(signal): give a name such as TERM, INT, KILL or a number from 1 to 64")
        }
        let connection = try server.connect(start: server.hasJournal)
        try expectDone(try connection.request(.kill(session: name, signal: number)))
    }
}

/// A signal by name (with or without SIG) or number.
func signalNumber(_ text: String) -> Int32? {
    if let number = Int32(text), (1...64).contains(number) { return number }
    let names: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "TERM": SIGTERM, "USR1": SIGUSR1,
        "USR2": SIGUSR2, "STOP": SIGSTOP, "CONT": SIGCONT, "WINCH": SIGWINCH, "ALRM": SIGALRM,
    ]
    var name = text.uppercased()
    if name.hasPrefix("SIG") { name.removeFirst(3) }
    return names[name]
}
