// One character cell of the screen: its content and its look, in 16 bytes. Rare attributes
// (underline colour, hyperlink) live in a side table and cost a cell only an index.

/// A colour as SGR sets it: the terminal's default, a palette index, or a 24-bit RGB value.
public struct Color: Hashable, Sendable, CustomStringConvertible {
    /// Top byte: 0 default, 1 palette, 2 RGB; low 24 bits: the index or 0xRRGGBB.
    public let rawValue: UInt32

    @inlinable init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let `default` = Color(rawValue: 0)
    public static func palette(_ index: UInt8) -> Color { Color(rawValue: 0x0100_0000 | UInt32(index)) }
    public static func rgb(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Color {
        Color(rawValue: 0x0200_0000 | UInt32(red) << 16 | UInt32(green) << 8 | UInt32(blue))
    }

    public var isDefault: Bool { rawValue == 0 }
    /// The palette index, when this is a palette colour.
    public var paletteIndex: UInt8? { rawValue >> 24 == 1 ? UInt8(rawValue & 0xff) : nil }
    /// The red, green and blue components, when this is an RGB colour.
    public var rgb: (red: UInt8, green: UInt8, blue: UInt8)? {
        guard rawValue >> 24 == 2 else { return nil }
        return (UInt8(rawValue >> 16 & 0xff), UInt8(rawValue >> 8 & 0xff), UInt8(rawValue & 0xff))
    }

    public var description: String {
        if let index = paletteIndex { return "\(index)" }
        if let (r, g, b) = rgb { return "#" + [r, g, b].map { hex2($0) }.joined() }
        return "default"
    }
}

func hex2(_ value: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(value >> 4)], digits[Int(value & 0xf)]])
}

/// The underline styles of SGR 4:n.
public enum UnderlineStyle: UInt8, Sendable, CaseIterable {
    case none = 0
    case single, double, curly, dotted, dashed
}

/// SGR flags and the cell's shape, packed. Bits 16–31 index the cell's extras (0: none).
public struct CellAttributes: Hashable, Sendable {
    public var rawValue: UInt32

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bold: UInt32 = 1 << 0
    public static let faint: UInt32 = 1 << 1
    public static let italic: UInt32 = 1 << 2
    public static let blink: UInt32 = 1 << 3
    public static let rapidBlink: UInt32 = 1 << 4
    public static let inverse: UInt32 = 1 << 5
    public static let invisible: UInt32 = 1 << 6
    public static let strikethrough: UInt32 = 1 << 7
    public static let overline: UInt32 = 1 << 8
    static let underlineShift: UInt32 = 9  // three bits: UnderlineStyle
    static let underlineMask: UInt32 = 0b111 << 9
    /// The cell holds a wide character; the next cell is its spacer.
    public static let wide: UInt32 = 1 << 12
    /// The right half of a wide character; it holds no content of its own.
    public static let spacer: UInt32 = 1 << 13
    /// DECSCA or SPA protected the cell from selective erasure; not part of SGR.
    public static let protected: UInt32 = 1 << 14
    static let shapeMask: UInt32 = wide | spacer
    static let extrasShift: UInt32 = 16

    @inlinable public func has(_ flag: UInt32) -> Bool { rawValue & flag != 0 }
    @inlinable public mutating func set(_ flag: UInt32, _ on: Bool) {
        rawValue = on ? rawValue | flag : rawValue & ~flag
    }

    public var underline: UnderlineStyle {
        get { UnderlineStyle(rawValue: UInt8((rawValue & Self.underlineMask) >> Self.underlineShift)) ?? .single }
        set { rawValue = rawValue & ~Self.underlineMask | UInt32(newValue.rawValue) << Self.underlineShift }
    }

    /// Index into the terminal's extras table; 0 when the cell has none.
    public var extrasIndex: Int {
        get { Int(rawValue >> Self.extrasShift) }
        set { rawValue = rawValue & 0xffff | UInt32(newValue) << Self.extrasShift }
    }

    /// Everything but the shape bits: what SGR controls.
    var style: UInt32 { rawValue & ~Self.shapeMask }
}

/// A cell of the grid.
///
/// `content` is 0 for a cell never written (or erased), a Unicode scalar value, or, with bit 31
/// set, an index into the terminal's cluster table for a cell holding several scalars.
///
/// The hot paths (printing ASCII, storing plain history lines) reach `content` as the cell's first
/// four bytes; `HistoryStorageTests` checks that layout.
public struct Cell: Hashable, Sendable {
    public var content: UInt32
    public var foreground: Color
    public var background: Color
    public var attributes: CellAttributes

    public static let clusterFlag: UInt32 = 1 << 31

    @inlinable
    public init(
        content: UInt32 = 0, foreground: Color = .default, background: Color = .default,
        attributes: CellAttributes = CellAttributes(rawValue: 0)
    ) {
        self.content = content
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// An empty cell with the default look.
    public static let blank = Cell()

    /// An empty cell carrying `pen`'s background, as erase operations leave it (xterm's BCE).
    static func erased(by pen: Cell) -> Cell {
        Cell(content: 0, foreground: .default, background: pen.background, attributes: CellAttributes(rawValue: 0))
    }

    public var isWide: Bool { attributes.has(CellAttributes.wide) }
    public var isSpacer: Bool { attributes.has(CellAttributes.spacer) }
    public var isCluster: Bool { content & Cell.clusterFlag != 0 }
    /// Whether the cell looks like the default blank: nothing written and no colour.
    public var isDefaultBlank: Bool { self == .blank }

    /// Whether the cell is empty or printable ASCII, in the default look: what a history line can
    /// store as one byte.
    @inline(__always)
    public var isPlain: Bool {
        content < 0x7f && foreground.rawValue | background.rawValue | attributes.rawValue == 0
    }

    /// Two of the cell's words as one 8-byte word as they lie in memory (`first` at the lower
    /// address): the hot paths write a cell with two such stores, content and foreground, then
    /// background and attributes.
    @inline(__always)
    static func wordPair(_ first: UInt32, _ second: UInt32) -> UInt64 {
        #if _endian(little)
            return UInt64(first) | UInt64(second) << 32
        #else
            return UInt64(first) << 32 | UInt64(second)
        #endif
    }

    /// The same look with the given content and shape.
    func with(content: UInt32, shape: UInt32) -> Cell {
        var cell = self
        cell.content = content
        cell.attributes.rawValue = attributes.style | shape
        return cell
    }
}

/// Attributes rare enough to keep out of every cell.
public struct CellExtras: Hashable, Sendable {
    public var underlineColor: Color = .default
    /// Index into the terminal's hyperlink table; 0 when the cell links nowhere.
    public var hyperlink: Int = 0

    public init(underlineColor: Color = .default, hyperlink: Int = 0) {
        self.underlineColor = underlineColor
        self.hyperlink = hyperlink
    }

    public var isEmpty: Bool { underlineColor.isDefault && hyperlink == 0 }
}

/// An OSC 8 hyperlink: its target and the optional `id=` that ties separated cells together.
public struct Hyperlink: Hashable, Sendable {
    public var id: String
    public var uri: String

    public init(id: String, uri: String) {
        self.id = id
        self.uri = uri
    }
}
