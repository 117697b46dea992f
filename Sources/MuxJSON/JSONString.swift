// JSON text for what mux prints: string literals, escaped as RFC 8259 asks. Its own module so
// that the emulator (`mux render`, `mux capture`) and the command line (`--json` listings) share
// it without the command line importing the emulator.

/// `text` as a JSON string literal.
public func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": result += "\\\""
        case "\\": result += "\\\\"
        case "\n": result += "\\n"
        case "\r": result += "\\r"
        case "\t": result += "\\t"
        case _ where scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value):
            let hex = String(scalar.value, radix: 16)
            result += "\\u00" + (hex.count == 1 ? "0" : "") + hex
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result + "\""
}
