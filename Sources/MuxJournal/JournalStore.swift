// The journal's SQLite file (docs/journal.md): opened in WAL mode, migrated to the schema this
// build knows, and moved aside (never deleted) when it is corrupt or written by a newer mux.
// Synchronous: the server calls it at start, before it accepts connections, and afterwards only
// from the writer's thread (JournalWriter).

import Foundation
import GRDB
import Glibc

/// The journal's database.
public final class JournalStore: Sendable {
    /// The schema this build writes. A file with a higher `user_version` was written by a newer
    /// mux: it is moved aside, not downgraded.
    public static let schemaVersion: Int32 = 1

    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating) the journal at `path`. Throws when the file cannot be opened, is corrupt
    /// or is newer (`JournalOpenFailure.kind` says which).
    public init(path: String) throws(JournalOpenFailure) {
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(2)
        configuration.label = "mux journal"
        // Only its owner may read it (SQLite gives its WAL the same mode).
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor >= 0 { close(descriptor) }
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw JournalOpenFailure(kind: Self.kind(of: error), detail: "\(error)")
        }
        do {
            try queue.writeWithoutTransaction { db in
                let version = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if version > Self.schemaVersion {
                    throw JournalOpenFailure(
                        kind: .newer, detail: "schema \(version); this mux knows schema \(Self.schemaVersion)")
                }
                let check = try String.fetchAll(db, sql: "PRAGMA quick_check")
                guard check == ["ok"] else {
                    throw JournalOpenFailure(kind: .corrupt, detail: check.prefix(3).joined(separator: "; "))
                }
            }
            try Self.migrator.migrate(queue)
        } catch let failure as JournalOpenFailure {
            throw failure
        } catch {
            throw JournalOpenFailure(kind: Self.kind(of: error), detail: "\(error)")
        }
    }

    /// Schema 1. Each later version is one more migration, and sets `user_version` to its number.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE session (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        command TEXT NOT NULL,
                        cwd TEXT NOT NULL,
                        environment TEXT NOT NULL,
                        columns INTEGER NOT NULL,
                        rows INTEGER NOT NULL,
                        scrollback INTEGER NOT NULL,
                        keep INTEGER NOT NULL,
                        restore TEXT NOT NULL,
                        created INTEGER NOT NULL,
                        state TEXT NOT NULL,
                        exit_status INTEGER,
                        ended_at INTEGER,
                        end_reason TEXT,
                        boot_id TEXT NOT NULL,
                        server_pid INTEGER NOT NULL
                    );
                    CREATE TABLE label (
                        session_id INTEGER NOT NULL REFERENCES session(id) ON DELETE CASCADE,
                        key TEXT NOT NULL,
                        value TEXT NOT NULL,
                        PRIMARY KEY (session_id, key)
                    );
                    CREATE TABLE screen (
                        session_id INTEGER PRIMARY KEY REFERENCES session(id) ON DELETE CASCADE,
                        saved_at INTEGER NOT NULL,
                        columns INTEGER NOT NULL,
                        rows INTEGER NOT NULL,
                        offset INTEGER NOT NULL,
                        size INTEGER NOT NULL,
                        data BLOB NOT NULL
                    );
                    CREATE TABLE server_start (
                        id INTEGER PRIMARY KEY,
                        pid INTEGER NOT NULL,
                        started INTEGER NOT NULL,
                        lost INTEGER NOT NULL,
                        relaunched INTEGER NOT NULL
                    );
                    PRAGMA user_version = 1;
                    """)
        }
        return migrator
    }

    static func kind(of error: any Error) -> JournalOpenFailure.Kind {
        guard let error = error as? DatabaseError else { return .unwritable }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return .corrupt
        default: return .unwritable
        }
    }

    /// Renames the file (and its WAL and shared-memory files) to `PATH.KIND-YYYYMMDDTHHMMSSZ`;
    /// returns the new path. Never deletes.
    public static func moveAside(_ path: String, kind: JournalOpenFailure.Kind, now: Int = time(nil)) -> String? {
        var seconds = time_t(now)
        var broken = tm()
        gmtime_r(&seconds, &broken)
        let stamp = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", broken.tm_year + 1900, broken.tm_mon + 1, broken.tm_mday,
            broken.tm_hour, broken.tm_min, broken.tm_sec)
        var aside = "\(path).\(kind.rawValue)-\(stamp)"
        var attempt = 1
        while access(aside, F_OK) == 0 {
            attempt += 1
            aside = "\(path).\(kind.rawValue)-\(stamp)-\(attempt)"
        }
        guard rename(path, aside) == 0 else { return nil }
        for suffix in ["-wal", "-shm"] where access(path + suffix, F_OK) == 0 {
            rename(path + suffix, aside + suffix)
        }
        return aside
    }
}

/// Why the journal could not be opened.
public struct JournalOpenFailure: Error, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Not a database, or damaged: moved aside, a fresh one started.
        case corrupt
        /// Written by a newer mux: moved aside, a fresh one started.
        case newer
        /// The directory or file cannot be written (permissions, a full disk): tried again later.
        case unwritable
    }

    public let kind: Kind
    public let detail: String

    public var description: String { "\(kind.rawValue): \(detail)" }
}

/// What opening the journal at start found.
public struct JournalOpening {
    public var store: JournalStore?
    /// A corrupt or newer file was renamed to this, and a fresh journal started.
    public var movedAside: String?
    /// Why there is no store (the server keeps serving and tries again later).
    public var error: String?

    /// Opens the journal at `path`, creating its directory; a corrupt or newer file is moved aside
    /// and a fresh one started.
    public static func open(_ path: String) -> JournalOpening {
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if let failure = JournalLocation.prepare(directory) { return JournalOpening(error: failure) }
        do {
            return JournalOpening(store: try JournalStore(path: path))
        } catch let failure where failure.kind != .unwritable {
            guard let aside = JournalStore.moveAside(path, kind: failure.kind) else {
                return JournalOpening(
                    error: "\(failure); and it cannot be moved aside: \(String(cString: strerror(errno)))")
            }
            do {
                return JournalOpening(store: try JournalStore(path: path), movedAside: aside)
            } catch {
                return JournalOpening(movedAside: aside, error: "\(error)")
            }
        } catch {
            return JournalOpening(error: "\(error)")
        }
    }
}

extension JournalStore {
    /// The schema version of the file at `path`, read without migrating it.
    public static func peekVersion(_ path: String) throws -> Int32 {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0 }
    }
}

extension JournalStore {
    /// Sets the schema version (tests make a "newer" journal with it).
    public func setVersionForTesting(_ version: Int32) throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA user_version = \(version)") }
    }
}
