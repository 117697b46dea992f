// Grapheme-cluster boundaries (UAX #29, extended clusters) through utf8proc. The emulator feeds
// scalars one at a time and asks, for each, whether it starts a new cell or joins the previous one.

import CUtf8proc

/// Decides cluster boundaries one scalar at a time.
///
/// The rules for emoji ZWJ sequences and regional-indicator pairs depend on more than the last
/// scalar, so the breaker carries utf8proc's state between calls. `reset()` forgets it.
public struct GraphemeBreaker: Sendable {
    private var state: Int32 = 0
    private var previous: Unicode.Scalar?

    public init() {}

    /// Whether `scalar` begins a new cluster after the scalars fed so far; remembers it.
    public mutating func startsCluster(_ scalar: Unicode.Scalar) -> Bool {
        defer { previous = scalar }
        guard let previous else { return true }
        return utf8proc_grapheme_break_stateful(
            Int32(bitPattern: previous.value), Int32(bitPattern: scalar.value), &state)
    }

    /// Forgets every scalar fed so far: the next one begins a cluster.
    public mutating func reset() {
        state = 0
        previous = nil
    }

    /// Whether `next` would extend the cluster made of `cluster`'s scalars.
    public static func extends<S: Sequence<Unicode.Scalar>>(_ cluster: S, with next: Unicode.Scalar) -> Bool {
        var breaker = GraphemeBreaker()
        for scalar in cluster { _ = breaker.startsCluster(scalar) }
        return !breaker.startsCluster(next)
    }

    /// Splits `text` into clusters of scalars, the way the emulator would group them into cells.
    public static func clusters(_ text: String) -> [[Unicode.Scalar]] {
        var breaker = GraphemeBreaker()
        var result: [[Unicode.Scalar]] = []
        for scalar in text.unicodeScalars {
            if breaker.startsCluster(scalar) || result.isEmpty {
                result.append([scalar])
            } else {
                result[result.count - 1].append(scalar)
            }
        }
        return result
    }
}
