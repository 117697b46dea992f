// Garbage collection of the side tables. Cells refer to clusters and extras by index; entries no
// cell refers to any more are dropped and the survivors renumbered, which bounds the tables by
// what the screens and the history hold.

extension Terminal {
    /// Calls `body` on every cell that may refer to a table: both screens, the history, the pens.
    mutating func forEachStoredCell(_ body: (inout Cell) -> Void) {
        for y in 0..<primary.rows.count {
            primary.rows[y].cells.withUnsafeMutableBufferPointer { for x in $0.indices { body(&$0[x]) } }
        }
        for y in 0..<alternate.rows.count {
            alternate.rows[y].cells.withUnsafeMutableBufferPointer { for x in $0.indices { body(&$0[x]) } }
        }
        scrollback.forEachCell(body)
        body(&cursor.pen)
        body(&primary.savedCursor.cursor.pen)
        body(&alternate.savedCursor.cursor.pen)
    }

    /// Drops table entries nothing refers to. Returns whether anything was freed.
    @discardableResult
    mutating func collectGarbage() -> Bool {
        var usedClusters = [Bool](repeating: false, count: clusters.count)
        var usedExtras = [Bool](repeating: false, count: extras.count)
        forEachStoredCell { cell in
            if cell.isCluster { usedClusters[Int(cell.content & ~Cell.clusterFlag)] = true }
            usedExtras[cell.attributes.extrasIndex] = true
        }
        if lastPrinted & Cell.clusterFlag != 0 { usedClusters[Int(lastPrinted & ~Cell.clusterFlag)] = true }
        if let penIndex = extras.indexIfPresent(penExtras) { usedExtras[penIndex] = true }
        let before = clusters.count + extras.count
        let clusterMap = clusters.compact(keeping: usedClusters)
        clusterPairs.removeAll()
        let extrasMap = extras.compact(keeping: usedExtras)
        forEachStoredCell { cell in
            if cell.isCluster {
                cell.content = Cell.clusterFlag | UInt32(clusterMap[Int(cell.content & ~Cell.clusterFlag)])
            }
            cell.attributes.extrasIndex = extrasMap[cell.attributes.extrasIndex]
        }
        if lastPrinted & Cell.clusterFlag != 0 {
            lastPrinted = Cell.clusterFlag | UInt32(clusterMap[Int(lastPrinted & ~Cell.clusterFlag)])
        }
        // Hyperlinks are referred to only by extras.
        var usedLinks = [Bool](repeating: false, count: hyperlinks.count)
        for index in 0..<extras.count { usedLinks[extras[index].hyperlink] = true }
        usedLinks[penExtras.hyperlink] = true
        let linkMap = hyperlinks.compact(keeping: usedLinks)
        extras.remapValues { $0.hyperlink = linkMap[$0.hyperlink] }
        penExtras.hyperlink = linkMap[penExtras.hyperlink]
        clusterCollectionThreshold = max(4096, clusters.count * 2)
        return clusters.count + extras.count < before
    }
}
