// Side tables the cells index into: grapheme clusters of several scalars, and the rare extras
// (underline colour, hyperlink). Interning keeps equal values at one index.

/// Values stored once and referred to by a small index; index 0 is reserved for "none".
struct InternTable<Value: Hashable & Sendable>: Sendable {
    private(set) var values: [Value]
    private var indices: [Value: Int] = [:]
    let capacity: Int

    init(placeholder: Value, capacity: Int) {
        values = [placeholder]
        self.capacity = capacity
    }

    /// The index of `value`, adding it when new; nil when the table is full.
    mutating func index(of value: Value) -> Int? {
        if let index = indices[value] { return index }
        guard values.count < capacity else { return nil }
        values.append(value)
        indices[value] = values.count - 1
        return values.count - 1
    }

    subscript(index: Int) -> Value { values[index] }

    /// The index of `value` if it is in the table; never adds it.
    func indexIfPresent(_ value: Value) -> Int? { indices[value] }

    /// Changes every value in place (used to renumber what the values refer to).
    mutating func remapValues(_ change: (inout Value) -> Void) {
        indices = [:]
        for index in values.indices {
            change(&values[index])
            if index > 0 { indices[values[index]] = index }
        }
    }

    var count: Int { values.count }

    /// Keeps only the entries `isUsed` reports, returning a map from old to new indices.
    mutating func compact(keeping isUsed: [Bool]) -> [Int] {
        var remap = [Int](repeating: 0, count: values.count)
        var kept = [values[0]]
        indices = [:]
        for index in 1..<values.count where index < isUsed.count && isUsed[index] {
            remap[index] = kept.count
            indices[values[index]] = kept.count
            kept.append(values[index])
        }
        values = kept
        return remap
    }
}
