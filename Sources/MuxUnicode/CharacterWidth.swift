// How many terminal cells a character takes. utf8proc 2.8 (Unicode 15) is the base; on top of it we
// own the rules it lags on or leaves to the terminal: emoji newer than its tables, VS16 and
// regional-indicator pairs. The rules are listed in docs/unicode.md; change both together.

import CUtf8proc

/// Cell widths of characters and grapheme clusters.
public enum CharacterWidth {
    /// The width of `scalar` when it begins a cell: 0 (joins the previous cell), 1 or 2.
    /// Control characters are 0: a terminal executes them, never prints them.
    @inlinable
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value >= 0x20 && value < 0x7f { return 1 }
        return nonASCII(value)
    }

    @usableFromInline
    static func nonASCII(_ value: UInt32) -> Int {
        ScalarProperties(Unicode.Scalar(value) ?? "\u{FFFD}").width
    }

    /// The width of a grapheme cluster given as its scalars (the first begins the cell).
    ///
    /// The first scalar's width, except: a variation selector 16 makes a narrow base wide (❤️), and
    /// a pair of regional indicators (a flag) is one wide cell. A cluster whose first scalar has
    /// width 0 (a combining mark with no base) is given width 1 so it stays visible.
    public static func of<S: Sequence<Unicode.Scalar>>(cluster scalars: S) -> Int {
        var iterator = scalars.makeIterator()
        guard let first = iterator.next() else { return 0 }
        var width = of(first)
        if width == 0 { width = 1 }
        if width == 2 { return 2 }
        let firstIsRegional = isRegionalIndicator(first)
        while let next = iterator.next() {
            if next.value == 0xfe0f { return 2 }
            if firstIsRegional && isRegionalIndicator(next) { return 2 }
        }
        return width
    }

    @inlinable
    public static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x1f1e6 && scalar.value <= 0x1f1ff
    }
}
