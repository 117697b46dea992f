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

    func resolve(_ rows: ScreenRows) -> [[ResolvedCell]] {
        rows.map { row in row.cells.map(resolve) + [wrappedMarker(row.wrapped)] }
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
        (0..<scrollback.count).map { index in
            let line = scrollback[index]
            return line.storedCells.map(resolve) + [wrappedMarker(line.wrapped)]
        }
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
        found += rowDifferences("primary row", resolve(primary.rows), other.resolve(other.primary.rows))
        found += rowDifferences("alternate row", resolve(alternate.rows), other.resolve(other.alternate.rows))
        if includingHistory {
            let (mine, theirs) = (resolvedHistory, other.resolvedHistory)
            if mine.count != theirs.count { found.append("history: \(mine.count) lines != \(theirs.count)") }
            found += rowDifferences("history line", mine, theirs)
        }
        return found
    }

    /// Where two lists of resolved rows differ: the first differing column of each row (the last
    /// element of a resolved row is its soft-wrap marker).
    private func rowDifferences(_ name: String, _ a: [[ResolvedCell]], _ b: [[ResolvedCell]]) -> [String] {
        var found: [String] = []
        for y in 0..<min(a.count, b.count) where a[y] != b[y] {
            let (left, right) = (a[y], b[y])
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
