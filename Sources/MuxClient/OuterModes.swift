// The modes of the user's terminal that a rendering client sets to follow the session's replica
// (xterm's ctlseqs, DEC private modes): the cursor's visibility and shape, bracketed paste, the
// application cursor keys and keypad, focus reports, reverse video and, for the lease holder only, mouse
// reporting. The alternate screen is the renderer's own business (it changes the model).

import MuxTerminal

struct OuterModes: Equatable {
    var cursorVisible = true
    var cursorShape = CursorShape.default
    var bracketedPaste = false
    var applicationCursorKeys = false
    var applicationKeypad = false
    var focusEvents = false
    var mouseTracking = MouseTracking.none
    var mouseEncoding = MouseEncoding.x10
    var alternateScroll = false
    var reverseVideo = false

    /// What the user's terminal should have for `terminal`; `mouse` says whether this client may
    /// send mouse reports (it holds the lease), `cursorShown` whether the cursor is in the view.
    init(following terminal: Terminal, mouse: Bool, cursorShown: Bool) {
        let modes = terminal.modes
        cursorVisible = modes.cursorVisible && cursorShown
        cursorShape = terminal.cursorShape
        bracketedPaste = modes.bracketedPaste
        applicationCursorKeys = modes.applicationCursorKeys
        applicationKeypad = modes.applicationKeypad
        focusEvents = modes.focusEvents
        if mouse {
            mouseTracking = modes.mouseTracking
            mouseEncoding = modes.mouseEncoding
        }
        alternateScroll = modes.alternateScroll
        reverseVideo = modes.reverseVideo
    }

    init() {}

    /// Appends what changes the terminal from `current` (nil: unknown, so everything is set) to
    /// `self`.
    func appendChanges(from current: OuterModes?, into out: inout [UInt8]) {
        func privateMode(_ number: Int, _ on: Bool) {
            out.appendString("\u{1b}[?")
            out.appendNumber(number)
            out.append(on ? 0x68 : 0x6c)
        }
        if current?.cursorVisible != cursorVisible { privateMode(25, cursorVisible) }
        if current?.cursorShape != cursorShape {
            out.appendString("\u{1b}[")
            out.appendNumber(Int(cursorShape.rawValue))
            out.appendString(" q")
        }
        if current?.bracketedPaste != bracketedPaste { privateMode(2004, bracketedPaste) }
        if current?.applicationCursorKeys != applicationCursorKeys { privateMode(1, applicationCursorKeys) }
        if current?.applicationKeypad != applicationKeypad {
            out.appendString(applicationKeypad ? "\u{1b}=" : "\u{1b}>")
        }
        if current?.focusEvents != focusEvents { privateMode(1004, focusEvents) }
        if current?.mouseTracking != mouseTracking {
            if let current, current.mouseTracking != .none { privateMode(Int(current.mouseTracking.rawValue), false) }
            if current == nil {
                for tracking in MouseTracking.allCases where tracking != .none && tracking != mouseTracking {
                    privateMode(Int(tracking.rawValue), false)
                }
            }
            if mouseTracking != .none { privateMode(Int(mouseTracking.rawValue), true) }
        }
        if current?.mouseEncoding != mouseEncoding {
            if let current, current.mouseEncoding != .x10 { privateMode(Int(current.mouseEncoding.rawValue), false) }
            if current == nil {
                for encoding in MouseEncoding.allCases where encoding != .x10 && encoding != mouseEncoding {
                    privateMode(Int(encoding.rawValue), false)
                }
            }
            if mouseEncoding != .x10 { privateMode(Int(mouseEncoding.rawValue), true) }
        }
        if current?.alternateScroll != alternateScroll { privateMode(1007, alternateScroll) }
        if current?.reverseVideo != reverseVideo { privateMode(5, reverseVideo) }
    }
}
