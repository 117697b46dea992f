// Writing a cell's look back out as SGR parameters: for DECRQSS replies, `mux render --format
// ansi`, and the snapshot encoder. Uses the forms widespread terminals all read: `38;2;r;g;b` and
// `38;5;i` for colours, `4:n` for underline styles, `58:2::r:g:b` for underline colours.

/// The SGR parameters (without `CSI` and `m`) that set exactly `cell`'s look from a reset pen,
/// starting with `0`.
func sgrParameters(_ cell: Cell, extras: CellExtras) -> String {
    var bytes: [UInt8] = []
    appendSGRParameters(cell, extras: extras, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
}

private let sgrLeadingFlags: [(UInt32, Int)] = [
    (CellAttributes.bold, 1), (CellAttributes.faint, 2), (CellAttributes.italic, 3),
]
private let sgrTrailingFlags: [(UInt32, Int)] = [
    (CellAttributes.blink, 5), (CellAttributes.rapidBlink, 6), (CellAttributes.inverse, 7),
    (CellAttributes.invisible, 8), (CellAttributes.strikethrough, 9), (CellAttributes.overline, 53),
]

/// Appends the SGR parameters of `sgrParameters(_:extras:)` as bytes (the snapshot's hot path).
func appendSGRParameters(_ cell: Cell, extras: CellExtras, to out: inout [UInt8]) {
    func number(_ value: Int) {
        if value >= 100 { out.append(UInt8(48 + value / 100)) }
        if value >= 10 { out.append(UInt8(48 + value / 10 % 10)) }
        out.append(UInt8(48 + value % 10))
    }
    func separator() { out.append(0x3b) }
    func color(_ color: Color, base: Int, brightBase: Int, extended: Int) {
        if let index = color.paletteIndex {
            separator()
            if index < 8 {
                number(base + Int(index))
            } else if index < 16 {
                number(brightBase + Int(index) - 8)
            } else {
                number(extended)
                out.append(contentsOf: [0x3b, 0x35, 0x3b])  // ;5;
                number(Int(index))
            }
        } else if let (r, g, b) = color.rgb {
            separator()
            number(extended)
            out.append(0x3b)
            out.append(0x32)  // ;2
            separator()
            number(Int(r))
            separator()
            number(Int(g))
            separator()
            number(Int(b))
        }
    }
    out.append(0x30)  // 0
    let attributes = cell.attributes
    for (flag, code) in sgrLeadingFlags where attributes.has(flag) {
        separator()
        number(code)
    }
    switch attributes.underline {
    case .none: break
    case .single:
        separator()
        number(4)
    case let style:
        separator()
        out.append(contentsOf: [0x34, 0x3a])  // 4:
        number(Int(style.rawValue))
    }
    for (flag, code) in sgrTrailingFlags where attributes.has(flag) {
        separator()
        number(code)
    }
    color(cell.foreground, base: 30, brightBase: 90, extended: 38)
    color(cell.background, base: 40, brightBase: 100, extended: 48)
    if let index = extras.underlineColor.paletteIndex {
        separator()
        out.append(contentsOf: Array("58:5:".utf8))
        number(Int(index))
    } else if let (r, g, b) = extras.underlineColor.rgb {
        separator()
        out.append(contentsOf: Array("58:2::".utf8))
        number(Int(r))
        out.append(0x3a)
        number(Int(g))
        out.append(0x3a)
        number(Int(b))
    }
}

/// The SGR parameters DECRQSS reports for `cell`'s look, in xterm's order (bold, faint,
/// underline, blink, inverse, invisible, italic, crossed-out, double underline; then colours, the
/// extended ones in the colon form xterm answers with). Attributes xterm lacks (other underline
/// styles, rapid blink, overline, underline colour) follow in mux's own forms.
func reportedSGRParameters(_ cell: Cell, extras: CellExtras) -> String {
    let attributes = cell.attributes
    var parts = ["0"]
    if attributes.has(CellAttributes.bold) { parts.append("1") }
    if attributes.has(CellAttributes.faint) { parts.append("2") }
    switch attributes.underline {
    case .none, .double: break
    case .single: parts.append("4")
    case let style: parts.append("4:\(style.rawValue)")
    }
    if attributes.has(CellAttributes.blink) { parts.append("5") }
    if attributes.has(CellAttributes.rapidBlink) { parts.append("6") }
    if attributes.has(CellAttributes.inverse) { parts.append("7") }
    if attributes.has(CellAttributes.invisible) { parts.append("8") }
    if attributes.has(CellAttributes.italic) { parts.append("3") }
    if attributes.has(CellAttributes.strikethrough) { parts.append("9") }
    if attributes.underline == .double { parts.append("21") }
    if attributes.has(CellAttributes.overline) { parts.append("53") }
    func color(_ color: Color, base: Int, bright: Int, extended: Int) {
        if let index = color.paletteIndex {
            if index < 8 {
                parts.append("\(base + Int(index))")
            } else if index < 16 {
                parts.append("\(bright + Int(index) - 8)")
            } else {
                parts.append("\(extended):5:\(index)")
            }
        } else if let (r, g, b) = color.rgb {
            parts.append("\(extended):2::\(r):\(g):\(b)")
        }
    }
    color(cell.foreground, base: 30, bright: 90, extended: 38)
    color(cell.background, base: 40, bright: 100, extended: 48)
    if let index = extras.underlineColor.paletteIndex {
        parts.append("58:5:\(index)")
    } else if let (r, g, b) = extras.underlineColor.rgb {
        parts.append("58:2::\(r):\(g):\(b)")
    }
    return parts.joined(separator: ";")
}
