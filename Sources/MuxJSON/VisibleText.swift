// Text a program chose (a title, a command line, a directory), made safe to print to a terminal:
// every control character shown as `\xNN` instead of acting. `mux ls`, `mux status` and the
// attached client's status line print what a session's program set through it.

/// `text` with every C0 control, DEL and C1 control (U+0080–U+009F) written `\xNN`, so that
/// printing it cannot move the cursor, change colours or start an escape sequence.
public func visibleText(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
        if isControl(scalar) {
            let hex = String(scalar.value, radix: 16)
            result += "\\x" + (hex.count == 1 ? "0" : "") + hex
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value)
}
