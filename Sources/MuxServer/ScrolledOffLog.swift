// How many lines had scrolled off a session's screen at each offset a client may still be at, so
// that a client that falls behind can be told how many lines it was not shown (GAP,
// docs/views.md).

/// The count of lines that left the top of a session's screen, sampled at the ends of output
/// chunks (the offsets client cursors stop at) for as far back as live clients still are.
struct ScrolledOffLog: Equatable {
    /// The count at the end of the output.
    private(set) var current: UInt64 = 0
    /// The count at every offset before the first retained sample.
    private var base: UInt64 = 0
    /// `(end, count)`: the output up to `end` had scrolled `count` lines off; one sample per
    /// chunk that changed the count, oldest first, from `head` on.
    private var samples: [(end: UInt64, count: UInt64)] = []
    private var head = 0

    static func == (a: ScrolledOffLog, b: ScrolledOffLog) -> Bool {
        a.current == b.current && a.count(at: 0) == b.count(at: 0) && a.retained.elementsEqual(b.retained, by: ==)
    }

    private var retained: ArraySlice<(end: UInt64, count: UInt64)> { samples[head...] }

    /// The output now ends at `end`, with `count` lines scrolled off in all.
    mutating func record(end: UInt64, count: UInt64) {
        guard count != current else { return }
        current = count
        samples.append((end, count))
    }

    /// The count when the output ended at `offset` (exact at the ends of chunks; inside one, the
    /// count before it).
    func count(at offset: UInt64) -> UInt64 {
        // The last sample ending at or before `offset`.
        var low = head
        var high = samples.count
        while low < high {
            let middle = (low + high) / 2
            if samples[middle].end <= offset { low = middle + 1 } else { high = middle }
        }
        return low == head ? base : samples[low - 1].count
    }

    /// No client will ask about offsets before `offset` again.
    mutating func forget(before offset: UInt64) {
        while head < samples.count, samples[head].end <= offset {
            base = samples[head].count
            head += 1
        }
        if head > 64 && head * 2 > samples.count {
            samples.removeFirst(head)
            head = 0
        }
    }
}
