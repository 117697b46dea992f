// Seeded random streams of realistic terminal output: text in several scripts, SGR, cursor motion,
// margins, modes, the alternate screen, tabs, saved cursors, charsets, titles and links. Used to
// drive property tests; the same seed always gives the same bytes.

/// A generator of random but plausible output, one piece at a time.
public struct RandomStream: Sendable {
    private var random: SplitMix64
    /// Whether REP (`CSI n b`) and single shifts (SS2, SS3) may appear: they act on state no
    /// snapshot can set, the last character printed and a pending shift (docs/snapshot.md).
    public var includesRepeatAndSingleShifts = true

    public init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    /// About `length` bytes of output.
    public mutating func bytes(length: Int) -> [UInt8] {
        var out: [UInt8] = []
        while out.count < length { out += Array(piece().utf8) }
        return out
    }

    private mutating func pick<T>(_ options: [T]) -> T { options[random.next(below: options.count)] }
    private mutating func number(_ limit: Int) -> Int { random.next(below: limit) }

    /// One plausible piece of output.
    public mutating func piece() -> String {
        let e = "\u{1b}"
        switch number(24) {
        case 0...5:
            return pick(["hello", "world ", "The quick brown fox", "ls -la", "x", "  ", "0123456789"])
        case 6: return pick(["中文", "日本語", "한국어", "😀", "👍🏽", "🇫🇷", "❤\u{FE0F}", "e\u{301}", "👨‍👩‍👧", "ｱｲｳ"])
        case 7: return pick(["\r\n", "\n", "\r", "\t", "\u{8}", "\u{7}"])
        case 8:
            return
                "\(e)[\(pick(["0", "1", "3", "4:3", "7", "9", "22", "31", "42", "38;5;\(number(256))", "48;2;\(number(256));\(number(256));\(number(256))", "58:2::1:2:3", "53"]))m"
        case 9: return "\(e)[\(number(30) + 1);\(number(90) + 1)H"
        case 10: return "\(e)[\(number(5))\(pick(["A", "B", "C", "D", "E", "F", "G", "d", "a", "e", "`", "I", "Z"]))"
        case 11:
            let finals =
                includesRepeatAndSingleShifts
                ? ["J", "K", "X", "@", "P", "L", "M", "S", "T", "b"] : ["J", "K", "X", "@", "P", "L", "M", "S", "T"]
            return "\(e)[\(number(4))\(pick(finals))"
        case 12: return "\(e)[\(number(12) + 1);\(number(30) + 1)r"
        case 13:
            return
                "\(e)[?\(pick(["1", "6", "7", "25", "47", "1047", "1049", "2004", "1000", "1006", "12", "5"]))\(pick(["h", "l"]))"
        case 14: return "\(e)[\(pick(["4", "20"]))\(pick(["h", "l"]))"
        case 15:
            return pick(["\(e)7", "\(e)8", "\(e)[s", "\(e)[u", "\(e)D", "\(e)M", "\(e)E", "\(e)H", "\(e)[g", "\(e)[3g"])
        case 16:
            let shifts = includesRepeatAndSingleShifts ? ["\(e)N"] : []
            return pick(["\(e)(0", "\(e)(B", "\(e))0", "\u{e}", "\u{f}", "\(e)(A", "\(e)*0", "lqqk"] + shifts)
        case 17: return "\(e)]\(pick(["0", "2"]));title \(number(100))\(pick(["\u{7}", "\(e)\\"]))"
        case 18: return "\(e)]8;\(pick(["", "id=a"]));\(pick(["http://a", ""]))\u{7}"
        case 19: return "\(e)[\(number(4)) q"
        case 20: return pick(["\(e)[!p", "\(e)[?5W", "\(e)[22t", "\(e)[23t", "\(e)#8", "\(e)=", "\(e)>"])
        case 21: return String(repeating: pick(["a", "中", "-"]), count: number(120))
        case 22: return pick(["\(e)[6n", "\(e)[c", "\(e)[?25$p", "\(e)P$qm\(e)\\", "\(e)]11;?\u{7}"])
        default: return pick(["\u{FFFD}", "\u{18}", "\(e)[31", "\(e)", "\u{1a}"])
        }
    }
}
