// Grapheme clusters on the grid: whether a scalar continues the cell before the cursor, and
// placing a cluster in a cell. Printing (Terminal+Print.swift) asks here before it begins a cell.

import MuxUnicode

extension Terminal {
    /// Whether the cell before the cursor could take an ASCII character into its cluster: only
    /// one ending in a Prepend scalar can (GB9b). Prepend scalars are all U+0600 or above, and a
    /// cluster ending in one holds nothing but Prepend scalars, so it is never wide: the cell
    /// just before the cursor (or under it, with a wrap pending) is the one to look at.
    @inline(__always)
    func previousCellMayTakeASCII() -> Bool {
        let x = cursor.pendingWrap ? cursor.x : cursor.x - 1
        return x >= 0 && cell(x, cursor.y).content >= 0x600
    }

    /// Adds `scalar` to the cell before the cursor if UAX #29 says it continues that cell's
    /// cluster; returns whether it did.
    mutating func joinPreviousCell(_ scalar: Unicode.Scalar) -> Bool {
        guard let (x, y) = previousCell() else { return false }
        let previous = cell(x, y)
        let next = ScalarProperties(scalar).breakClass
        if previous.isCluster {
            // A cluster of several scalars. Only emoji ZWJ sequences (GB11) and regional
            // indicator pairs (GB12, GB13) need more than its last scalar to decide; they take
            // the full, stateful check.
            let scalars = clusters[Int(previous.content & ~Cell.clusterFlag)]
            let lastClass = ScalarProperties(scalars[scalars.count - 1]).breakClass
            let extends =
                (next == .extendedPictographic && lastClass == .zwj)
                    || (next == .regionalIndicator && lastClass == .regionalIndicator)
                ? GraphemeBreaker.extends(scalars, with: scalar) : ScalarProperties.joins(lastClass, next)
            guard extends else { return false }
            extendCluster(x: x, y: y, with: scalars + [scalar])
            return true
        }
        guard previous.content != 0 else { return false }
        let first = Unicode.Scalar(previous.content) ?? " "
        guard ScalarProperties.joins(ScalarProperties(first).breakClass, next) else { return false }
        // A base and one mark or modifier: the common cluster, found without building an array
        // (👍🏽, é as e + U+0301).
        let pair = UInt64(first.value) << 32 | UInt64(scalar.value)
        if let index = clusterPairs[pair] {
            placeCluster(Int(index), x: x, y: y)
        } else if let index = extendCluster(x: x, y: y, with: [first, scalar]) {
            clusterPairs[pair] = UInt32(index)
        }
        return true
    }

    /// The cell the last character went into, if the cursor is still just after it on its row.
    /// (Inlined: called as a method from mutating code, it copied the whole terminal.)
    @inline(__always)
    func previousCell() -> (Int, Int)? {
        var x: Int
        if cursor.pendingWrap {
            x = cursor.x
        } else if cursor.x > 0 {
            x = cursor.x - 1
        } else {
            return nil
        }
        if cell(x, cursor.y).isSpacer && x > 0 { x -= 1 }
        return (x, cursor.y)
    }

    /// Replaces the content of the cell at (x, y) with a cluster (see `placeCluster`); returns
    /// the cluster's index, nil when the table is full.
    @discardableResult
    mutating func extendCluster(x: Int, y: Int, with scalars: [Unicode.Scalar]) -> Int? {
        if clusters.count >= clusterCollectionThreshold { collectGarbage() }
        guard let index = clusters.index(of: scalars) else { return nil }
        placeCluster(index, x: x, y: y)
        return index
    }

    /// Makes the cell at (x, y) show cluster `index`, widening it if the cluster takes two cells
    /// (VS16, a regional-indicator pair) and there is room.
    mutating func placeCluster(_ index: Int, x: Int, y: Int) {
        let scalars = clusters[index]
        var cell = cell(x, y)
        cell.content = Cell.clusterFlag | UInt32(index)
        screen.rows[y].set(x, cell)
        lastPrinted = cell.content
        guard !cell.isWide, CharacterWidth.of(cluster: scalars) == 2,
            x + 1 <= (x <= rightMargin ? rightMargin : columns - 1),
            cursor.x == x + 1 && !cursor.pendingWrap
        else { return }
        screen.rows[y].splitWideCharacters(at: (x + 1)..<(x + 2))
        screen.rows[y].set(x, cell.with(content: cell.content, shape: CellAttributes.wide))
        screen.rows[y].set(x + 1, cell.with(content: 0, shape: CellAttributes.spacer))
        advanceCursor(from: x + 1, by: 1)
    }
}
