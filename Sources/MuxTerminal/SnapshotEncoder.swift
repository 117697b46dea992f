// Writes terminal state as escape sequences: the pieces the snapshot is made of (docs/snapshot.md).
// It tracks the look and link it last emitted, so that unchanged attributes are not re-emitted.

/// An output buffer of escape sequences with the pen it has set.
struct SnapshotEncoder {
    var bytes: [UInt8] = []
    /// The look (colours and SGR flags, no content or shape) and extras last set; nil: unknown.
    private var look: Cell?
    private var lookExtras = CellExtras()
    /// The DECSCA protection last set (the prelude leaves it off); nil: unknown.
    private var protected: Bool? = false
    private var link: Hyperlink?
    /// Whether `link` is what the terminal has (false after something that may have changed it).
    private var linkKnown = false

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    mutating func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func csi(_ body: String) { write("\u{1b}[" + body) }

    mutating func write(scalars: [Unicode.Scalar]) {
        for scalar in scalars { write(scalar: scalar.value) }
    }

    /// Appends one scalar as UTF-8.
    @inline(__always)
    mutating func write(scalar value: UInt32) {
        switch value {
        case 0..<0x80:
            bytes.append(UInt8(value))
        case 0x80..<0x800:
            bytes.append(UInt8(0xc0 | value >> 6))
            bytes.append(UInt8(0x80 | value & 0x3f))
        case 0x800..<0x10000:
            bytes.append(UInt8(0xe0 | value >> 12))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3f))
            bytes.append(UInt8(0x80 | value & 0x3f))
        default:
            bytes.append(UInt8(0xf0 | value >> 18))
            bytes.append(UInt8(0x80 | value >> 12 & 0x3f))
            bytes.append(UInt8(0x80 | value >> 6 & 0x3f))
            bytes.append(UInt8(0x80 | value & 0x3f))
        }
    }

    /// Sets the SGR state to `cell`'s look and `extras`' underline colour, and the DECSCA
    /// protection to the cell's, if they are not already.
    mutating func setLook(_ cell: Cell, extras: CellExtras) {
        var wanted = cell.with(content: 0, shape: 0)
        wanted.attributes.extrasIndex = 0
        let protected = wanted.attributes.has(CellAttributes.protected)
        if protected != self.protected {
            write(protected ? "\u{1b}[1\"q" : "\u{1b}[0\"q")
            self.protected = protected
        }
        wanted.attributes.set(CellAttributes.protected, false)
        let underline = CellExtras(underlineColor: extras.underlineColor)
        if let look, look == wanted, lookExtras == underline { return }
        bytes.append(0x1b)
        bytes.append(0x5b)
        appendSGRParameters(wanted, extras: underline, to: &bytes)
        bytes.append(0x6d)
        look = wanted
        lookExtras = underline
    }

    /// Sets the OSC 8 hyperlink, if it is not already.
    mutating func setLink(_ wanted: Hyperlink?) {
        if linkKnown && wanted == link { return }
        linkKnown = true
        if let wanted {
            let parameters = wanted.id.isEmpty ? "" : "id=\(wanted.id)"
            write("\u{1b}]8;\(parameters);\(wanted.uri)\u{1b}\\")
        } else {
            write("\u{1b}]8;;\u{1b}\\")
        }
        link = wanted
    }

    /// Forgets the pen, after something that may have changed it (DECRC, a reset).
    mutating func forgetPen() {
        look = nil
        linkKnown = false
        protected = nil
    }
}
