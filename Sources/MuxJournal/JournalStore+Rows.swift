// Reading and writing the journal's rows: each batch of changes is one transaction, so a crash
// leaves either all of it or none (SQLite's atomic commit, with the WAL).

import Foundation
import GRDB

extension JournalStore {
    /// Applies `changes` in order, in one transaction.
    public func apply(_ changes: [JournalChange]) throws {
        try queue.write { db in
            for change in changes { try Self.apply(change, in: db) }
        }
    }

    static func apply(_ change: JournalChange, in db: Database) throws {
        switch change {
        case .insert(let s):
            try db.execute(
                sql: """
                    INSERT INTO session (id, name, command, cwd, environment, columns, rows, scrollback, keep,
                        restore, created, state, exit_status, ended_at, end_reason, boot_id, server_pid)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET name = excluded.name, command = excluded.command,
                        cwd = excluded.cwd, environment = excluded.environment, columns = excluded.columns,
                        rows = excluded.rows, scrollback = excluded.scrollback, keep = excluded.keep,
                        restore = excluded.restore, created = excluded.created, state = excluded.state,
                        exit_status = excluded.exit_status, ended_at = excluded.ended_at,
                        end_reason = excluded.end_reason, boot_id = excluded.boot_id, server_pid = excluded.server_pid
                    """,
                arguments: [
                    s.id, s.name, encode(s.command), s.workingDirectory, encode(s.environment), Int(s.columns),
                    Int(s.rows), Int(s.scrollback), s.keep, s.restore.rawValue, Int64(s.created), s.state.rawValue,
                    s.exitStatus.map { Int($0) }, s.endedAt.map { Int64($0) }, s.endReason, s.bootID, Int(s.serverPID),
                ])
            try db.execute(sql: "DELETE FROM label WHERE session_id = ?", arguments: [s.id])
            for (key, value) in s.labels {
                try db.execute(
                    sql: "INSERT INTO label (session_id, key, value) VALUES (?, ?, ?)", arguments: [s.id, key, value])
            }
        case .rename(let id, let name):
            try db.execute(sql: "UPDATE session SET name = ? WHERE id = ?", arguments: [name, id])
        case .exited(let id, let status, let at, let reason):
            try db.execute(
                sql: "UPDATE session SET state = 'exited', exit_status = ?, ended_at = ?, end_reason = ? WHERE id = ?",
                arguments: [Int(status), Int64(at), reason, id])
        case .stopped(let id, let at, let reason):
            try db.execute(
                sql: "UPDATE session SET ended_at = ?, end_reason = ? WHERE id = ? AND state = 'running'",
                arguments: [Int64(at), reason, id])
        case .lost(let id, let reason, let at):
            try db.execute(
                sql: """
                    UPDATE session SET state = 'lost', end_reason = COALESCE(end_reason, ?),
                        ended_at = COALESCE(ended_at, ?) WHERE id = ?
                    """,
                arguments: [reason, Int64(at), id])
        case .labels(let id, let set, let remove):
            for key in remove {
                try db.execute(sql: "DELETE FROM label WHERE session_id = ? AND key = ?", arguments: [id, key])
            }
            for (key, value) in set.sorted(by: { $0.key < $1.key }) {
                try db.execute(
                    sql: """
                        INSERT INTO label (session_id, key, value) SELECT ?, ?, ? WHERE EXISTS
                            (SELECT 1 FROM session WHERE id = ?)
                        ON CONFLICT (session_id, key) DO UPDATE SET value = excluded.value
                        """,
                    arguments: [id, key, value, id])
            }
        case .screen(let id, let screen):
            let data = try screen.packed ?? Compression.compress(screen.snapshot)
            let size = screen.packed == nil ? screen.snapshot.count : screen.packedSize
            try db.execute(
                sql: """
                    INSERT INTO screen (session_id, saved_at, columns, rows, offset, size, data)
                    SELECT ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM session WHERE id = ?)
                    ON CONFLICT (session_id) DO UPDATE SET saved_at = excluded.saved_at, columns = excluded.columns,
                        rows = excluded.rows, offset = excluded.offset, size = excluded.size, data = excluded.data
                    """,
                arguments: [
                    id, Int64(screen.savedAt), Int(screen.columns), Int(screen.rows), Int64(screen.offset),
                    size, Data(data), id,
                ])
        case .delete(let id):
            try db.execute(sql: "DELETE FROM session WHERE id = ?", arguments: [id])
        case .serverStarted(let pid, let at, let lost, let relaunched):
            try db.execute(
                sql: "INSERT INTO server_start (pid, started, lost, relaunched) VALUES (?, ?, ?, ?)",
                arguments: [Int(pid), Int64(at), lost, relaunched])
            // Only the last few starts are of interest.
            try db.execute(
                sql: "DELETE FROM server_start WHERE id NOT IN (SELECT id FROM server_start ORDER BY id DESC LIMIT 16)")
        }
    }

