// Left and right margins (DECLRMM, DECSLRM: xterm's ctlseqs, VT420) and the column and row moves
// that respect them. Without DECLRMM the margins are the screen's edges and every operation takes
// its whole-row path.

extension Terminal {
    /// Whether column `x` lies between the left and right margins.
    @inline(__always)
    func isInsideHorizontalMargins(_ x: Int) -> Bool { x >= leftMargin && x <= rightMargin }

    /// Whether the left and right margins are narrower than the screen.
    @inline(__always)
    var hasHorizontalMargins: Bool { leftMargin != 0 || rightMargin != columns - 1 }

    /// The last column printing reaches before it wraps: the right margin, or the screen's last
    /// column for a cursor right of it.
    @inline(__always)
    var wrapColumn: Int { cursor.x <= rightMargin ? rightMargin : columns - 1 }

    mutating func resetHorizontalMargins() {
        leftMargin = 0
        rightMargin = columns - 1
    }

    /// DECSLRM: 1-based left and right; 0 means the screen's edge. Only with DECLRMM; homes the
    /// cursor. A pair that does not leave two columns is ignored.
    mutating func setLeftRightMargins(left: Int, right: Int) {
        guard modes.leftRightMargins else { return }
        let l = max(left, 1) - 1
        let r = (right == 0 ? columns : min(right, columns)) - 1
        guard l < r else { return }
        leftMargin = l
        rightMargin = r
        setCursorPosition(row: 1, column: 1)
    }

    /// Moves the cells of `columnRange` in each row of `rowRange` by `count` columns: left for a
    /// positive count, right for a negative one; the cells uncovered take `filler`. Wide
    /// characters cut at the edges lose both halves.
    mutating func shiftColumns(
        _ columnRange: ClosedRange<Int>, rows rowRange: ClosedRange<Int>, by count: Int, filler: Cell
    ) {
        let lo = columnRange.lowerBound
        let hi = columnRange.upperBound
        let width = hi - lo + 1
        let n = min(abs(count), width)
        guard n > 0 else { return }
        for y in rowRange {
            modifyRow(y) { row in
                row.splitWideCharacters(at: lo..<(lo + 1))
                row.splitWideCharacters(at: hi..<(hi + 1))
                row.replaceCells { cells in
                    let moved: [Cell]
                    if count > 0 {
                        moved = Array(cells[(lo + n)..<(hi + 1)]) + repeatElement(filler, count: n)
                    } else {
                        moved = Array(repeatElement(filler, count: n)) + cells[lo..<(hi + 1 - n)]
                    }
                    cells.replaceSubrange(lo...hi, with: moved)
                }
                row.repairWideCharacters()
            }
        }
    }

    /// Moves the cells of `columnRange` up (positive `count`) or down by `count` rows within
    /// `rowRange`; the rows uncovered take `filler` there. The rows' other cells stay.
    mutating func shiftRows(
        _ rowRange: ClosedRange<Int>, columns columnRange: ClosedRange<Int>, by count: Int, filler: Cell
    ) {
        let height = rowRange.count
        let n = min(abs(count), height)
        guard n > 0 else { return }
        let order = count > 0 ? Array(rowRange) : rowRange.reversed()
        for y in order {
            let source = count > 0 ? y + n : y - n
            let cells: [Cell]
            if rowRange.contains(source) {
                cells = Array(screen.rows[source].cells[columnRange])
            } else {
                cells = [Cell](repeating: filler, count: columnRange.count)
            }
            modifyRow(y) { row in
                row.splitWideCharacters(at: columnRange.lowerBound..<(columnRange.lowerBound + 1))
                row.splitWideCharacters(at: columnRange.upperBound..<(columnRange.upperBound + 1))
                row.replaceCells { $0.replaceSubrange(columnRange, with: cells) }
                row.repairWideCharacters()
            }
        }
    }
}
