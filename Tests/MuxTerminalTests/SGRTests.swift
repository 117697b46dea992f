// SGR: every attribute, both colour forms, underline styles and colours.

import MuxTerminal
import Testing

@Suite struct SGRTests {
    static func attributes(_ sgr: String) -> ResolvedCell {
        makeTerminal(10, 2, feeding: "⎋[\(sgr)mx").cell(0, 0)
    }

    @Test(arguments: [
        ("1", CellAttributes.bold), ("2", CellAttributes.faint), ("3", CellAttributes.italic),
        ("5", CellAttributes.blink), ("6", CellAttributes.rapidBlink), ("7", CellAttributes.inverse),
        ("8", CellAttributes.invisible), ("9", CellAttributes.strikethrough), ("53", CellAttributes.overline),
    ])
    func flags(sgr: String, flag: UInt32) {
        #expect(Self.attributes(sgr).attributes & flag != 0)
        #expect(Self.attributes("\(sgr);0").attributes == 0)
    }

    @Test(arguments: [
        ("1;22", 0), ("2;22", 0), ("3;23", 0), ("5;6;25", 0), ("7;27", 0), ("8;28", 0), ("9;29", 0), ("53;55", 0),
    ])
    func flagsOff(sgr: String, expected: UInt32) {
        #expect(Self.attributes(sgr).attributes == expected)
    }

    @Test(arguments: [
        ("4", UnderlineStyle.single), ("4:0", .none), ("4:1", .single), ("4:2", .double), ("4:3", .curly),
        ("4:4", .dotted), ("4:5", .dashed), ("21", .double), ("4;24", .none), ("4:3;4", .single),
    ])
    func underlineStyles(sgr: String, style: UnderlineStyle) {
        let raw = Self.attributes(sgr).attributes
        #expect(CellAttributes(rawValue: raw).underline == style)
    }

    @Test(arguments: [
        ("31", Color.palette(1)), ("97", .palette(15)), ("38;5;200", .palette(200)), ("38:5:200", .palette(200)),
        ("38;2;1;2;3", .rgb(1, 2, 3)), ("38:2::1:2:3", .rgb(1, 2, 3)), ("38:2:1:2:3", .rgb(1, 2, 3)),
        ("38:2:0:1:2:3", .rgb(1, 2, 3)), ("31;39", .default), ("38;2;300;2;3", .default),
    ])
    func foreground(sgr: String, color: Color) {
        #expect(Self.attributes(sgr).foreground == color)
    }

    @Test(arguments: [
        ("41", Color.palette(1)), ("107", .palette(15)), ("48;5;17", .palette(17)), ("48;2;9;8;7", .rgb(9, 8, 7)),
        ("41;49", .default),
    ])
    func background(sgr: String, color: Color) {
        #expect(Self.attributes(sgr).background == color)
    }

    @Test func underlineColor() {
        #expect(Self.attributes("58:2::10:20:30").underlineColor == .rgb(10, 20, 30))
        #expect(Self.attributes("58;5;9").underlineColor == .palette(9))
        #expect(Self.attributes("58;5;9;59").underlineColor == .default)
        #expect(Self.attributes("58;5;9;0").underlineColor == .default)
    }

    @Test func unknownParametersAreSkippedWithoutLosingTheRest() {
        let cell = Self.attributes("1;75;38:9:1:2;31;4")
        #expect(cell.attributes & CellAttributes.bold != 0)
        #expect(cell.foreground == .palette(1))
        #expect(CellAttributes(rawValue: cell.attributes).underline == .single)
    }

    @Test func sgrAfterPrivateMarkerIsNotSGR() {
        #expect(Self.attributes(">4").attributes == 0)
    }

    @Test func emptySGRResets() {
        #expect(makeTerminal(10, 2, feeding: "⎋[1;31m⎋[mx").cell(0, 0).attributes == 0)
    }
}
