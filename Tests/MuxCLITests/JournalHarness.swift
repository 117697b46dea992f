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

    /// `kill -9` of the server, and waits until it is gone (its programs lose their terminals).
    func crash() throws {
        let pid = try #require(serverPID, "no server PID file")
        kill(pid, SIGKILL)
        #expect(try eventually("the server is gone") { !processRuns(pid) })
    }
}

/// The text's lines, to check what comes before what.
func lineIndex(of text: String, in screen: String) -> Int? {
    screen.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(text) }
}
