// VT420 rectangular operations as xterm implements them (ctlseqs: DECCRA, DECERA, DECFRA, DECSERA,
// DECCARA, DECRARA, DECSACE) and DECRQCRA, the checksum conformance tools read the screen back
// with. Rectangles are 1-based and inclusive, relative to the margins in origin mode (and clipped
// to them), otherwise to the screen; the page parameters are ignored (mux has one page).

/// A rectangle of the screen, 0-based and inclusive.
struct ScreenRectangle: Equatable {
    var top: Int
    var left: Int
    var bottom: Int
    var right: Int
}

extension Terminal {
    /// The rectangle given by the four parameters from `first` (`Pt ; Pl ; Pb ; Pr`), or nil when it
    /// is empty.
    func rectangle(_ s: CSISequence, from first: Int, stream: Bool = false) -> ScreenRectangle? {
        let origin = modes.origin
        let rowOffset = origin ? scrollTop : 0
        let columnOffset = origin ? leftMargin : 0
        let lastRow = origin ? scrollBottom : rows - 1
        let lastColumn = origin ? rightMargin : columns - 1
        let top = s.parameter(first, default: 1) - 1 + rowOffset
        let left = s.parameter(first + 1, default: 1) - 1 + columnOffset
        let bottom = min(s.parameter(first + 2, default: rows) - 1 + rowOffset, lastRow)
        let right = min(s.parameter(first + 3, default: columns) - 1 + columnOffset, lastColumn)
        // A stream (DECCARA after DECSACE 0 or 1) may end left of where it starts, on a later row.
        guard top <= bottom && (left <= right || stream && top < bottom) else { return nil }
        return ScreenRectangle(top: top, left: left, bottom: bottom, right: right)
    }

    /// Runs `body` on cells `left...right` of each row of `rect`, then mends the wide characters
    /// the edges cut.
    private mutating func modifyCells(in rect: ScreenRectangle, _ body: (inout Row, Int) -> Void) {
        for y in rect.top...rect.bottom {
            modifyRow(y) { row in
                row.splitWideCharacters(at: rect.left..<(rect.left + 1))
                row.splitWideCharacters(at: rect.right..<(rect.right + 1))
                for x in rect.left...rect.right { body(&row, x) }
                row.repairWideCharacters()
            }
        }
    }

    /// DECERA (`CSI Pt;Pl;Pb;Pr $ z`) erases a rectangle, protected cells too; DECSERA (`$ {`)
    /// keeps the cells DECSCA protected (in ISO protection mode xterm erases those as well).
    mutating func eraseRectangle(_ s: CSISequence, selective: Bool) {
        guard let rect = rectangle(s, from: 0) else { return }
        let filler = Cell.erased(by: cursor.pen)
        let keep = selective && protectionMode == .dec
        modifyCells(in: rect) { row, x in
            if keep && row.cells[x].attributes.has(CellAttributes.protected) { return }
            row.set(x, filler)
        }
    }

    /// DECFRA (`CSI Pch;Pt;Pl;Pb;Pr $ x`): fills a rectangle with a character (32–126 through the
    /// character set in GL, or 160–255) in the current rendition. Other characters are ignored.
    mutating func fillRectangle(_ s: CSISequence) {
        let code = s.count > 0 ? Int(s.parameters[0]) : 0
        let content: UInt32
        switch code {
        case 32...126: content = charsets[charsets.gl].map(UInt8(code))
        case 160...255: content = UInt32(code)
        default: return
        }
        guard let rect = rectangle(s, from: 1) else { return }
        let cell = cursor.pen.with(content: content, shape: 0)
        modifyCells(in: rect) { row, x in row.set(x, cell) }
    }

    /// DECCRA (`CSI Pts;Pls;Pbs;Prs;Pps;Ptd;Pld;Ppd $ v`): copies a rectangle, as if through a
    /// buffer, to the destination's top-left corner; what falls off the screen (or the margins,
    /// in origin mode) is dropped.
    mutating func copyRectangle(_ s: CSISequence) {
        guard let source = rectangle(s, from: 0) else { return }
        let origin = modes.origin
        let top = s.parameter(5, default: 1) - 1 + (origin ? scrollTop : 0)
        let left = s.parameter(6, default: 1) - 1 + (origin ? leftMargin : 0)
        let lastRow = origin ? scrollBottom : rows - 1
        let lastColumn = origin ? rightMargin : columns - 1
        guard top <= lastRow && left <= lastColumn else { return }
        let height = min(source.bottom - source.top, lastRow - top) + 1
        let width = min(source.right - source.left, lastColumn - left) + 1
        let copied = (0..<height).map { dy in
            Array(screen.rows[source.top + dy].cells[source.left..<(source.left + width)])
        }
        for dy in 0..<height {
            modifyRow(top + dy) { row in
                row.splitWideCharacters(at: left..<(left + 1))
                row.splitWideCharacters(at: (left + width - 1)..<(left + width))
                for dx in 0..<width { row.set(left + dx, copied[dy][dx]) }
                row.repairWideCharacters()
            }
        }
    }

