// Structural equality of two terminals on everything a program or a viewer can observe. Table
// indices are resolved to what they stand for, so two terminals that interned the same clusters
// and links in a different order still compare equal.

/// A cell with its table references resolved.
public struct ResolvedCell: Hashable, Sendable, CustomStringConvertible {
    public var scalars: [Unicode.Scalar]
    public var foreground: Color
    public var background: Color
    /// The SGR flags and the shape bits, without the extras index.
    public var attributes: UInt32
    public var underlineColor: Color
    public var hyperlink: Hyperlink?

    public var description: String {
        let text = scalars.isEmpty ? "·" : String(String.UnicodeScalarView(scalars))
        return
            "\(text)[fg \(foreground) bg \(background) attrs \(attributes)\(hyperlink.map { " link \($0.uri)" } ?? "")]"
    }
}

extension Terminal: Equatable {
    public func resolve(_ cell: Cell) -> ResolvedCell {
        let extras = extras(of: cell)
        return ResolvedCell(
            scalars: scalars(of: cell), foreground: cell.foreground, background: cell.background,
            attributes: cell.attributes.rawValue & 0xffff, underlineColor: extras.underlineColor,
            hyperlink: hyperlink(extras.hyperlink))
    }

    func resolve(_ row: Row) -> [ResolvedCell] {
        row.cells.map(resolve) + [wrappedMarker(row.wrapped)]
    }

    func resolve(_ line: HistoryLine) -> [ResolvedCell] {
        line.storedCells.map(resolve) + [wrappedMarker(line.wrapped)]
    }

    private func wrappedMarker(_ wrapped: Bool) -> ResolvedCell {
        ResolvedCell(
            scalars: [], foreground: .default, background: .default, attributes: wrapped ? 1 : 0,
            underlineColor: .default, hyperlink: nil)
    }

    func resolve(_ saved: SavedCursor) -> [AnyHashable] {
        [
            saved.cursor.x, saved.cursor.y, saved.cursor.pendingWrap, resolve(saved.cursor.pen), saved.charsets,
            saved.origin,
        ]
    }

    /// The history lines, resolved, oldest first.
    public var resolvedHistory: [[ResolvedCell]] {
        (0..<scrollback.count).map { resolve(scrollback[$0]) }
    }

    /// True when the side tables hold the same values at the same indices, so that cells equal
    /// as stored also resolve equally (cells that differ as stored may still resolve equally).
    private func hasSameTables(as other: Terminal) -> Bool {
        clusters.values == other.clusters.values && extras.values == other.extras.values
            && hyperlinks.values == other.hyperlinks.values
    }

    /// Every observable fact that differs between `self` and `other`, by name: empty when equal.
    public func differences(from other: Terminal, includingHistory: Bool = true) -> [String] {
        var found: [String] = []
        func check<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { found.append("\(name): \(a) != \(b)") }
        }
        check("size", [columns, rows], [other.columns, other.rows])
        check("alternate screen", usingAlternateScreen, other.usingAlternateScreen)
        check("cursor", [cursor.x, cursor.y], [other.cursor.x, other.cursor.y])
        check("pending wrap", cursor.pendingWrap, other.cursor.pendingWrap)
        check("pen", resolve(cursor.pen), other.resolve(other.cursor.pen))
        check("pen hyperlink", hyperlink(penExtras.hyperlink), other.hyperlink(other.penExtras.hyperlink))
        check("charsets", charsets, other.charsets)
        check("modes", modes, other.modes)
        check("cursor shape", cursorShape, other.cursorShape)
        check("scroll region", [scrollTop, scrollBottom], [other.scrollTop, other.scrollBottom])
        check("left and right margins", [leftMargin, rightMargin], [other.leftMargin, other.rightMargin])
        check("protection mode", protectionMode, other.protectionMode)
        check("DECSACE", attributeChangeRectangle, other.attributeChangeRectangle)
        check("XTCHECKSUM", checksumFlags, other.checksumFlags)
        check("XTSAVE modes", savedModes, other.savedModes)
        check("conformance level", conformanceLevel, other.conformanceLevel)
        check("tab stops", tabStops, other.tabStops)
        check("title", [title, iconName], [other.title, other.iconName])
        check("title stack", titleStack, other.titleStack)
        check("working directory", workingDirectory, other.workingDirectory)
        check("command phase", commandState.phase, other.commandState.phase)
        check("palette", paletteOverrides, other.paletteOverrides)
        check("dynamic colours", dynamicColors, other.dynamicColors)
        check("special colours", specialColors, other.specialColors)
        check("primary saved cursor", resolve(primary.savedCursor), other.resolve(other.primary.savedCursor))
        check("alternate saved cursor", resolve(alternate.savedCursor), other.resolve(other.alternate.savedCursor))
        // Rows equal as stored are skipped when the tables agree; only the others are resolved.
        let sameTables = hasSameTables(as: other)
        for (name, mine, theirs) in [
            ("primary row", primary.rows, other.primary.rows), ("alternate row", alternate.rows, other.alternate.rows),
        ] {
            found += rowDifferences(
                name, count: min(mine.count, theirs.count),
                storedAlike: { sameTables && mine[$0] == theirs[$0] }, mine: { resolve(mine[$0]) },
                theirs: { other.resolve(theirs[$0]) })
        }
        if includingHistory {
            let (mine, theirs) = (scrollback, other.scrollback)
            if mine.count != theirs.count { found.append("history: \(mine.count) lines != \(theirs.count)") }
            found += rowDifferences(
                "history line", count: min(mine.count, theirs.count),
                storedAlike: { sameTables && mine[$0].isStoredAlike(theirs[$0]) }, mine: { resolve(mine[$0]) },
                theirs: { other.resolve(theirs[$0]) })
        }
        return found
    }

    /// Where two lists of rows differ: the first differing column of each row (the last element
    /// of a resolved row is its soft-wrap marker). `storedAlike` may skip a row whose cells are
    /// equal as stored; any other row is resolved on both sides and compared.
    private func rowDifferences(
        _ name: String, count: Int, storedAlike: (Int) -> Bool, mine: (Int) -> [ResolvedCell],
        theirs: (Int) -> [ResolvedCell]
    ) -> [String] {
        var found: [String] = []
        for y in 0..<count where !storedAlike(y) {
            let (left, right) = (mine(y), theirs(y))
            if left == right { continue }
            if left.count != right.count {
                found.append("\(name) \(y): \(left.count - 1) cells != \(right.count - 1)")
                continue
            }
            let x = left.indices.first { left[$0] != right[$0] }!
            if x == left.count - 1 {
                found.append("\(name) \(y): soft wrap \(left[x].attributes == 1) != \(right[x].attributes == 1)")
            } else {
                found.append("\(name) \(y) column \(x): \(left[x]) != \(right[x])")
            }
        }
        return found
    }

    public static func == (a: Terminal, b: Terminal) -> Bool {
        a.differences(from: b).isEmpty
    }
}
