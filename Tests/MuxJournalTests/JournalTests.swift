// The journal on real SQLite files in a temporary directory: rows and screens written and read
// back, the writer's backlog when the directory cannot be written, and files that are corrupt or
// from a newer mux moved aside, never deleted (docs/journal.md).

import Dispatch
import Glibc
import Synchronization
import Testing

@testable import MuxJournal

/// A fresh directory under /tmp, removed when the test ends.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/mux-journal-XXXXXX".utf8CString)
        let made = mkdtemp(&template)
        precondition(made != nil)
        path = String(cString: made!)
    }

    deinit {
        chmod(path, 0o700)
        _ = system("rm -rf '\(path)'")
    }

    /// The names of the files in it.
    var files: [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

func session(_ id: Int64, _ name: String, labels: [String: String] = [:]) -> JournalSession {
    JournalSession(
        id: id, name: name, command: ["/bin/sh", "-c", "echo 'hi there'"], workingDirectory: "/tmp",
        environment: ["HOME=/root", "LANG=C.UTF-8"], columns: 100, rows: 30, scrollback: 10_000, keep: false,
        restore: .relaunch, created: 1_764_620_900, bootID: "boot-1", serverPID: 42, labels: labels)
}

func screen(_ text: String, offset: UInt64) -> JournalScreen {
    JournalScreen(savedAt: 1_764_620_901_000, columns: 100, rows: 30, offset: offset, snapshot: Array(text.utf8))
}

func write(_ bytes: String, to path: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0)
    _ = bytes.withCString { Glibc.write(fd, $0, strlen($0)) }
    close(fd)
}

@Suite struct JournalStoreTests {
    @Test func aSessionItsLabelsAndItsScreenReadBackAsWritten() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(path: directory.path + "/j.sqlite")
        let screenText = String(repeating: "\u{1b}[1mline of history\u{1b}[m\r\n", count: 2000)
        try store.apply([
            .insert(session(1, "build", labels: ["team": "core"])),
            .screen(id: 1, screen(screenText, offset: 500)),
            .labels(id: 1, set: ["owner": "me"], remove: ["team"]),
        ])
        // A second connection sees what the first committed: it is in the file.
        let reopened = try JournalStore(path: directory.path + "/j.sqlite")
        var expected = session(1, "build", labels: ["owner": "me"])
        expected.labels = ["owner": "me"]
        #expect(try reopened.sessions() == [expected])
        let saved = try #require(try reopened.screen(of: 1))
        #expect(saved.snapshot == Array(screenText.utf8))
        #expect(saved.offset == 500)
        // Compressed: 50 KB of repeated lines take a small part of that in the file.
        let stored = try reopened.queue.read { db in try Int.fetchOne(db, sql: "SELECT length(data) FROM screen") }
        #expect(try #require(stored) < screenText.utf8.count / 10)
    }

    @Test func theLifecycleChangesAState() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(path: directory.path + "/j.sqlite")
        try store.apply([.insert(session(1, "a")), .insert(session(2, "b")), .insert(session(3, "c"))])
        try store.apply([
            .exited(id: 1, status: 3, at: 1000, reason: "exited with status 3"),
            .stopped(id: 2, at: 2000, reason: "the server stopped"),
            .lost(id: 2, reason: "the server crashed", at: 3000),
            .rename(id: 3, name: "see"),
            .delete(id: 1),
        ])
        let rows = try store.sessions()
        #expect(rows.map(\.name) == ["b", "see"])
        #expect(rows[0].state == .lost)
        // A reason written at stop wins over the one reconcile guesses.
        #expect(rows[0].endReason == "the server stopped")
        #expect(rows[0].endedAt == 2000)
        #expect(rows[1].state == .running)
        #expect(try store.largestID() == 3)
    }

    @Test func aScreenOrLabelForAGoneSessionIsIgnored() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(path: directory.path + "/j.sqlite")
        try store.apply([
            .insert(session(1, "a")), .delete(id: 1), .screen(id: 1, screen("x", offset: 1)),
            .labels(id: 1, set: ["k": "v"], remove: []),
        ])
        #expect(try store.sessions().isEmpty)
        #expect(try store.screen(of: 1) == nil)
    }

    @Test func theFileIsInWALModeWithTheSchemaVersion() throws {
        let directory = TemporaryDirectory()
        let store = try JournalStore(path: directory.path + "/j.sqlite")
        try store.apply([.insert(session(1, "a"))])
        let (mode, version) = try store.queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int32.fetchOne(db, sql: "PRAGMA user_version"))
        }
        #expect(mode == "wal")
        #expect(version == JournalStore.schemaVersion)
    }

    @Test func aCorruptFileIsMovedAsideAndAFreshOneStarted() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/j.sqlite"
        write(String(repeating: "this is not a database. ", count: 400), to: path)
        let opening = JournalOpening.open(path)
        let aside = try #require(opening.movedAside)
        #expect(aside.hasPrefix(path + ".corrupt-"))
        #expect(try opening.store?.sessions() == [])
        // The old bytes are kept, never deleted.
        #expect(directory.files.contains(String(aside.split(separator: "/").last!)))
        #expect(JournalWriter.size(of: aside) == 400 * 24)
    }

    @Test func aFileFromANewerMuxIsMovedAsideNotDowngraded() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/j.sqlite"
        let store = try JournalStore(path: path)
        try store.apply([.insert(session(7, "future"))])
        try store.queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = 99") }
        let opening = JournalOpening.open(path)
        let aside = try #require(opening.movedAside)
        #expect(aside.hasPrefix(path + ".newer-"))
        #expect(try opening.store?.sessions() == [])
        #expect(try JournalStore.peekVersion(aside) == 99)
    }

    @Test func secretsAreNotJournaledUnlessGivenByName() {
        let entries = ["HOME=/root", "GITHUB_TOKEN=t", "db_password=p", "SSH_AUTH_SOCK=/s", "API_KEY=k", "MY_SECRET=s"]
        #expect(
            SecretNames.journaled(entries, explicit: ["API_KEY=k"]) == ["HOME=/root", "SSH_AUTH_SOCK=/s", "API_KEY=k"])
    }
}