    /// DECCARA (`CSI Pt;Pl;Pb;Pr;Ps… $ r`) sets or clears SGR attributes (0, 1, 4, 5, 7, 8 and
    /// 22, 24, 25, 27, 28) in a rectangle, or in the stream of cells from its first to its last
    /// position when DECSACE chose that (the default); DECRARA (`$ t`) reverses them (0 all).
    mutating func changeAttributesInRectangle(_ s: CSISequence, reverse: Bool) {
        guard let rect = rectangle(s, from: 0, stream: !attributeChangeRectangle) else { return }
        let all = CellAttributes.bold | CellAttributes.blink | CellAttributes.inverse | CellAttributes.invisible
        var set: UInt32 = 0
        var clear: UInt32 = 0
        var underline: UnderlineStyle?  // DECCARA: the style to give; DECRARA: whether to flip it
        for index in 4..<max(s.count, 5) {
            let value = index < s.count ? Int(s.parameters[index]) : 0
            switch value {
            case 0:
                clear = all
                set = reverse ? all : 0
                underline = reverse ? .single : UnderlineStyle.none
            case 1: set |= CellAttributes.bold
            case 4: underline = .single
            case 5: set |= CellAttributes.blink
            case 7: set |= CellAttributes.inverse
            case 8: set |= CellAttributes.invisible
            case 22 where !reverse: clear |= CellAttributes.bold
            case 24 where !reverse: underline = UnderlineStyle.none
            case 25 where !reverse: clear |= CellAttributes.blink
            case 27 where !reverse: clear |= CellAttributes.inverse
            case 28 where !reverse: clear |= CellAttributes.invisible
            default: break
            }
        }
        func change(_ cell: inout Cell) {
            if reverse {
                cell.attributes.rawValue ^= set
                if underline != nil {
                    cell.attributes.underline = cell.attributes.underline == UnderlineStyle.none ? .single : .none
                }
            } else {
                cell.attributes.rawValue = (cell.attributes.rawValue & ~clear) | set
                if let underline { cell.attributes.underline = underline }
            }
        }
        let columns = columns
        for y in rect.top...rect.bottom {
            var from = attributeChangeRectangle || y == rect.top ? rect.left : 0
            var to = attributeChangeRectangle || y == rect.bottom ? rect.right : columns - 1
            guard from <= to else { continue }
            // Both halves of a wide character keep one look.
            if screen.rows[y].cells[from].isSpacer && from > 0 { from -= 1 }
            if screen.rows[y].cells[to].isWide && to + 1 < columns { to += 1 }
            modifyRow(y) { row in
                for x in from...to {
                    var cell = row.cells[x]
                    change(&cell)
                    row.set(x, cell)
                }
            }
        }
    }

    // MARK: DECRQCRA

    /// DECRQCRA (`CSI Pi;Pg;Pt;Pl;Pb;Pr * y`): answers `DCS Pi ! ~ xxxx ST`, the checksum of a
    /// rectangle in four upper-case hex digits (0000 for an empty rectangle).
    mutating func reportRectangleChecksum(_ s: CSISequence) {
        let id = s.count > 0 ? Int(s.parameters[0]) : 0
        let sum = rectangle(s, from: 2).map { checksum(of: $0) } ?? 0
        let digits = String(UInt16(truncatingIfNeeded: sum), radix: 16, uppercase: true)
        reply("\u{1b}P\(id)!~\(String(repeating: "0", count: 4 - digits.count))\(digits)\u{1b}\\")
    }

    /// The XTCHECKSUM bits (xterm's `csPOSITIVE`, `csATTRIBS`, `csNOTRIM`, `csDRAWN`, `csBYTE`).
    static let checksumPositive = 1
    static let checksumNoAttributes = 2
    static let checksumNoTrim = 4
    static let checksumByte = 16

    /// The checksum DECRQCRA reports for `rect`, as xterm's default (VT520) calculation computes
    /// it, changed by the XTCHECKSUM bits. Each cell counts its character's low byte (a never
    /// written or erased cell counts as a space, the right half of a wide character as 0xFF, a
    /// cluster as its first scalar; invisible text as a space) plus 0x10 for underline, 0x20
    /// inverse, 0x40 blink, 0x80 bold; the sum is negated. Blanks are trimmed: after the first
    /// cell, an erased cell in the default look counts nothing. A wide character cut by the left
    /// edge counts whole. xterm 379, checked from inside it.
    func checksum(of rect: ScreenRectangle) -> Int {
        let flags = checksumFlags
        let byte = flags & Terminal.checksumByte != 0
        let withAttributes = flags & Terminal.checksumNoAttributes == 0
        let trims = flags & Terminal.checksumNoTrim == 0
        var total = 0
        var first = true
        for y in rect.top...rect.bottom {
            let cells = screen.rows[y].cells
            var start = rect.left
            if !byte && cells[start].isSpacer && start > 0 { start -= 1 }
            for x in start...rect.right {
                let cell = cells[x]
                let drawn = cell.content != 0 || cell.isSpacer
                var ch: Int
                if cell.isSpacer {
                    ch = byte ? 0xffff : 0xff
                } else if cell.content == 0 {
                    ch = byte ? 0 : 0x20
                } else if cell.attributes.has(CellAttributes.invisible) && !byte {
                    ch = 0x20
                } else if byte {
                    ch = scalars(of: cell).reduce(0) { $0 + Int($1.value) }
                } else {
                    ch = Int((scalars(of: cell).first ?? " ").value) & 0xff
                }
                let attributes = cell.attributes
                if withAttributes {
                    let underline = attributes.underline
                    if underline != UnderlineStyle.none && underline != .double { ch += 0x10 }
                    if attributes.has(CellAttributes.inverse) { ch += 0x20 }
                    if attributes.has(CellAttributes.blink) { ch += 0x40 }
                    if attributes.has(CellAttributes.bold) { ch += 0x80 }
                }
                let styled = attributes.style & 0xffff != 0 || !cell.foreground.isDefault || !cell.background.isDefault
                if first || !trims || ch != 0x20 || drawn || styled { total += ch }
                first = false
            }
        }
        return flags & Terminal.checksumPositive != 0 ? total : -total
    }
}
