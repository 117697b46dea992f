// The snapshot's rows (see Terminal+Snapshot.swift and docs/snapshot.md): printing rows so that
// soft wraps, erased cells with their background, wide characters and clusters come out exactly
// as they are stored, including the cases printing alone cannot make.

import MuxUnicode

extension Terminal {
    // MARK: rows

    /// Empty cells at the end of a soft-wrapped row: printed as spaces so the row can wrap, and
    /// erased to their background once the next row has begun.
    typealias Tail = [(x: Int, count: Int, background: Color)]

    /// Prints `count` rows (`rowAt(0)` first) from the top-left of a cleared screen, one after
    /// another; those beyond the screen's height scroll the first ones into the viewer's history.
    func emitRows(
        count: Int, into out: inout SnapshotEncoder, row rowAt: (Int) -> Row
    ) {
        var tail: Tail = []
        var previousWrapped = false
        var next = rowAt(0)
        for index in 0..<count {
            let row = next
            if index + 1 < count { next = rowAt(index + 1) }
            // A row that scrolls in takes the background of the pen at that moment; it is only
            // known to be blank if the pen had the default background.
            let scrolledIn = index >= self.rows
            // A wide first cell wraps by itself only if its first scalar is wide on its own (a flag
            // or a VS16 sequence starts narrow and widens after).
            let nextStartsWide =
                index + 1 < count && next.cells[0].isWide
                && (!next.cells[0].isCluster || CharacterWidth.of(scalars(of: next.cells[0])[0]) == 2)
            tail = emitRow(
                row, continuing: previousWrapped, previousTail: tail, scrolledIn: scrolledIn,
                nextStartsWide: nextStartsWide, into: &out)
            previousWrapped = row.wrapped
            if index < count - 1 && !row.wrapped {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write("\r\n")
            }
        }
        if previousWrapped {
            wrapBottomRow((count - self.rows..<count).map(rowAt), into: &out)
        }
        if !tail.isEmpty {
            out.csi("\(self.rows);1H")
            patch(tail, returningTo: nil, into: &out)
        }
    }

    /// Makes the bottom row soft-wrapped, which printing alone cannot do without scrolling the
    /// top row away: within a region that spares row 1, wrap past the bottom (row 2 scrolls out
    /// of the region, not into the history), scroll back down with RI, and print row 2 again.
    /// Needs three rows; with fewer the flag is left off (docs/snapshot.md).
    func wrapBottomRow(_ rows: [Row], into out: inout SnapshotEncoder) {
        guard rows.count >= 3 else { return }
        let bottom = rows.count - 1
        out.csi("2;\(rows.count)r")
        reprintLastCell(of: rows[bottom], row: bottom, into: &out)
        out.setLink(nil)
        out.setLook(Cell.blank, extras: CellExtras())
        out.write(" ")
        out.csi("2;1H")
        out.write("\u{1b}M")
        out.csi("r")
        // Row 2 (index 1) was blanked; print it again, rejoining it to its neighbours' wraps.
        // If row 1's last cell is a mark standing alone, printing it again would join it to its
        // neighbour: that neighbour is erased first and printed again once the wrap is made.
        var restoreNeighbour: Int?
        if rows[0].wrapped {
            let top = rows[0].cells
            let last = top.count - (top.count >= 2 && top[top.count - 1].isSpacer ? 2 : 1)
            if last > 0, joiningCells(top).contains(last) {
                var neighbour = last - 1
                if top[neighbour].isSpacer && neighbour > 0 { neighbour -= 1 }
                out.csi("1;\(neighbour + 1)H")
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.csi(top[neighbour].isWide ? "2X" : "X")
                restoreNeighbour = neighbour
            }
            reprintLastCell(of: rows[0], row: 0, into: &out)
        } else {
            out.csi("2;1H")
        }
        let tail = emitRow(rows[1], continuing: rows[0].wrapped, previousTail: [], scrolledIn: false, into: &out)
        if rows[1].wrapped {
            // Rejoin row 3: print its first cell again, which makes the wrap.
            let next = rows[2]
            if next.cells[0].content != 0 {
                emitCell(next.cells[0], into: &out)
                if !tail.isEmpty { patch(tail, returningTo: next.cells[0].isWide ? 2 : 1, into: &out) }
            } else {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(" \u{8}")
                out.setLook(Cell.erased(by: next.cells[0]), extras: CellExtras())
                out.csi("X")
                if !tail.isEmpty { patch(tail, returningTo: 0, into: &out) }
            }
        } else if !tail.isEmpty {
            patch(tail, returningTo: nil, into: &out)
        }
        if let neighbour = restoreNeighbour {
            out.csi("1;\(neighbour + 1)H")
            emitCell(rows[0].cells[neighbour], into: &out)
        }
        if rows[0].wrapped, !rows[0].cells[rows[0].cells.count - 1].isSpacer,
            rows[0].cells[rows[0].cells.count - 1].content == 0
        {
            // The last cell of row 1 was printed as a space to make the wrap.
            out.csi("1;\(rows[0].cells.count)H")
            out.setLook(Cell.erased(by: rows[0].cells[rows[0].cells.count - 1]), extras: CellExtras())
            out.csi("X")
        }
    }

