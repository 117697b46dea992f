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
    /// A coding agent's TUI: every frame redraws the whole 80x24 screen inside a synchronized
    /// update (mode 2026), with a spinner, truecolor, box drawing and the cursor put back in its
    /// input box, as agents do many times a second.
    case agent

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
        case .agent:
            appendAgentFrame(to: &out, random: &random)
        }
    }

    private static let spinner = ["·", "✢", "✳", "✶", "✻", "✽"]

    private func appendAgentFrame(to out: inout [UInt8], random: inout SplitMix64) {
        let e = "\u{1b}"
        var frame = "\(e)[?2026h\(e)[?25l\(e)[H"
        let glyph = Self.spinner[random.next(below: Self.spinner.count)]
        frame += "\(e)[1;38;2;215;119;87m\(glyph) Working\u{2026} \(e)[0;2m(\(random.next(below: 600))s · "
        frame += "\(random.next(below: 90_000)) tokens · esc to interrupt)\(e)[0m\(e)[K\r\n"
        for _ in 2...20 {
            let tint = 120 + random.next(below: 136)
            frame += "\(e)[38;2;\(tint);\(tint);255m\u{25cf} \(e)[0m"
            out += Array(frame.utf8)
            frame = ""
            appendWords(to: &out, random: &random, count: 5 + random.next(below: 6))
            frame += "\(e)[K\r\n"
        }
        let rule = String(repeating: "\u{2500}", count: 78)
        frame += "\(e)[38;2;136;136;136m\u{256d}\(rule)\u{256e}\(e)[0m\r\n"
        frame += "\(e)[38;2;136;136;136m\u{2502}\(e)[0m > "
        out += Array(frame.utf8)
        appendWords(to: &out, random: &random, count: 3)
        frame = "\(e)[K\(e)[22;80H\(e)[38;2;136;136;136m\u{2502}\r\n\u{2570}\(rule)\u{256f}\(e)[0m\r\n"
        frame += "\(e)[2m  ? for shortcuts\(e)[0m\(e)[K\(e)[22;5H\(e)[?25h\(e)[?2026l"
        out += Array(frame.utf8)
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
