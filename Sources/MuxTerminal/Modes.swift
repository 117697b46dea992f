// The terminal modes a program can set and a snapshot must restore (xterm's ctlseqs, "Set Mode"
// and "DEC Private Mode Set"). Mouse tracking and its encoding are one choice each, not flags.

/// Which mouse events a program asked for (DEC private modes 9, 1000, 1002, 1003).
public enum MouseTracking: UInt16, Sendable, CaseIterable {
    case none = 0
    case x10 = 9
    case normal = 1000
    case buttonEvent = 1002
    case anyEvent = 1003
}

/// How mouse reports are encoded (modes 1005, 1006, 1015; none of them: the X10 byte form).
public enum MouseEncoding: UInt16, Sendable, CaseIterable {
    case x10 = 0
    case utf8 = 1005
    case sgr = 1006
    case urxvt = 1015
}

/// The cursor's shape as DECSCUSR sets it (0 and 1 are both a blinking block; 0 means "default").
public enum CursorShape: UInt8, Sendable, CaseIterable {
    case `default` = 0
    case blinkingBlock = 1
    case steadyBlock, blinkingUnderline, steadyUnderline, blinkingBar, steadyBar
}

/// Every mode the emulator tracks, with the power-on values.
public struct Modes: Hashable, Sendable {
    // ANSI modes
    /// IRM (4): printing inserts rather than replaces.
    public var insert = false
    /// LNM (20): LF, VT and FF also return the carriage.
    public var linefeedNewline = false
    // DEC private modes
    /// DECCKM (?1): cursor keys send application sequences.
    public var applicationCursorKeys = false
    /// DECSCNM (?5): the whole screen in reverse video.
    public var reverseVideo = false
    /// DECOM (?6): cursor addressing relative to the scroll region.
    public var origin = false
    /// DECAWM (?7): printing at the right margin wraps.
    public var autowrap = true
    /// ?12: the cursor blinks (xterm's att610 control).
    public var cursorBlink = false
    /// DECTCEM (?25): the cursor is shown.
    public var cursorVisible = true
    /// DECKPAM / DECKPNM (ESC = / ESC >), also DECNKM (?66): keypad sends application sequences.
    public var applicationKeypad = false
    public var mouseTracking = MouseTracking.none
    public var mouseEncoding = MouseEncoding.x10
    /// ?1004: focus in and out are reported.
    public var focusEvents = false
    /// ?1007: the wheel sends cursor keys on the alternate screen.
    public var alternateScroll = false
    /// ?2004: pasted text is bracketed.
    public var bracketedPaste = false
    /// ?2026: the program is inside a synchronized update.
    public var synchronizedOutput = false
    /// DECLRMM (?69): DECSLRM sets left and right margins (and `CSI s` is no longer SCOSC).
    public var leftRightMargins = false
    /// ?45: BS and CUB at the left margin go on at the right margin of the row above, when that
    /// row was soft-wrapped (recent xterm; XTREVWRAP).
    public var reverseWrap = false
    /// ?1045: the same across any row, and from the top margin to the bottom one (XTREVWRAP2).
    public var extendedReverseWrap = false
    /// ?40: DECCOLM (?3) is honoured.
    public var allowColumnSwitch = false
    /// DECCOLM (?3): 132-column mode was asked for (the width itself stays the session's).
    public var columnMode = false
    /// ?41: the more(1) fix: a tab with a wrap pending wraps first.
    public var moreFix = false
    /// xterm's other DEC private modes, which change nothing the emulator shows: kept so that
    /// DECRQM reports them as xterm does and the snapshot restores them. Bit i stands for
    /// `Modes.otherModes[i]` and is set when that mode differs from its power-on value (a plain
    /// bit set keeps `Modes` free of references: it is read on every printed character).
    public var otherChanged: UInt64 = 0

    public init() {}

    /// The xterm DEC private modes kept in `otherChanged`, with xterm's power-on values (xterm
    /// 379's DECRQM answers with its default resources).
    public static let otherModes: [(mode: UInt16, initial: Bool)] = [
        (4, false), (13, false), (18, false), (19, false), (30, false), (35, true), (42, false), (44, false),
        (67, false), (80, false), (1001, false), (1010, true), (1011, false), (1016, false), (1034, true),
        (1035, true), (1036, false), (1037, false), (1039, false), (1040, true), (1041, false), (1042, false),
        (1043, false), (1044, false), (1046, false), (1050, false), (1051, false), (1060, false), (1061, false),
        (1070, true), (2001, false), (2002, false), (2003, false), (2005, false), (2006, false), (8452, false),
    ]
    static let otherModeIndex: [UInt16: Int] = Dictionary(
        uniqueKeysWithValues: otherModes.enumerated().map { ($0.element.mode, $0.offset) })

    /// DECRQM answers that never change: xterm's permanently set (3) and reset (4) modes, and
    /// modes whose effect is outside a headless emulator (DECANM's VT52 mode, DECTEK, KAM, CRM,
    /// SRM), answered with xterm's power-on value.
    static let fixedDEC: [Int: Int] = [2: 1, 8: 4, 14: 3, 38: 2, 46: 4, 1048: 1]
    static let fixedANSI: [Int: Int] = [
        1: 4, 2: 2, 3: 2, 5: 4, 7: 4, 10: 4, 11: 4, 12: 1, 13: 4, 14: 4, 15: 4, 16: 4, 17: 4, 18: 4, 19: 4,
    ]

    /// Whether one of the other xterm modes is on; nil for a mode that is not one of them.
    public func otherMode(_ mode: UInt16) -> Bool? {
        guard let index = Modes.otherModeIndex[mode] else { return nil }
        return Modes.otherModes[index].initial != (otherChanged >> UInt64(index) & 1 == 1)
    }

    mutating func setOtherMode(_ mode: UInt16, _ on: Bool) {
        guard let index = Modes.otherModeIndex[mode] else { return }
        let bit = UInt64(1) << UInt64(index)
        otherChanged = on != Modes.otherModes[index].initial ? otherChanged | bit : otherChanged & ~bit
    }

    /// The other xterm modes that differ from their power-on value, with their values, in order.
    public var changedOtherModes: [(mode: UInt16, on: Bool)] {
        Modes.otherModes.enumerated().compactMap { index, entry in
            otherChanged >> UInt64(index) & 1 == 1 ? (entry.mode, !entry.initial) : nil
        }
    }
}

/// Which protection ED, EL, ECH and DECSERA honour: the last of DECSCA (DEC) and SPA (ISO 6429)
/// to be used decides, as in xterm. DECSED and DECSEL honour either.
public enum ProtectionMode: UInt8, Hashable, Sendable {
    case dec, iso
}
