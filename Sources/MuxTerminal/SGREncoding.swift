// Writing a cell's look back out as SGR parameters: for DECRQSS replies, `mux render --format
// ansi`, and the snapshot encoder. Uses the forms widespread terminals all read: `38;2;r;g;b` and
// `38;5;i` for colours, `4:n` for underline styles, `58:2::r:g:b` for underline colours.

/// The SGR parameters (without `CSI` and `m`) that set exactly `cell`'s look from a reset pen,
/// starting with `0`.
func sgrParameters(_ cell: Cell, extras: CellExtras) -> String {
    var parts = ["0"]
    let attributes = cell.attributes
    if attributes.has(CellAttributes.bold) { parts.append("1") }
    if attributes.has(CellAttributes.faint) { parts.append("2") }
    if attributes.has(CellAttributes.italic) { parts.append("3") }
    switch attributes.underline {
    case .none: break
    case .single: parts.append("4")
    case let style: parts.append("4:\(style.rawValue)")
    }
    if attributes.has(CellAttributes.blink) { parts.append("5") }
    if attributes.has(CellAttributes.rapidBlink) { parts.append("6") }
    if attributes.has(CellAttributes.inverse) { parts.append("7") }
    if attributes.has(CellAttributes.invisible) { parts.append("8") }
    if attributes.has(CellAttributes.strikethrough) { parts.append("9") }
    if attributes.has(CellAttributes.overline) { parts.append("53") }
    if let color = colorParameters(cell.foreground, base: 30, brightBase: 90, extended: 38) { parts.append(color) }
    if let color = colorParameters(cell.background, base: 40, brightBase: 100, extended: 48) { parts.append(color) }
    if let index = extras.underlineColor.paletteIndex {
        parts.append("58:5:\(index)")
    } else if let (r, g, b) = extras.underlineColor.rgb {
        parts.append("58:2::\(r):\(g):\(b)")
    }
    return parts.joined(separator: ";")
}

private func colorParameters(_ color: Color, base: Int, brightBase: Int, extended: Int) -> String? {
    if let index = color.paletteIndex {
        if index < 8 { return "\(base + Int(index))" }
        if index < 16 { return "\(brightBase + Int(index) - 8)" }
        return "\(extended);5;\(index)"
    }
    if let (r, g, b) = color.rgb { return "\(extended);2;\(r);\(g);\(b)" }
    return nil
}