    /// Every session, oldest first, with its labels.
    public func sessions() throws -> [JournalSession] {
        try queue.read { db in
            var labels: [Int64: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT session_id, key, value FROM label") {
                labels[row[0], default: [:]][row[1]] = row[2] as String
            }
            return try Row.fetchAll(db, sql: "SELECT * FROM session ORDER BY created, id").map { row in
                let id: Int64 = row["id"]
                return JournalSession(
                    id: id, name: row["name"], command: Self.decode(row["command"]), workingDirectory: row["cwd"],
                    environment: Self.decode(row["environment"]), columns: UInt16(clamping: row["columns"] as Int),
                    rows: UInt16(clamping: row["rows"] as Int), scrollback: UInt32(clamping: row["scrollback"] as Int),
                    keep: row["keep"], restore: RestorePolicy(rawValue: row["restore"]) ?? .screen,
                    created: UInt64(clamping: row["created"] as Int64),
                    state: JournalState(rawValue: row["state"]) ?? .lost,
                    exitStatus: (row["exit_status"] as Int?).map { Int32(clamping: $0) },
                    endedAt: (row["ended_at"] as Int64?).map { UInt64(clamping: $0) }, endReason: row["end_reason"],
                    bootID: row["boot_id"], serverPID: Int32(clamping: row["server_pid"] as Int),
                    labels: labels[id] ?? [:])
            }
        }
    }

    /// The session's last saved screen, decompressed; nil when none was saved.
    public func screen(of id: Int64) throws -> JournalScreen? {
        let row = try queue.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM screen WHERE session_id = ?", arguments: [id])
        }
        guard let row else { return nil }
        let data: Data = row["data"]
        return JournalScreen(
            savedAt: UInt64(clamping: row["saved_at"] as Int64), columns: UInt16(clamping: row["columns"] as Int),
            rows: UInt16(clamping: row["rows"] as Int), offset: UInt64(clamping: row["offset"] as Int64),
            snapshot: try Compression.decompress([UInt8](data), size: row["size"]))
    }

    /// The largest session id ever journaled (a new server's serials continue after it).
    public func largestID() throws -> Int64 {
        try queue.read { db in try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM session") ?? 0 }
    }

    static func encode(_ strings: [String]) -> String {
        let data = (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func decode(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

extension JournalStore {
    /// When each session's screen was last saved (milliseconds since 1970), by session id.
    public func savedTimes() throws -> [Int64: UInt64] {
        try queue.read { db in
            var times: [Int64: UInt64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT session_id, saved_at FROM screen") {
                times[row[0]] = UInt64(clamping: row[1] as Int64)
            }
            return times
        }
    }
}

extension JournalLocation {
    /// This boot of the machine (`/proc/sys/kernel/random/boot_id`); empty when unreadable.
    public static func bootID() -> String {
        guard let file = fopen("/proc/sys/kernel/random/boot_id", "r") else { return "" }
        defer { fclose(file) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = fread(&buffer, 1, 63, file)
        return String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