@Suite struct JournalWriterTests {
    @Test func aSubmissionCompletesAfterItsCommit() throws {
        let directory = TemporaryDirectory()
        let path = directory.path + "/j.sqlite"
        let writer = JournalWriter(path: path, store: try JournalStore(path: path))
        let outcome = Mutex<JournalWriteOutcome?>(nil)
        let done = DispatchSemaphore(value: 0)
        writer.submit([.insert(session(1, "a"))]) { result in
            // Another connection already sees the row when the completion runs.
            let visible = (try? JournalStore(path: path).sessions().map(\.name)) ?? []
            outcome.withLock { $0 = visible == ["a"] ? result : .failed("not visible") }
            done.signal()
        }
        done.wait()
        #expect(outcome.withLock { $0 } == .written)
        #expect(writer.status.lastWrite != nil)
        #expect(writer.status.error == nil)
    }

    @Test func anUnwritableDirectoryKeepsChangesUntilItIsWritableAgain() throws {
        // A file where the journal's directory should be: nothing can be created there, whoever
        // we are (root writes through permission bits, so a read-only directory would not do).
        let directory = TemporaryDirectory()
        let journalDirectory = directory.path + "/state"
        write("in the way", to: journalDirectory)
        let path = journalDirectory + "/j.sqlite"
        let opening = JournalOpening.open(path)
        #expect(opening.store == nil)
        #expect(opening.error != nil)
        let writer = JournalWriter(path: path, store: nil)
        writer.submit([.insert(session(1, "a")), .screen(id: 1, screen("old", offset: 1))])
        writer.submit([.screen(id: 1, screen("new", offset: 2))])
        writer.drain()
        #expect(writer.status.error != nil)
        #expect(writer.status.backlog == 2)  // the newer screen replaced the older
        unlink(journalDirectory)
        mkdir(journalDirectory, 0o700)
        writer.retry()
        writer.drain()
        #expect(writer.status.error == nil)
        #expect(writer.status.backlog == 0)
        let store = try JournalStore(path: path)
        #expect(try store.sessions().map(\.name) == ["a"])
        #expect(try store.screen(of: 1)?.snapshot == Array("new".utf8))
    }

    @Test func theBacklogKeepsOnlyTheNewestScreenOfASessionAndNoneOfADeletedOne() {
        var backlog: [JournalChange] = []
        JournalWriter.enqueue(
            [
                .insert(session(1, "a")), .screen(id: 1, screen("1", offset: 1)), .insert(session(2, "b")),
                .screen(id: 2, screen("2", offset: 1)), .screen(id: 1, screen("3", offset: 2)), .delete(id: 2),
            ], into: &backlog)
        #expect(
            backlog == [
                .insert(session(1, "a")), .insert(session(2, "b")), .screen(id: 1, screen("3", offset: 2)),
                .delete(id: 2),
            ])
    }

    @Test func theLocationIsNamedAfterTheSocketUnderXDGStateHome() {
        setenv("XDG_STATE_HOME", "/var/tmp/state-test", 1)
        defer { unsetenv("XDG_STATE_HOME") }
        let a = JournalLocation.path(forSocket: "/tmp/mux-1000/default")
        let b = JournalLocation.path(forSocket: "/run/user/1000/mux/default")
        #expect(a.hasPrefix("/var/tmp/state-test/mux/default-"))
        #expect(a.hasSuffix(".sqlite"))
        #expect(a != b)
        #expect(a == JournalLocation.path(forSocket: "/tmp/mux-1000/default"))
    }
}
