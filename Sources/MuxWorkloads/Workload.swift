// Deterministic byte streams that look like what real programs write, for benchmarks and stress
// tests: the same seed and size always give the same bytes.

/// A kind of terminal output to measure.
public enum Workload: String, CaseIterable, Sendable {
    /// Lines of ASCII prose, as `cat` of a log file writes.
    case plain
    /// Short words each in a new SGR colour, truecolor and 256-colour, as coloured compilers write.
    case sgr
    /// CJK text mixed with emoji.
    case cjk
    /// Very long lines without newlines, wrapping many times.
    case longLines
    /// `\r` progress bars redrawing one line.
    case progress
    /// Full-screen redraws with cursor motion, as editors and `top` write.
    case redraw
    /// Scrolling inside a scroll region, as pagers and chat clients write.
    case scrollRegion

    /// About `size` bytes of this workload (ending on a character boundary).
    public func generate(size: Int, seed: UInt64 = 1) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var out: [UInt8] = []
        out.reserveCapacity(size + 256)
        while out.count < size { appendChunk(to: &out, random: &random) }
        return out
    }

    private func appendChunk(to out: inout [UInt8], random: inout SplitMix64) {
        switch self {
        case .plain:
            appendWords(to: &out, random: &random, count: 8 + random.next(below: 8))
            out += [0x0d, 0x0a]
        case .sgr:
            for _ in 0..<6 {
                switch random.next(below: 3) {
                case 0:
                    out += Array(
                        "\u{1b}[38;2;\(random.next(below: 256));\(random.next(below: 256));\(random.next(below: 256))m"
                            .utf8)
                case 1: out += Array("\u{1b}[1;38;5;\(random.next(below: 256))m".utf8)
                default: out += Array("\u{1b}[\(31 + random.next(below: 7));4\(random.next(below: 8))m".utf8)
                }
                appendWords(to: &out, random: &random, count: 1 + random.next(below: 2))
            }
            out += Array("\u{1b}[0m\r\n".utf8)
        case .cjk:
            let pieces = ["漢字", "かな", "カタカナ", "한국어", "中文字符", "😀", "🎉", "👍🏽", "テスト", "日本語の文章"]
            for _ in 0..<8 {
                out += Array(pieces[random.next(below: pieces.count)].utf8)
                if random.next(below: 3) == 0 { out.append(0x20) }
            }
            out += [0x0d, 0x0a]
        case .longLines:
            appendWords(to: &out, random: &random, count: 400)
        case .progress:
            let percent = random.next(below: 101)
            let bar = String(repeating: "#", count: percent / 2) + String(repeating: ".", count: 50 - percent / 2)
            out += Array("\r[\(bar)] \(percent)% eta \(random.next(below: 100))s".utf8)
            if random.next(below: 50) == 0 { out += [0x0d, 0x0a] }
        case .redraw:
            out += Array("\u{1b}[H".utf8)
            for row in 1...24 {
                out += Array("\u{1b}[\(row);1H\u{1b}[\(random.next(below: 2) == 0 ? "7" : "0")m".utf8)
                appendWords(to: &out, random: &random, count: 6)
                out += Array("\u{1b}[K".utf8)
            }
        case .scrollRegion:
            out += Array("\u{1b}[2;23r\u{1b}[23;1H".utf8)
            for _ in 0..<20 {
                out += [0x0a]
                appendWords(to: &out, random: &random, count: 6)
            }
            out += Array("\u{1b}[r\u{1b}[24;1H\u{1b}[7mstatus line\u{1b}[0m".utf8)
        }
    }

    private static let words = [
        "the", "terminal", "server", "keeps", "an", "exact", "state", "of", "every", "session", "while",
        "clients", "attach", "and", "detach", "output", "flows", "through", "a", "ring", "buffer", "with",
        "offsets", "that", "only", "grow", "error:", "warning:", "compiling", "module", "0x7f3a", "42",
    ]

    private func appendWords(to out: inout [UInt8], random: inout SplitMix64, count: Int) {
        for index in 0..<count {
            if index > 0 { out.append(0x20) }
            out += Array(Self.words[random.next(below: Self.words.count)].utf8)
        }
    }
}

/// A small, fast, seedable generator (SplitMix64), so workloads are reproducible everywhere.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
