// The sequences the renderer writes, each chosen as the shortest that does the job: cursor moves
// (CUP, CUU/CUD/CUF/CUB, CHA, VPA, CR, LF, BS) and SGR from the current pen (a reset and the
// whole look, or only what changed). xterm's ctlseqs; the forms every widespread terminal reads.

import MuxTerminal

extension Array where Element == UInt8 {
    mutating func appendNumber(_ value: Int) {
        if value >= 10 { appendNumber(value / 10) }
        append(UInt8(48 + value % 10))
    }

    mutating func appendCSI(_ value: Int, _ final: UInt8) {
        append(contentsOf: [0x1b, 0x5b])
        if value != 1 { appendNumber(value) }
        append(final)
    }

    mutating func appendString(_ text: String) { append(contentsOf: text.utf8) }
}

enum CursorMoves {
    /// The shortest bytes that move the cursor from (`fromX`, `fromY`) (nil: unknown) to
    /// (`x`, `y`), with full margins, origin mode off and LNM off (so a line feed above the
    /// bottom row only moves down).
    static func bytes(fromX: Int?, fromY: Int?, toX x: Int, toY y: Int) -> [UInt8] {
        var best: [UInt8] = []
        best.append(contentsOf: [0x1b, 0x5b])
        if y != 0 || x != 0 {
            best.appendNumber(y + 1)
            if x != 0 {
                best.append(0x3b)
                best.appendNumber(x + 1)
            }
        }
        best.append(0x48)  // CUP
        guard let cx = fromX, let cy = fromY else { return best }
        if cx == x && cy == y { return [] }
        var verticals: [[UInt8]] = []
        if cy == y {
            verticals.append([])
        } else if y > cy {
            var down: [UInt8] = []
            down.appendCSI(y - cy, 0x42)  // CUD
            verticals.append(down)
            if y - cy <= 3 { verticals.append([UInt8](repeating: 0x0a, count: y - cy)) }
        } else {
            var up: [UInt8] = []
            up.appendCSI(cy - y, 0x41)  // CUU
            verticals.append(up)
        }
        if cy != y {
            var vpa: [UInt8] = []
            vpa.appendCSI(y + 1, 0x64)
            verticals.append(vpa)
        }
        var horizontals: [[UInt8]] = []
        if cx == x { horizontals.append([]) }
        if x == 0 { horizontals.append([0x0d]) }
        if x > cx {
            var forward: [UInt8] = []
            forward.appendCSI(x - cx, 0x43)  // CUF
            horizontals.append(forward)
        } else if x < cx {
            var back: [UInt8] = []
            back.appendCSI(cx - x, 0x44)  // CUB
            horizontals.append(back)
            if cx - x <= 3 { horizontals.append([UInt8](repeating: 0x08, count: cx - x)) }
            if x > 0 {
                var fromStart: [UInt8] = [0x0d]
                fromStart.appendCSI(x, 0x43)
                horizontals.append(fromStart)
            }
        }
        if cx != x {
            var cha: [UInt8] = []
            cha.appendCSI(x + 1, 0x47)
            horizontals.append(cha)
        }
        for vertical in verticals {
            for horizontal in horizontals where vertical.count + horizontal.count < best.count {
                best = vertical + horizontal
            }
        }
        return best
    }
}

enum SGR {
    /// Appends the bytes that change the pen from `current` (nil: unknown) to `target`; the
    /// hyperlink (OSC 8) is the caller's.
    static func append(from current: Look?, to target: Look, into out: inout [UInt8]) {
        var plainTarget = target
        plainTarget.link = 0
        guard var current else { return appendReset(to: target, into: &out) }
        current.link = 0
        if current == plainTarget { return }
        let start = out.count
        out.append(contentsOf: [0x1b, 0x5b])
        appendChanges(from: current, to: target, into: &out)
        out.append(0x6d)
        // Without anything to turn off, the changes are a part of the reset form's parameters,
        // so never longer; otherwise the shorter of the two is written.
        let removes =
            current.flags & ~target.flags != 0 || (!current.foreground.isDefault && target.foreground.isDefault)
            || (!current.background.isDefault && target.background.isDefault)
            || (!current.underlineColor.isDefault && target.underlineColor.isDefault)
        guard removes else { return }
        var full: [UInt8] = []
        appendReset(to: target, into: &full)
        if full.count < out.count - start {
            out.removeSubrange(start...)
            out.append(contentsOf: full)
        }
    }

    private static func appendReset(to target: Look, into out: inout [UInt8]) {
        out.append(contentsOf: [0x1b, 0x5b, 0x30])
        appendParameters(of: target, into: &out)
        out.append(0x6d)
    }