    /// Puts the cursor at the end of `row` (screen row `y`) with a wrap pending, by printing its
    /// last character again (a space if the cell is empty).
    func reprintLastCell(of row: Row, row y: Int, into out: inout SnapshotEncoder) {
        let cells = row.cells
        let wideAtEnd = cells.count >= 2 && cells[cells.count - 1].isSpacer
        out.csi("\(y + 1);\(wideAtEnd ? cells.count - 1 : cells.count)H")
        let cell = wideAtEnd ? cells[cells.count - 2] : cells[cells.count - 1]
        if cell.content != 0 {
            emitCell(cell, into: &out)
        } else {
            out.setLink(nil)
            out.setLook(Cell.blank, extras: CellExtras())
            out.write(" ")
        }
    }

    /// Prints one row; returns the tail of empty cells it printed as spaces.
    func emitRow(
        _ row: Row, continuing: Bool, previousTail: Tail, scrolledIn: Bool, nextStartsWide: Bool = false,
        into out: inout SnapshotEncoder
    ) -> Tail {
        let cells = row.cells
        var used = cells.count
        while used > 0 && cells[used - 1].isDefaultBlank { used -= 1 }
        if row.wrapped { used = cells.count }  // the row must end pending at its last column
        var x = 0
        var tail: Tail = []
        let plain = !row.mayHaveStyle
        var rowMayBeDirty = false
        var mustErase = false  // the first run covers the space printed to make the wrap
        // Cells that printing would join to the cell on their left (a mark standing alone after
        // a letter, made by moving the cursor): they are printed first, while their left
        // neighbour is still empty, and skipped when the row is printed.
        let joiners = plain ? [] : joiningCells(cells)
        if continuing {
            // The wrap happens on the first character printed; an empty first cell (or one that
            // would join the last cell of the row above) is begun with a space and BS instead.
            let first = cells[0]
            if first.content != 0 && !startsWithJoiner(first) && joiners.isEmpty {
                emitCell(first, into: &out)
                x = first.isWide ? 2 : 1
                rowMayBeDirty = scrolledIn && !first.background.isDefault
            } else {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(" \u{8}")
                mustErase = first.content == 0
            }
            if !previousTail.isEmpty {
                patch(previousTail, returningTo: x, into: &out)
                if x >= cells.count {
                    // The first cell filled the row (one column, or a wide character in two):
                    // print it again so its wrap is pending once more.
                    out.csi("1G")
                    emitCell(first, into: &out)
                }
            }
        }
        if !joiners.isEmpty {
            for column in joiners {
                out.csi("\(column + 1)G")
                emitCell(cells[column], into: &out)
            }
            out.csi("\(x + 1)G")
        }
        while x < cells.count {
            let cell = cells[x]
            if cell.isSpacer {
                x += 1
                continue
            }
            if cell.content != 0 && joiners.contains(x) {
                let width = cell.isWide ? 2 : 1
                out.csi(width == 1 ? "C" : "2C")
                x += width
                continue
            }
            if cell.content != 0 {
                if plain {
                    // Plain text in the default look: the bytes themselves.
                    var end = x
                    while end < cells.count && cells[end].content != 0 { end += 1 }
                    out.setLink(nil)
                    out.setLook(Cell.blank, extras: CellExtras())
                    out.bytes.append(contentsOf: cells[x..<end].lazy.map { UInt8(truncatingIfNeeded: $0.content) })
                    x = end
                    continue
                }
                // A run of cells with one look: the look is set once, then only text follows.
                emitCell(cell, into: &out)
                x += cell.isWide ? 2 : 1
                let look = cell.attributes.rawValue & ~CellAttributes.shapeMask
                while x < cells.count {
                    let next = cells[x]
                    guard next.content != 0, next.foreground == cell.foreground, next.background == cell.background,
                        next.attributes.rawValue & ~CellAttributes.shapeMask == look, !joiners.contains(x)
                    else { break }
                    if next.isCluster {
                        out.write(scalars: scalars(of: next))
                    } else {
                        out.write(scalar: next.content)
                    }
                    x += next.isWide ? 2 : 1
                }
                continue
            }
            // A run of empty cells with one background.
            var end = x + 1
            while end < cells.count && cells[end].content == 0 && !cells[end].isSpacer
                && cells[end].background == cell.background
            {
                end += 1
            }
            let blankAlready = cell.background.isDefault && !rowMayBeDirty && !mustErase
            if end >= used && blankAlready && !row.wrapped { break }  // the rest is blank already
            if row.wrapped && end == cells.count && end - x == 1 && cell.background.isDefault && nextStartsWide
                && !rowMayBeDirty
            {
                // A wide character that did not fit: printing it at the last column wraps it and
                // leaves that column blank, exactly as it was made.
                break
            }
            if row.wrapped && end == cells.count {
                out.setLink(nil)
                out.setLook(Cell.blank, extras: CellExtras())
                out.write(String(repeating: " ", count: end - x))
                tail.append((x, end - x, cell.background))
            } else if blankAlready {
                out.csi(end - x == 1 ? "C" : "\(end - x)C")
            } else {
                out.setLink(nil)
                out.setLook(Cell.erased(by: cell), extras: CellExtras())
                if end == cells.count {
                    out.csi("K")
                } else {
                    out.csi("\(end - x)X")
                    out.csi(end - x == 1 ? "C" : "\(end - x)C")
                }
            }
            x = end
            mustErase = false
        }
        return tail
    }

