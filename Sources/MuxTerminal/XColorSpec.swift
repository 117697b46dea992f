// Colour specifications as X11's XParseColor reads them, for OSC 4, 5 and 10–19: `#rgb` to
// `#rrrrggggbbbb` (the digits are the high bits, as X scales them), `rgb:r/g/b` (1–4 hex digits,
// scaled to the full range), `rgbi:`, the CIE spaces (`CIEXYZ:`, `CIEuvY:`, `CIExyY:`, `CIELab:`,
// `CIELuv:`), Tektronix's `TekHVC:` (converted as Xlib's Xcms does, TekHVC.c) and the names of
// X11's colour database. Deliberate difference: X converts the device-independent forms through
// the screen's colour characterization (Xcms) and its white point; with none to ask, mux treats
// intensities as linear sRGB with a D65 white, so `rgbi:`, the CIE forms and `TekHVC:` can differ
// from a given X server's by its gamma and white.

import Glibc

/// Parses an X11 colour specification; nil when X would not accept it.
func parseXColor(_ spec: Substring) -> Color? {
    if spec.hasPrefix("#") { return parseSharpColor(spec.dropFirst()) }
    guard let colon = spec.firstIndex(of: ":") else {
        return XColorNames.lookUp(spec).map { Color.rgb($0.0, $0.1, $0.2) }
    }
    let space = spec[..<colon].lowercased()
    let fields = spec[spec.index(after: colon)...].split(separator: "/", omittingEmptySubsequences: false)
    guard fields.count == 3 else { return nil }
    if space == "rgb" {
        guard let r = scaledHex(fields[0]), let g = scaledHex(fields[1]), let b = scaledHex(fields[2]) else {
            return nil
        }
        return .rgb(r, g, b)
    }
    let numbers = fields.compactMap { Double($0) }
    guard numbers.count == 3, numbers.allSatisfy(\.isFinite) else { return nil }
    let (a, b, c) = (numbers[0], numbers[1], numbers[2])
    switch space {
    case "rgbi":
        guard [a, b, c].allSatisfy({ (0...1).contains($0) }) else { return nil }
        return intensityColor(a, b, c)
    case "ciexyz": return xyzColor(a, b, c)
    case "ciexyy":
        guard b > 0 else { return nil }
        return xyzColor(a * c / b, c, (1 - a - b) * c / b)
    case "cieuvy": return uvYColor(a, b, c)
    case "tekhvc":
        // X refuses a value outside 0–100 or a negative chroma; the hue goes round.
        guard (0...100).contains(b), c >= 0 else { return nil }
        let (u, v, y) = tekHVCToUVY(hue: a, value: b, chroma: c, whiteU: d65White.u, whiteV: d65White.v)
        return uvYColor(u, v, y)
    case "cielab":
        let fy = (a + 16) / 116
        func inverse(_ t: Double) -> Double { t > 6.0 / 29 ? t * t * t : 3 * (6.0 / 29) * (6.0 / 29) * (t - 4.0 / 29) }
        return xyzColor(0.95047 * inverse(fy + b / 500), inverse(fy), 1.08883 * inverse(fy - c / 200))
    case "cieluv":
        guard a > 0 else { return xyzColor(0, 0, 0) }
        let (un, vn) = d65White
        let u = b / (13 * a) + un
        let v = c / (13 * a) + vn
        let y = a > 8 ? pow3((a + 16) / 116) : a / 903.3
        guard v > 0 else { return nil }
        return xyzColor(y * 9 * u / (4 * v), y, y * (12 - 3 * u - 20 * v) / (4 * v))
    default:
        return nil
    }
}

private func pow3(_ value: Double) -> Double { value * value * value }

/// The D65 white point, u′ and v′.
private let d65White = (u: 0.19784, v: 0.46834)

private func uvYColor(_ u: Double, _ v: Double, _ luminance: Double) -> Color? {
    let d = 6 * u - 16 * v + 12
    guard d != 0 else { return nil }
    let (x, y) = (9 * u / d, 4 * v / d)
    guard y > 0 else { return nil }
    return xyzColor(x * luminance / y, luminance, (1 - x - y) * luminance / y)
}

/// Tektronix HVC to CIE u′v′Y as Xlib's Xcms does it (TekHVC.c): the value is CIE L*; hue and
/// chroma are polar coordinates around the white point in the u′v′ plane, the chroma scaled by
/// 7.50725 times the value, the hue counted from the direction of Tektronix's "best red" (u′
/// 0.7127, v′ 0.4931) as seen from the white point. Checked against Xcms's own conversion with
/// its white (`XcmsConvertColors`, Xvfb's default characterization).
func tekHVCToUVY(
    hue: Double, value: Double, chroma: Double, whiteU: Double, whiteV: Double
) -> (u: Double, v: Double, y: Double) {
    guard value > 0 else { return (whiteU, whiteV, 0) }
    let y = value <= 8 ? value / 903.29 : pow3((value + 16) / 116)
    let angle = hue * Double.pi / 180 + atan2(0.4931 - whiteV, 0.7127 - whiteU)
    let radius = chroma / (value * 7.50725)
    return (whiteU + radius * cos(angle), whiteV + radius * sin(angle), y)
}

/// `#` followed by 3, 6, 9 or 12 hex digits: each component's digits are its high bits.
private func parseSharpColor(_ digits: Substring) -> Color? {
    guard [3, 6, 9, 12].contains(digits.count), digits.allSatisfy(\.isHexDigit) else { return nil }
    let width = digits.count / 3
    var components: [UInt8] = []
    var start = digits.startIndex
    for _ in 0..<3 {
        let end = digits.index(start, offsetBy: width)
        guard let value = UInt32(digits[start..<end], radix: 16) else { return nil }
        // Shift to 16 bits (the digits are the high bits), then keep the top 8.
        components.append(UInt8((value << (16 - 4 * UInt32(width))) >> 8))
        start = end
    }
    return .rgb(components[0], components[1], components[2])
}

/// One `rgb:` component: 1–4 hex digits scaled to the full range.
private func scaledHex(_ digits: Substring) -> UInt8? {
    guard (1...4).contains(digits.count), let value = UInt32(digits, radix: 16) else { return nil }
    let maximum = (UInt32(1) << (4 * UInt32(digits.count))) - 1
    let sixteen = value * 0xffff / maximum
    return UInt8(sixteen >> 8)
}

private func intensityColor(_ r: Double, _ g: Double, _ b: Double) -> Color {
    func byte(_ v: Double) -> UInt8 { UInt8((min(max(v, 0), 1) * 255).rounded()) }
    return .rgb(byte(r), byte(g), byte(b))
}

/// CIE XYZ (D65) to linear sRGB intensities.
private func xyzColor(_ x: Double, _ y: Double, _ z: Double) -> Color {
    intensityColor(
        3.2406 * x - 1.5372 * y - 0.4986 * z, -0.9689 * x + 1.8758 * y + 0.0415 * z,
        0.0557 * x - 0.2040 * y + 1.0570 * z)
}
