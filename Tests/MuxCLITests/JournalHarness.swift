// What the journal's end-to-end tests share: the test server's journal file, reading a saved
// screen from it the way the next server will, and crashing the server with SIGKILL.

import Glibc
import MuxJournal
import MuxSystem
import MuxTerminal
import Testing

extension TestServer {
    /// The journal file of this server (its XDG_STATE_HOME is inside the test's directory).
    var journalPath: String { JournalLocation.path(forSocket: socket, in: directory + "/state/mux") }

    /// The saved screen of the session `name` as text with its history; nil while none is saved.
    func savedScreen(_ name: String) -> String? {
        guard access(journalPath, F_OK) == 0, let store = try? JournalStore(path: journalPath),
            let session = try? store.sessions().first(where: { $0.name == name }),
            let screen = try? store.screen(of: session.id)
        else { return nil }
        var emulator = Emulator(columns: Int(screen.columns), rows: Int(screen.rows), scrollbackLimit: 100_000)
        emulator.feed(screen.snapshot)
        return emulator.terminal.renderText(history: 100_000)
    }

    /// Waits until the journal holds a screen of `name` containing `text`.
    func waitForSavedScreen(_ name: String, containing text: String) throws -> Bool {
        try eventually("\(name)'s saved screen shows \(text)") { savedScreen(name)?.contains(text) == true }
    }

    /// The server's pid, from its PID file.
    var serverPID: pid_t? {
        let fd = open(socket + ".pid", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return pid_t(String(decoding: buffer[..<count], as: UTF8.self).split(separator: "\n").first ?? "")
    }

    /// `kill -9` of the server and of its keeper, and waits until both are gone: the programs lose
    /// their terminals, as in a reboot (the journal's case; docs/lifecycle.md).
    func crash() throws {
        let pid = try #require(serverPID, "no server PID file")
        // The keeper is stopped first: it can neither restart the server nor be seen leaving.
        let keeper = keeperPID
        if let keeper { kill(keeper, SIGSTOP) }
        kill(pid, SIGKILL)
        if let keeper { kill(keeper, SIGKILL) }
        #expect(try eventually("the server is gone") { !processRuns(pid) })
        // The keeper too: until it has exited, its listening socket takes connections into its
        // backlog and then closes them ("the server closed the connection", which a command run
        // next once met: JournalCrashTests seeds 1 and 7, under load).
        if let keeper { #expect(try eventually("the keeper is gone") { !processRuns(keeper) }) }
    }

    /// The keeper's pid: the server's parent, when that is a `mux keeper`.
    var keeperPID: pid_t? {
        guard let pid = serverPID, let parent = parentPID(of: pid),
            let command = try? readAll(path: "/proc/\(parent)/cmdline"),
            command.split(separator: 0).dropFirst().first.map({ String(decoding: $0, as: UTF8.self) }) == "keeper"
        else { return nil }
        return parent
    }
}

/// The parent of process `pid`, from /proc (nil once it is gone).
func parentPID(of pid: pid_t) -> pid_t? {
    guard let stat = try? readAll(path: "/proc/\(pid)/stat") else { return nil }
    // pid (comm) state ppid …; comm may hold spaces and parentheses: read after the last ')'.
    guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
    let fields = stat[(close + 1)...].split(separator: UInt8(ascii: " "))
    guard fields.count > 1 else { return nil }
    return pid_t(String(decoding: fields[1], as: UTF8.self))
}

/// A whole file's bytes.
func readAll(path: String) throws -> [UInt8] {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw POSIXFailure(what: "open \(path)") }
    defer { close(fd) }
    return try readAll(fd)
}

/// The text's lines, to check what comes before what.
func lineIndex(of text: String, in screen: String) -> Int? {
    screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }
}
