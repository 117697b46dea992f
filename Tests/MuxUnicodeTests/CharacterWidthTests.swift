// Cell widths and cluster boundaries, including the rules we own on top of utf8proc.

import MuxUnicode
import Testing

private func width(_ text: String) -> Int {
    CharacterWidth.of(cluster: text.unicodeScalars)
}

@Suite struct CharacterWidthTests {
    @Test(arguments: [
        ("a", 1), ("~", 1), ("é", 1),
        ("中", 2), ("한", 2), ("ｱ", 1), ("Ａ", 2),
        ("😀", 2), ("🫉", 2),
        ("❤️", 2),  // VS16 widens a text-default base
        ("🇫🇷", 2),  // a flag is one wide cell
        ("e\u{301}", 1),  // a combining mark adds nothing
        ("👨‍👩‍👧‍👦", 2),
    ])
    func clusterWidths(text: String, expected: Int) {
        #expect(width(text) == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func scalarWidths() {
        #expect(CharacterWidth.of("A") == 1)
        #expect(CharacterWidth.of("\u{301}") == 0)  // combining acute
        #expect(CharacterWidth.of("\u{200D}") == 0)  // zero-width joiner
        #expect(CharacterWidth.of("\u{7}") == 0)  // BEL is executed, never printed
        #expect(CharacterWidth.of("\u{9B}") == 0)  // a C1 code point
        #expect(CharacterWidth.of("\u{1FA89}") == 2)  // Unicode 16, unknown to utf8proc 2.8
    }

    @Test func zwjFamilyIsOneCluster() {
        let clusters = GraphemeBreaker.clusters("a👨‍👩‍👧‍👦b")
        #expect(clusters.count == 3)
        #expect(clusters[1].count == 7)
    }

    @Test func combiningMarksAndFlagsJoin() {
        #expect(GraphemeBreaker.clusters("e\u{301}x").count == 2)
        #expect(GraphemeBreaker.clusters("🇫🇷🇩🇪").count == 2)
        #expect(GraphemeBreaker.extends(["e"], with: "\u{301}"))
        #expect(!GraphemeBreaker.extends(["e"], with: "f"))
        #expect(GraphemeBreaker.extends(["\u{1F1EB}"], with: "\u{1F1F7}"))
        #expect(!GraphemeBreaker.extends(["\u{1F1EB}", "\u{1F1F7}"], with: "\u{1F1E9}"))
    }
}

@Suite struct ScalarPropertiesTests {
    /// Scalars from every break class, so that each pair of classes is tried.
    static let samples: [Unicode.Scalar] = [
        "a", "中", "é", "\u{301}", "\u{200D}", "\u{FE0F}", "\u{0903}", "\u{0600}", "\u{1F1EB}", "\u{1F1F7}",
        "\u{1100}", "\u{1161}", "\u{11A8}", "\u{AC00}", "\u{AC01}", "😀", "\u{1F3FD}", "\u{A9}", "\u{7}", "\u{AD}",
        "\u{E0020}", "\u{1FA89}", "\u{0E33}", "ｱ",
    ]

    @Test func fastJoinAgreesWithTheStatefulBreaker() {
        for first in Self.samples {
            for second in Self.samples {
                let fast = ScalarProperties.joins(
                    ScalarProperties(first).breakClass, ScalarProperties(second).breakClass)
                let full = GraphemeBreaker.extends([first], with: second)
                #expect(fast == full, "U+\(String(first.value, radix: 16)) U+\(String(second.value, radix: 16))")
            }
        }
    }
}

@Suite struct BreakClassRepresentationTests {
    @Test func everyRawValueIsItsCasesRepresentation() {
        // ScalarProperties(packed:) relies on it.
        let all: [ScalarProperties.BreakClass] = [
            .other, .control, .extend, .zwj, .spacingMark, .prepend, .regionalIndicator, .hangulL, .hangulV, .hangulT,
            .hangulLV, .hangulLVT, .extendedPictographic,
        ]
        for (index, breakClass) in all.enumerated() {
            #expect(breakClass.rawValue == UInt8(index))
            #expect(unsafeBitCast(UInt8(index), to: ScalarProperties.BreakClass.self) == breakClass)
        }
    }
}
