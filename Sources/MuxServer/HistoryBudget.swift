// Which sessions' history to trim when all of it passes the server's budget (`--history-budget`):
// a pure decision with its own tests. The largest histories are cut first, down to one common
// level, so a session that floods loses its oldest lines before a quiet one loses any.

/// The server-wide bound on history bytes, and the trims that keep within it.
struct HistoryBudget: Equatable {
    /// The most bytes all sessions' history may hold.
    let bytes: Int

    struct Entry: Equatable {
        let serial: UInt64
        let bytes: Int
    }

    struct Trim: Equatable {
        let serial: UInt64
        /// Cut the session's history to at most this many bytes.
        let toBytes: Int
    }

    /// Once over the budget, history is cut to this share of it (7/8), so that sessions that keep
    /// writing are not trimmed, and logged, on every check.
    var target: Int { bytes - bytes / 8 }

    /// Nothing while `sizes` are within the budget; else, for the largest sessions, the level
    /// every session above it is cut to, chosen so that the total is at most `target`: the
    /// largest first, and none below the level.
    func trims(_ sizes: [Entry]) -> [Trim] {
        let total = sizes.reduce(0) { $0 + $1.bytes }
        guard total > bytes else { return [] }
        let sorted = sizes.sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.serial < $1.serial }
        // Lower a common ceiling from the top: with the k largest cut to `level`, the total is
        // rest + k * level, where rest is what the smaller ones hold.
        var rest = total
        var level = 0
        var count = 0
        for (index, entry) in sorted.enumerated() {
            rest -= entry.bytes
            count = index + 1
            let next = index + 1 < sorted.count ? sorted[index + 1].bytes : 0
            // Can the k largest at some level >= next bring the total down to target?
            if rest + count * next <= target {
                level = max(next, (target - rest) / count)
                break
            }
        }
        return sorted.prefix(count).filter { $0.bytes > level }.map { Trim(serial: $0.serial, toBytes: level) }
    }
}
