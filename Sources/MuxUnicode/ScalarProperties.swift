// What the emulator needs to know of a scalar to place it: its width and its grapheme-break class.
// Scalars of the first two planes (the Basic Multilingual Plane, and plane 1 with the emoji) are
// looked up in a table built once from utf8proc (128 KiB), because this runs for every non-ASCII
// character printed; the rest ask utf8proc each time.

import CUtf8proc

/// A scalar's cell width and grapheme-cluster break class.
public struct ScalarProperties: Sendable {
    /// UAX #29 grapheme-break classes, as far as the emulator distinguishes them.
    public enum BreakClass: UInt8, Sendable {
        case other, control, extend, zwj, spacingMark, prepend, regionalIndicator
        case hangulL, hangulV, hangulT, hangulLV, hangulLVT, extendedPictographic
    }

    /// The cells the scalar takes when it begins a cell: 0, 1 or 2 (see `CharacterWidth`).
    public let width: Int
    public let breakClass: BreakClass

    @inlinable
    public init(_ scalar: Unicode.Scalar) {
        let value = scalar.value
        self.init(
            packed: value < tableLimit ? propertyTable.withUnsafeBufferPointer { $0[Int(value)] } : Self.pack(value))
    }

    @inlinable
    init(packed: UInt8) {
        width = Int(packed & 0b11)
        // The enum's raw values are its cases' order from 0, so the raw value is the
        // representation; checked against the last case instead of calling `init(rawValue:)`,
        // which is not inlined and costs a call per character printed.
        let raw = packed >> 2
        breakClass =
            raw <= BreakClass.extendedPictographic.rawValue ? unsafeBitCast(raw, to: BreakClass.self) : .other
    }

    /// Runs `body` with the packed table of planes 0 and 1 (width in bits 0–1, break class above;
    /// see `init(packed:)`) and a mask per break class of the classes that join it (bit n for
    /// raw value n, as `joins` says), for loops that place many scalars.
    @inlinable
    public static func withTables<R>(
        _ body: (_ packed: UnsafeBufferPointer<UInt8>, _ joinMasks: UnsafeBufferPointer<UInt16>) -> R
    ) -> R {
        propertyTable.withUnsafeBufferPointer { packed in
            joinMaskTable.withUnsafeBufferPointer { masks in body(packed, masks) }
        }
    }

    /// The packed properties of any scalar value (the table's entry for planes 0 and 1).
    @inlinable @inline(__always)
    public static func packed(_ value: UInt32, table: UnsafeBufferPointer<UInt8>) -> UInt8 {
        value < tableLimit ? table[Int(value)] : pack(value)
    }

    /// Whether `next` continues the cluster begun by the single scalar `previous` (UAX #29 rules
    /// GB6–GB9b and GB12 for a one-scalar cluster; longer clusters need `GraphemeBreaker`).
    @inlinable
    public static func joins(_ previous: BreakClass, _ next: BreakClass) -> Bool {
        switch (previous, next) {
        case (.control, _), (_, .control): return false
        case (_, .extend), (_, .zwj), (_, .spacingMark): return true
        case (.prepend, _): return true
        case (.hangulL, .hangulL), (.hangulL, .hangulV), (.hangulL, .hangulLV), (.hangulL, .hangulLVT): return true
        case (.hangulLV, .hangulV), (.hangulLV, .hangulT), (.hangulV, .hangulV), (.hangulV, .hangulT): return true
        case (.hangulLVT, .hangulT), (.hangulT, .hangulT): return true
        case (.regionalIndicator, .regionalIndicator): return true
        default: return false
        }
    }

    /// Width in bits 0–1, break class above.
    @usableFromInline
    static func pack(_ value: UInt32) -> UInt8 {
        let property = utf8proc_get_property(Int32(bitPattern: value)).pointee
        let width: UInt8
        if value < 0x20 || (value >= 0x7f && value < 0xa0) {
            width = 0
        } else if value >= 0x1fa70 && value <= 0x1faff {
            // Symbols and Pictographs Extended-A: every assigned code point is an emoji with emoji
            // presentation, and Unicode 16 added several (U+1FA89, ...) unknown to utf8proc 2.8.
            width = 2
        } else if property.category == UTF8PROC_CATEGORY_MN.rawValue
            || property.category == UTF8PROC_CATEGORY_ME.rawValue
        {
            width = 0
        } else {
            width = UInt8(property.charwidth)
        }
        let breakClass: BreakClass
        switch Int32(property.boundclass) {
        case Int32(UTF8PROC_BOUNDCLASS_CR.rawValue), Int32(UTF8PROC_BOUNDCLASS_LF.rawValue),
            Int32(UTF8PROC_BOUNDCLASS_CONTROL.rawValue):
            breakClass = .control
        case Int32(UTF8PROC_BOUNDCLASS_EXTEND.rawValue): breakClass = .extend
        case Int32(UTF8PROC_BOUNDCLASS_ZWJ.rawValue): breakClass = .zwj
        case Int32(UTF8PROC_BOUNDCLASS_SPACINGMARK.rawValue): breakClass = .spacingMark
        case Int32(UTF8PROC_BOUNDCLASS_PREPEND.rawValue): breakClass = .prepend
        case Int32(UTF8PROC_BOUNDCLASS_REGIONAL_INDICATOR.rawValue): breakClass = .regionalIndicator
        case Int32(UTF8PROC_BOUNDCLASS_L.rawValue): breakClass = .hangulL
        case Int32(UTF8PROC_BOUNDCLASS_V.rawValue): breakClass = .hangulV
        case Int32(UTF8PROC_BOUNDCLASS_T.rawValue): breakClass = .hangulT
        case Int32(UTF8PROC_BOUNDCLASS_LV.rawValue): breakClass = .hangulLV
        case Int32(UTF8PROC_BOUNDCLASS_LVT.rawValue): breakClass = .hangulLVT
        case Int32(UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC.rawValue): breakClass = .extendedPictographic
        default: breakClass = .other
        }
        return width | breakClass.rawValue << 2
    }
}

/// Packed properties of every scalar of planes 0 and 1 (surrogates read as unassigned).
@usableFromInline
let propertyTable: [UInt8] = (0..<tableLimit).map { ScalarProperties.pack($0) }

@usableFromInline
let tableLimit: UInt32 = 0x20000

/// For each break class (by raw value), the classes that join a one-scalar cluster of it.
@usableFromInline
let joinMaskTable: [UInt16] = (0...ScalarProperties.BreakClass.extendedPictographic.rawValue).map { previous in
    var mask: UInt16 = 0
    for next in 0...ScalarProperties.BreakClass.extendedPictographic.rawValue {
        let a = ScalarProperties.BreakClass(rawValue: previous)!
        let b = ScalarProperties.BreakClass(rawValue: next)!
        if ScalarProperties.joins(a, b) { mask |= 1 << next }
    }
    return mask
}
