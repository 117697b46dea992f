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

    public init() {}
}
