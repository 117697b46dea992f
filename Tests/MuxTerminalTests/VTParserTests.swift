// The parser alone, with a handler that records its actions.

import MuxTerminal
import Testing

/// Records parser actions as readable strings.
struct Recorder: VTParserHandler {
    var actions: [String] = []
    var text = ""

    mutating func flushText() {
        if !text.isEmpty {
            actions.append("print \(text)")
            text = ""
        }
    }

    mutating func printASCII(_ bytes: UnsafeBufferPointer<UInt8>) { text += String(decoding: bytes, as: UTF8.self) }
    mutating func print(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) {
        text.unicodeScalars.append(contentsOf: scalars)
    }
    mutating func execute(_ control: UInt8) {
        flushText()
        actions.append("execute \(control)")
    }
    mutating func csiDispatch(_ s: CSISequence) {
        flushText()
        var parameters = ""
        for index in 0..<s.count {
            if index > 0 { parameters += s.isSubparameter(index) ? ":" : ";" }
            parameters += "\(s.parameters[index])"
        }
        let marker = s.marker == 0 ? "" : String(UnicodeScalar(s.marker))
        let intermediates = [s.intermediates.first, s.intermediates.second].filter { $0 != 0 }
            .map { String(UnicodeScalar($0)) }.joined()
        actions.append("csi \(marker)\(parameters)\(intermediates)\(UnicodeScalar(s.final))")
    }
    mutating func escDispatch(intermediates: Intermediates, final: UInt8) {
        flushText()
        let prefix = [intermediates.first, intermediates.second].filter { $0 != 0 }.map { String(UnicodeScalar($0)) }
            .joined()
        actions.append("esc \(prefix)\(UnicodeScalar(final))")
    }
    mutating func oscDispatch(_ data: ArraySlice<UInt8>, bellTerminated: Bool) {
        flushText()
        actions.append("osc \(String(decoding: data, as: UTF8.self))\(bellTerminated ? " (bel)" : "")")
    }
    mutating func dcsDispatch(_ header: CSISequence, data: ArraySlice<UInt8>) {
        flushText()
        actions.append("dcs \(UnicodeScalar(header.final)) \(String(decoding: data, as: UTF8.self))")
    }
}

func parse(_ bytes: [UInt8], splitAt splits: [Int] = []) -> [String] {
    var parser = VTParser()
    var recorder = Recorder()
    var start = 0
    for split in splits + [bytes.count] {
        parser.feed(Array(bytes[start..<split]), into: &recorder)
        start = split
    }
    recorder.flushText()
    return recorder.actions
}

func parse(_ text: String) -> [String] { parse(Array(esc(text).utf8)) }

@Suite struct VTParserTests {
    @Test(arguments: [
        ("⎋[31m", ["csi 31m"]),
        ("⎋[1;2H", ["csi 1;2H"]),
        ("⎋[;5H", ["csi 0;5H"]),
        ("⎋[38:2::10:20:30m", ["csi 38:2:0:10:20:30m"]),
        ("⎋[4:3m", ["csi 4:3m"]),
        ("⎋[>4m", ["csi >4m"]),
        ("⎋[?1049h", ["csi ?1049h"]),
        ("⎋[?S", ["csi ?S"]),
        ("⎋[ q", ["csi  q"]),
        ("⎋[2 q", ["csi 2 q"]),
        ("⎋[!p", ["csi !p"]),
        ("⎋[?25$p", ["csi ?25$p"]),
        ("⎋[99999999999A", ["csi 65535A"]),
        ("⎋[1;2?m", []),  // a marker after parameters makes the sequence invalid
        ("⎋[1$ 2m", []),  // a parameter after an intermediate too
        ("a⎋[1\n2Ab", ["print a", "execute 10", "csi 12A", "print b"]),  // C0 executes inside CSI
        ("⎋[31\u{18}x", ["print x"]),  // CAN aborts
        ("⎋[31\u{1a}x", ["print x"]),  // SUB aborts
        ("⎋7⎋(0⎋#8", ["esc 7", "esc (0", "esc #8"]),
        ("⎋]0;title\u{7}", ["osc 0;title (bel)"]),
        ("⎋]2;tï⎋\\", ["osc 2;tï"]),
        ("⎋]2;abc⎋[1m", ["csi 1m"]),  // ESC not followed by \ abandons the string
        ("⎋P$qm⎋\\", ["dcs q m"]),
        ("⎋_ignored APC⎋\\x", ["print x"]),
        ("⎋^pm\u{7}⎋Xsos⎋\\y", ["print y"]),
    ])
    func sequences(input: String, expected: [String]) {
        #expect(parse(input) == expected)
    }

    @Test func parametersBeyondTheLimitAreDropped() {
        let input = "⎋[" + (1...40).map(String.init).joined(separator: ";") + "m"
        let actions = parse(input)
        #expect(actions == ["csi " + (1...32).map(String.init).joined(separator: ";") + "m"])
    }

    @Test func invalidUTF8BecomesReplacementByMaximalSubpart() {
        // From the Unicode standard's table 3-8: each maximal subpart is one U+FFFD.
        let bytes: [UInt8] = [0x61, 0xf1, 0x80, 0x80, 0xe1, 0x80, 0xc2, 0x62, 0x80, 0x63, 0xed, 0xa0, 0x80, 0x64]
        #expect(parse(bytes) == ["print a\u{FFFD}\u{FFFD}\u{FFFD}b\u{FFFD}c\u{FFFD}\u{FFFD}\u{FFFD}d"])
        #expect(parse([0xf0, 0x9f, 0x98, 0x80]) == ["print 😀"])
        #expect(parse([0xc0, 0xaf, 0xf5, 0xff]) == ["print \u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}"])
    }

    @Test func truncatedUTF8BeforeAControlIsReplaced() {
        #expect(parse([0xe4, 0xb8, 0x0a]) == ["print \u{FFFD}", "execute 10"])
        #expect(parse([0xe4, 0x1b, 0x5b, 0x6d]) == ["print \u{FFFD}", "csi m"])
    }

    @Test func rawC1BytesAreNotControls() {
        // 0x9B is CSI in 8-bit mode; in UTF-8 it is a stray continuation byte.
        #expect(parse([0x9b, 0x33, 0x31, 0x6d]) == ["print \u{FFFD}31m"])
        // U+009B encoded in UTF-8 is a scalar, which the terminal will not print.
        #expect(parse([0xc2, 0x9b, 0x41]) == ["print \u{9B}A"])
    }

    @Test func oversizedStringIsDropped() {
        var bytes = Array(esc("⎋]2;").utf8)
        bytes += [UInt8](repeating: 0x61, count: VTParser.maximumStringLength + 10)
        bytes += [0x07, 0x7a]
        #expect(parse(bytes) == ["print z"])
    }

    @Test func everySplitPointGivesTheSameActions() {
        let input = Array(esc("a中⎋[38:2::1:2:3mb⎋]8;id=x;http://e\u{7}😀⎋P$qm⎋\\\u{e4}\u{1}⎋(0q").utf8)
        let whole = parse(input)
        for split in 0...input.count {
            #expect(parse(input, splitAt: [split]) == whole, "split at \(split)")
        }
        // And one byte at a time.
        #expect(parse(input, splitAt: Array(1..<input.count)) == whole)
    }
}
