// Which exited sessions the server collects by itself, so that statuses nobody collects cannot
// pile up: past an age limit, and the oldest past a count (docs/server.md, "Lifecycle"). Sessions
// created with `--keep` are not counted and never collected here: they stay until `mux kill`.
// A pure decision, tested without a server.

/// The server's bound on exited sessions.
struct ExitedSessions: Equatable {
    /// An exited session that nobody has collected.
    struct Entry: Equatable {
        var name: String
        /// Seconds since boot (`MonotonicClock.secondsSinceBoot`): an age must not change when
        /// the wall clock is set.
        var exitedAt: UInt64
        /// The order sessions were created in, to break ties.
        var serial: UInt64
    }

    /// At most this many stay listed.
    var limit: Int
    /// Each stays listed at most this many seconds.
    var maxAge: Int

    /// The sessions to collect now, oldest first: every one older than `maxAge`, then the oldest
    /// of the rest until at most `limit` remain.
    func toCollect(_ exited: [Entry], now: UInt64) -> [String] {
        let oldestFirst = exited.sorted { ($0.exitedAt, $0.serial) < ($1.exitedAt, $1.serial) }
        var collected: [String] = []
        var remaining = oldestFirst.count
        for entry in oldestFirst {
            let tooOld = now >= entry.exitedAt && now - entry.exitedAt >= UInt64(max(maxAge, 0))
            guard tooOld || remaining > max(limit, 0) else { break }
            collected.append(entry.name)
            remaining -= 1
        }
        return collected
    }
}
