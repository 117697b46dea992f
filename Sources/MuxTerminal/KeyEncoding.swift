// Keys by name, as `mux send --key` types them: the bytes a terminal in xterm's default
// configuration sends, following the modes the program set (DECCKM for the cursor keys and
// Home/End, DECKPAM is irrelevant for the keys named here).

extension Terminal {
    /// Whether `name` names a key (`mux send` types such a word as that key, tmux-style).
    public static func isKeyName(_ name: String) -> Bool {
        Terminal(columns: 1, rows: 1, scrollbackLimit: 0).keyBytes(named: name) != nil
    }

    /// The bytes SEND writes for `text`: bracketed (`ESC[200~` … `ESC[201~`) when the program
    /// enabled bracketed paste and the text is a paste rather than typing, that is, it holds a
    /// line break before its last character or is longer than `pasteThreshold` bytes. A single
    /// line with or without its line break is typed as is, so `mux send NAME $'make\n'` still
    /// runs the command. The end marker is removed from the text, as xterm does, so the paste
    /// cannot end early.
    public func sendBytes(text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        guard modes.bracketedPaste, Self.isPaste(bytes) else { return bytes }
        let end: [UInt8] = Array("\u{1b}[201~".utf8)
        var body: [UInt8] = []
        body.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x1b, bytes[index...].starts(with: end) {
                index += end.count
                continue
            }
            body.append(bytes[index])
            index += 1
        }
        return Array("\u{1b}[200~".utf8) + body + end
    }

    /// Text longer than this many bytes is pasted, not typed.
    public static let pasteThreshold = 256

    static func isPaste(_ bytes: [UInt8]) -> Bool {
        if bytes.count > pasteThreshold { return true }
        guard let last = bytes.indices.last else { return false }
        return bytes[..<last].contains { $0 == 0x0a || $0 == 0x0d }
    }

    /// The bytes for key `name` in the current modes, or nil for a name we do not know.
    ///
    /// Names: `Enter`, `Tab`, `BTab`, `Escape`, `Space`, `BSpace`, `Up`, `Down`, `Left`, `Right`,
    /// `Home`, `End`, `PageUp`, `PageDown`, `Insert`, `Delete`, `F1`–`F12`; `C-x` for a control
    /// character (`C-a`…`C-z`, `C-@`, `C-[`, `C-\`, `C-]`, `C-^`, `C-_`, `C-Space`, `C-?`);
    /// `M-` before any of these, or before a printable character, sends ESC first. Case is ignored except in the single character
    /// after `C-` / `M-`.
    public func keyBytes(named name: String) -> [UInt8]? {
        if name.count > 2, name.hasPrefix("M-") || name.hasPrefix("m-") {
            guard let rest = keyBytes(named: String(name.dropFirst(2))) else { return nil }
            return [0x1b] + rest
        }
        if name.count > 2, name.hasPrefix("C-") || name.hasPrefix("c-") {
            let rest = name.dropFirst(2)
            if rest.lowercased() == "space" { return [0] }
            guard rest.count == 1, let scalar = rest.unicodeScalars.first, scalar.isASCII else { return nil }
            let value = UInt8(scalar.value)
            switch value {
            case 0x61...0x7a: return [value - 0x60]
            case 0x40...0x5f: return [value - 0x40]
            case 0x3f: return [0x7f]
            default: return nil
            }
        }
        if name.unicodeScalars.count == 1, let scalar = name.unicodeScalars.first, (0x21...0x7e).contains(scalar.value)
        {
            return [UInt8(scalar.value)]  // a printable character stands for itself (so `M-x` works)
        }
        let cursor: UInt8 = modes.applicationCursorKeys ? 0x4f : 0x5b  // SS3 or CSI
        switch name.lowercased() {
        case "enter": return modes.linefeedNewline ? [0x0d, 0x0a] : [0x0d]
        case "tab": return [0x09]
        case "btab": return Array("\u{1b}[Z".utf8)
        case "escape", "esc": return [0x1b]
        case "space": return [0x20]
        case "bspace", "backspace": return [0x7f]
        case "up": return [0x1b, cursor, 0x41]
        case "down": return [0x1b, cursor, 0x42]
        case "right": return [0x1b, cursor, 0x43]
        case "left": return [0x1b, cursor, 0x44]
        case "home": return [0x1b, cursor, 0x48]
        case "end": return [0x1b, cursor, 0x46]
        case "pageup", "ppage": return Array("\u{1b}[5~".utf8)
        case "pagedown", "npage": return Array("\u{1b}[6~".utf8)
        case "insert", "ic": return Array("\u{1b}[2~".utf8)
        case "delete", "dc": return Array("\u{1b}[3~".utf8)
        case "f1": return Array("\u{1b}OP".utf8)
        case "f2": return Array("\u{1b}OQ".utf8)
        case "f3": return Array("\u{1b}OR".utf8)
        case "f4": return Array("\u{1b}OS".utf8)
        default:
            let functionKeys = ["f5": 15, "f6": 17, "f7": 18, "f8": 19, "f9": 20, "f10": 21, "f11": 23, "f12": 24]
            guard let number = functionKeys[name.lowercased()] else { return nil }
            return Array("\u{1b}[\(number)~".utf8)
        }
    }
}
