// The rows of a screen as a ring: scrolling the whole screen (the common case, once per line of
// output) moves a start index instead of every row. Partial regions shift rows by swapping.

/// A screen's rows, indexed 0 (top) to count - 1 (bottom).
public struct ScreenRows: RandomAccessCollection, MutableCollection, Hashable, Sendable {
    private var storage: [Row]
    private var start = 0

    init(_ rows: [Row]) {
        storage = rows
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    @inline(__always)
    private func physical(_ index: Int) -> Int {
        let i = start + index
        return i >= storage.count ? i - storage.count : i
    }

    public subscript(index: Int) -> Row {
        // `_read` lends the row in place: reading one cell does not retain the row's cells.
        _read { yield storage[physical(index)] }
        _modify { yield &storage[physical(index)] }
    }

    /// Moves the top row of `range` to its bottom, shifting the rows between up by one.
    mutating func rotateUp(_ range: ClosedRange<Int>) {
        if range.lowerBound == 0 && range.upperBound == storage.count - 1 {
            start = physical(1)
            return
        }
        shift(range, by: 1)
    }

    /// Scrolls `range` up by one: its top row leaves and comes back at its bottom, its first
    /// `columns` cells filled with `filler` and its wrap flag cleared.
    @inline(__always)
    mutating func scrollUp(_ range: ClosedRange<Int>, columns: Int, filler: Cell) {
        rotateUp(range)
        let bottom = physical(range.upperBound)
        storage[bottom].fill(0..<columns, with: filler)
        storage[bottom].wrapped = false
    }

    /// `scrollUp(_:columns:filler:)`, the top row going into `history` first.
    @inline(__always)
    mutating func scrollUp(_ range: ClosedRange<Int>, columns: Int, filler: Cell, into history: inout Scrollback) {
        // The row leaves its slot for the push and comes back: lent, not copied (a copy would
        // retain and release its cells).
        let top = physical(range.lowerBound)
        storage.withUnsafeMutableBufferPointer { rows in
            let slot = rows.baseAddress! + top
            let row = slot.move()
            history.push(row)
            slot.initialize(to: row)
        }
        scrollUp(range, columns: columns, filler: filler)
    }

    /// Moves the bottom row of `range` to its top, shifting the rows between down by one.
    mutating func rotateDown(_ range: ClosedRange<Int>) {
        if range.lowerBound == 0 && range.upperBound == storage.count - 1 {
            start = physical(storage.count - 1)
            return
        }
        shift(range, by: -1)
    }

    /// Rotates the rows of `range` by one: +1 moves each up (the top one to the bottom), -1 down.
    /// The rows between move as blocks of memory (at most two, where the range wraps around the
    /// ring), not one by one.
    private mutating func shift(_ range: ClosedRange<Int>, by step: Int) {
        let start = self.start
        storage.withUnsafeMutableBufferPointer { rows in
            let count = rows.count
            func at(_ index: Int) -> Int {
                let i = start + index
                return i >= count ? i - count : i
            }
            let base = rows.baseAddress!
            let top = at(range.lowerBound)
            let bottom = at(range.upperBound)
            if step > 0 {
                let moving = (base + top).move()
                if top <= bottom {
                    (base + top).moveInitialize(from: base + top + 1, count: bottom - top)
                } else {
                    (base + top).moveInitialize(from: base + top + 1, count: count - 1 - top)
                    (base + count - 1).moveInitialize(from: base, count: 1)
                    base.moveInitialize(from: base + 1, count: bottom)
                }
                (base + bottom).initialize(to: moving)
            } else {
                let moving = (base + bottom).move()
                if top <= bottom {
                    (base + top + 1).moveInitialize(from: base + top, count: bottom - top)
                } else {
                    (base + 1).moveInitialize(from: base, count: bottom)
                    base.moveInitialize(from: base + count - 1, count: 1)
                    (base + top + 1).moveInitialize(from: base + top, count: count - 1 - top)
                }
                (base + top).initialize(to: moving)
            }
        }
    }

    public static func == (a: Self, b: Self) -> Bool { a.elementsEqual(b) }

    public func hash(into hasher: inout Hasher) {
        for row in self { hasher.combine(row) }
    }
}
