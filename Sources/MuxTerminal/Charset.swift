// Character sets designated into G0–G3 (ECMA-35 / VT100 SCS): ASCII, DEC Special Graphics (line
// drawing) and the UK national set. Only printable ASCII is translated; everything else passes.

/// A 94-character set a program can designate with `ESC ( F` and friends.
public enum Charset: UInt8, Hashable, Sendable {
    case ascii, decSpecialGraphics, british

    /// The set a designator's final byte names; nil for sets we do not implement (they leave the
    /// designation unchanged, as xterm does for unknown ones).
    init?(designator: UInt8) {
        switch designator {
        case UInt8(ascii: "B"): self = .ascii
        case UInt8(ascii: "0"): self = .decSpecialGraphics
        case UInt8(ascii: "A"): self = .british
        default: return nil
        }
    }

    /// The final byte that designates this set.
    public var designator: Character {
        switch self {
        case .ascii: "B"
        case .decSpecialGraphics: "0"
        case .british: "A"
        }
    }

    /// The character `byte` (0x20–0x7E) stands for in this set.
    @inline(__always)
    func map(_ byte: UInt8) -> UInt32 {
        switch self {
        case .ascii: return UInt32(byte)
        case .british: return byte == 0x23 ? 0xa3 : UInt32(byte)  // # is £
        case .decSpecialGraphics:
            guard byte >= 0x5f && byte <= 0x7e else { return UInt32(byte) }
            return Self.specialGraphics[Int(byte - 0x5f)]
        }
    }

    /// DEC Special Graphics for 0x5F–0x7E.
    static let specialGraphics: [UInt32] = [
        0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,  // _ ` a b c d e f
        0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,  // g h i j k l m n
        0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,  // o p q r s t u v
        0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,  // w x y z { | } ~
    ]
}

/// G0–G3, which of them is invoked into GL (SI, SO, LS2, LS3), and a pending single shift.
public struct CharsetState: Hashable, Sendable {
    public var g0 = Charset.ascii
    public var g1 = Charset.ascii
    public var g2 = Charset.ascii
    public var g3 = Charset.ascii
    /// 0–3: the set invoked into GL.
    public var gl = 0
    /// 2 or 3 after SS2 or SS3, for the next printed character only.
    public var singleShift = 0

    public init() {}

    public subscript(slot: Int) -> Charset {
        get {
            switch slot {
            case 0: g0
            case 1: g1
            case 2: g2
            default: g3
            }
        }
        set {
            switch slot {
            case 0: g0 = newValue
            case 1: g1 = newValue
            case 2: g2 = newValue
            default: g3 = newValue
            }
        }
    }

    /// Whether printable ASCII prints as itself (the fast path).
    @inline(__always)
    var isPlainASCII: Bool { singleShift == 0 && (gl == 0 ? g0 : self[gl]) == .ascii }
}