    private static let onCodes: [(UInt32, Int)] = [
        (CellAttributes.bold, 1), (CellAttributes.faint, 2), (CellAttributes.italic, 3),
        (CellAttributes.blink, 5), (CellAttributes.rapidBlink, 6), (CellAttributes.inverse, 7),
        (CellAttributes.invisible, 8), (CellAttributes.strikethrough, 9), (CellAttributes.overline, 53),
    ]
    private static let underlineMask: UInt32 = 0b111 << 9

    /// `;`-prefixed parameters that set `look` on a reset pen.
    static func appendParameters(of look: Look, into out: inout [UInt8]) {
        for (flag, code) in onCodes where look.flags & flag != 0 {
            out.append(0x3b)
            out.appendNumber(code)
        }
        appendUnderline(look.flags, into: &out)
        if !look.foreground.isDefault { appendColor(look.foreground, base: 30, bright: 90, extended: 38, into: &out) }
        if !look.background.isDefault { appendColor(look.background, base: 40, bright: 100, extended: 48, into: &out) }
        if !look.underlineColor.isDefault { appendUnderlineColor(look.underlineColor, into: &out) }
    }

    private static func appendUnderline(_ flags: UInt32, into out: inout [UInt8]) {
        let style = (flags & underlineMask) >> 9
        guard style != 0 else { return }
        out.append(0x3b)
        out.append(0x34)
        if style != 1 {
            out.append(0x3a)
            out.appendNumber(Int(style))
        }
    }

    /// The parameters that change `current` into `target`, written straight into `out`.
    private static func appendChanges(from current: Look, to target: Look, into out: inout [UInt8]) {
        var first = true
        func parameter(_ value: Int) {
            if !first { out.append(0x3b) }
            first = false
            out.appendNumber(value)
        }
        // The colour and underline writers start with `;`: drop it when nothing came before.
        func withSeparator(_ body: (inout [UInt8]) -> Void) {
            let start = out.count
            body(&out)
            if first { out.remove(at: start) }
            first = false
        }
        let removed = current.flags & ~target.flags
        var added = target.flags & ~current.flags
        let intensity = CellAttributes.bold | CellAttributes.faint
        if removed & intensity != 0 {
            parameter(22)
            added |= target.flags & intensity
        }
        if removed & CellAttributes.italic != 0 { parameter(23) }
        let blinks = CellAttributes.blink | CellAttributes.rapidBlink
        if removed & blinks != 0 {
            parameter(25)
            added |= target.flags & blinks
        }
        if removed & CellAttributes.inverse != 0 { parameter(27) }
        if removed & CellAttributes.invisible != 0 { parameter(28) }
        if removed & CellAttributes.strikethrough != 0 { parameter(29) }
        if removed & CellAttributes.overline != 0 { parameter(55) }
        for (flag, code) in onCodes where added & flag != 0 { parameter(code) }
        if current.flags & underlineMask != target.flags & underlineMask {
            if target.flags & underlineMask == 0 {
                parameter(24)
            } else {
                withSeparator { appendUnderline(target.flags, into: &$0) }
            }
        }
        if current.foreground != target.foreground {
            if target.foreground.isDefault {
                parameter(39)
            } else {
                withSeparator { appendColor(target.foreground, base: 30, bright: 90, extended: 38, into: &$0) }
            }
        }
        if current.background != target.background {
            if target.background.isDefault {
                parameter(49)
            } else {
                withSeparator { appendColor(target.background, base: 40, bright: 100, extended: 48, into: &$0) }
            }
        }
        if current.underlineColor != target.underlineColor {
            if target.underlineColor.isDefault {
                parameter(59)
            } else {
                withSeparator { appendUnderlineColor(target.underlineColor, into: &$0) }
            }
        }
    }

    private static func appendColor(_ color: Color, base: Int, bright: Int, extended: Int, into out: inout [UInt8]) {
        out.append(0x3b)
        if let index = color.paletteIndex {
            if index < 8 {
                out.appendNumber(base + Int(index))
            } else if index < 16 {
                out.appendNumber(bright + Int(index) - 8)
            } else {
                out.appendNumber(extended)
                out.appendString(";5;")
                out.appendNumber(Int(index))
            }
        } else if let (r, g, b) = color.rgb {
            out.appendNumber(extended)
            out.appendString(";2;")
            out.appendNumber(Int(r))
            out.append(0x3b)
            out.appendNumber(Int(g))
            out.append(0x3b)
            out.appendNumber(Int(b))
        }
    }

    private static func appendUnderlineColor(_ color: Color, into out: inout [UInt8]) {
        out.append(0x3b)
        if let index = color.paletteIndex {
            out.appendString("58:5:")
            out.appendNumber(Int(index))
        } else if let (r, g, b) = color.rgb {
            out.appendString("58:2::")
            out.appendNumber(Int(r))
            out.append(0x3a)
            out.appendNumber(Int(g))
            out.append(0x3a)
            out.appendNumber(Int(b))
        }
    }
}