    /// Columns (past the first) whose cell printing would join to the cell on its left.
    func joiningCells(_ cells: [Cell]) -> [Int] {
        var found: [Int] = []
        var left = 0
        for x in 1..<max(cells.count, 1) {
            let cell = cells[x]
            if cell.isSpacer { continue }
            defer { left = x }
            let before = cells[left]
            guard cell.content != 0, before.content != 0,
                cell.content >= 0x300 || cell.isCluster || before.content >= 0x300 || before.isCluster
            else { continue }
            guard let first = scalars(of: cell).first else { continue }
            let joins: Bool
            if before.isCluster {
                joins = GraphemeBreaker.extends(scalars(of: before), with: first)
            } else {
                joins = ScalarProperties.joins(
                    ScalarProperties(Unicode.Scalar(before.content) ?? " ").breakClass,
                    ScalarProperties(first).breakClass)
            }
            if joins { found.append(x) }
        }
        return found
    }

    /// Whether a cell's first scalar joins whatever precedes it (a mark, a joiner, a second half).
    func startsWithJoiner(_ cell: Cell) -> Bool {
        guard let first = scalars(of: cell).first, first.value >= 0x300 else { return false }
        switch ScalarProperties(first).breakClass {
        case .extend, .zwj, .spacingMark, .hangulV, .hangulT, .regionalIndicator: return true
        default: return false
        }
    }

    func emitCell(_ cell: Cell, into out: inout SnapshotEncoder) {
        let cellExtras = cell.attributes.extrasIndex == 0 ? CellExtras() : extras(of: cell)
        out.setLink(cellExtras.hyperlink == 0 ? nil : hyperlink(cellExtras.hyperlink))
        out.setLook(cell, extras: cellExtras)
        if cell.isCluster {
            out.write(scalars: scalars(of: cell))
        } else {
            out.write(scalar: cell.content)
        }
    }

    /// Erases a tail of spaces to its backgrounds: on the row above (then back to column
    /// `column` of this row), or on this row when `column` is nil.
    func patch(_ tail: Tail, returningTo column: Int?, into out: inout SnapshotEncoder) {
        if column != nil { out.csi("A") }
        for run in tail {
            out.setLink(nil)
            out.setLook(Cell(background: run.background), extras: CellExtras())
            out.csi("\(run.x + 1)G")
            out.csi(run.count == 1 ? "X" : "\(run.count)X")
        }
        if let column {
            out.csi("B")
            out.csi("\(column + 1)G")
        }
    }

    /// Resets the pen and clears the screen to the default background, cursor home.
    func clearForRows(into out: inout SnapshotEncoder) {
        out.csi("?6l")
        out.write("\u{1b}(B\u{f}")  // ASCII in GL, so what is printed is what is stored
        out.forgetPen()
        out.setLink(nil)
        out.setLook(Cell.blank, extras: CellExtras())
        out.csi("H")
        out.csi("2J")
    }
}
