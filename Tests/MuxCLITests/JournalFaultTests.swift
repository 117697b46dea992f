// A journal that cannot be used (docs/journal.md, "Faults"): corrupt or written by a newer mux,
// it is moved aside and a fresh one started; unwritable (a read-only or missing directory, a full
// disk), the server warns in its status and log, keeps serving, and writes once it can again.

import Glibc
import MuxJournal
import Testing

/// Mounts a tmpfs at `path` with `options`; false when this machine does not let us (not root,
/// or no mount in this container): the caller says so and skips.
func mountTmpfs(at path: String, options: String) throws -> Bool {
    mkdir(path, 0o700)
    return try runProgram(["/bin/mount", "-t", "tmpfs", "-o", options, "tmpfs", path]).status == 0
}

func unmount(_ path: String) {
    _ = try? runProgram(["/bin/umount", "-l", path])
}

/// Writes to `path` until the file system is full; returns the bytes written.
func fill(_ path: String) -> Int {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    let block = [UInt8](repeating: 0x55, count: 4096)
    var total = 0
    while true {
        let n = write(fd, block, block.count)
        guard n > 0 else { return total }
        total += n
    }
}

func fileContents(_ path: String) -> String {
    (try? runProgram(["/bin/cat", path]).stdout) ?? ""
}

@Suite struct JournalFaultTests {
    @Test func aCorruptJournalIsMovedAsideAndAFreshOneStarted() throws {
        let server = try TestServer()
        mkdir(server.directory + "/state", 0o700)
        mkdir(server.directory + "/state/mux", 0o700)
        let garbage = String(repeating: "not a database; ", count: 300)
        #expect(
            try runProgram(["/bin/sh", "-c", "printf '%s' \"$0\" > \"$1\"", garbage, server.journalPath]).status == 0)
        try server.newSession("after", "exec sleep 100")
        let status = try server.ok(["server", "status"])
        #expect(status.contains("moved aside to \(server.journalPath).corrupt-"), "\(status)")
        #expect(fileContents(server.socket + ".log").contains("moved it aside"))
        // Never deleted: the old bytes are in the file it was moved to.
        let aside = try #require(
            try runProgram(["/bin/sh", "-c", "ls \"$0\".corrupt-*", server.journalPath]).stdout.split(separator: "\n")
                .first)
        #expect(fileContents(String(aside)) == garbage)
        // The fresh journal works.
        try server.crash()
        #expect(try server.ok(["ls"]).contains("after: "))
    }

    @Test func aJournalFromANewerMuxIsMovedAsideNotDowngraded() throws {
        let server = try TestServer()
        mkdir(server.directory + "/state", 0o700)
        mkdir(server.directory + "/state/mux", 0o700)
        let store = try JournalStore(path: server.journalPath)
        try store.apply([
            .insert(
                JournalSession(
                    id: 1, name: "future", command: ["sh"], workingDirectory: "/", environment: [], columns: 80,
                    rows: 24, scrollback: 100, keep: false, restore: .screen, created: 1, bootID: "", serverPID: 1))
        ])
        try store.setVersionForTesting(JournalStore.schemaVersion + 1)
        #expect(try server.ok(["ls"]) == "no sessions\n")
        #expect(try server.ok(["server", "status"]).contains("moved aside to \(server.journalPath).newer-"))
        let aside = try #require(
            try runProgram(["/bin/sh", "-c", "ls \"$0\".newer-*", server.journalPath]).stdout.split(separator: "\n")
                .first)
        #expect(try JournalStore.peekVersion(String(aside)) == JournalStore.schemaVersion + 1)
    }

    @Test func anUnwritableJournalWarnsKeepsServingAndCatchesUp() throws {
        let server = try TestServer()
        mkdir(server.directory + "/state", 0o700)
        let journalDirectory = server.directory + "/state/mux"
        // A read-only file system where the journal goes; where mounting is not allowed, a file in
        // the way of its directory (root writes through permission bits, so chmod would not do).
        let readOnlyMount = try mountTmpfs(at: journalDirectory, options: "ro,size=4m")
        if !readOnlyMount {
            #expect(try runProgram(["/bin/sh", "-c", "echo in the way > \"$0\"", journalDirectory]).status == 0)
        }
        defer { if readOnlyMount { unmount(journalDirectory) } }
        try server.newSession("a", "printf 'still served\\n'; exec cat")
        #expect(try eventually { try server.captureText("a").contains("still served") })
        try server.ok(["send", "a", "typed", "Enter"])
        #expect(try eventually { try server.captureText("a").contains("typed") })
        let status = try server.ok(["server", "status"])
        #expect(status.contains("WARNING: cannot write"), "\(status)")
        #expect(!(try server.ok(["server", "status", "--json"]).contains(#""error":null"#)))
        #expect(fileContents(server.socket + ".log").contains("journal: cannot write"))
        // Writable again: the server writes what waited within its 2 s retry.
        if readOnlyMount {
            #expect(try runProgram(["/bin/mount", "-o", "remount,rw", journalDirectory]).status == 0)
        } else {
            unlink(journalDirectory)
        }
        #expect(try eventually { !(try server.ok(["server", "status"]).contains("WARNING")) })
        #expect(fileContents(server.socket + ".log").contains("journal: written again"))
        #expect(try server.waitForSavedScreen("a", containing: "typed"))
        try server.crash()
        #expect(try server.ok(["ls"]).contains("a: "))
    }

    @Test func aFullDiskWarnsKeepsServingAndCatchesUp() throws {
        let server = try TestServer()
        mkdir(server.directory + "/state", 0o700)
        let journalDirectory = server.directory + "/state/mux"
        guard try mountTmpfs(at: journalDirectory, options: "size=1m,mode=0700") else {
            // Not root, or no mount here: the unwritable-directory test covers the same path.
            return
        }
        defer { unmount(journalDirectory) }
        // Prints 3,000 random bytes in hex for each line it reads: screens that do not compress.
        try server.newSession("f", "while read x; do od -An -tx1 -N 3000 /dev/urandom; done")
        try server.ok(["send", "f", "Enter"])
        #expect(try eventually { server.savedScreen("f")?.count ?? 0 > 8000 })
        let filler = journalDirectory + "/filler"
        #expect(fill(filler) > 0)
        for _ in 0..<40 { try server.ok(["send", "f", "Enter"]) }
        #expect(try eventually { try server.ok(["server", "status"]).contains("WARNING: cannot write") })
        // The session goes on regardless.
        try server.ok(["send", "f", "Enter"])
        #expect(try eventually { try server.captureText("f").split(separator: "\n").count > 10 })
        unlink(filler)
        #expect(try eventually { !(try server.ok(["server", "status"]).contains("WARNING")) })
    }
}
