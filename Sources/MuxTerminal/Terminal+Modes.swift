// SM/RM and DECSET/DECRST, DECRQM reports of the same modes (with xterm's answers, permanent ones
// included), and XTSAVE/XTRESTORE (`CSI ? Pm s`, `CSI ? Pm r`).

extension Terminal {
    mutating func setModes(_ s: CSISequence, on: Bool) {
        for index in 0..<s.count {
            let mode = Int(s.parameters[index])
            if s.marker == 0x3f {
                setPrivateMode(mode, on: on)
            } else {
                setANSIMode(mode, on: on)
            }
        }
    }

    mutating func setANSIMode(_ mode: Int, on: Bool) {
        switch mode {
        case 4: modes.insert = on
        case 20: modes.linefeedNewline = on
        default: break
        }
    }

    mutating func setPrivateMode(_ mode: Int, on: Bool) {
        switch mode {
        case 1: modes.applicationCursorKeys = on
        case 5: modes.reverseVideo = on
        case 6:
            modes.origin = on
            setCursorPosition(row: 1, column: 1)
        case 7:
            modes.autowrap = on
            if !on { cursor.pendingWrap = false }
        case 12: modes.cursorBlink = on
        case 25: modes.cursorVisible = on
        case 66: modes.applicationKeypad = on
        case 9, 1000, 1002, 1003:
            let tracking = MouseTracking(rawValue: UInt16(mode))!
            if on {
                modes.mouseTracking = tracking
            } else if modes.mouseTracking == tracking {
                modes.mouseTracking = .none
            }
        case 1005, 1006, 1015:
            let encoding = MouseEncoding(rawValue: UInt16(mode))!
            if on {
                modes.mouseEncoding = encoding
            } else if modes.mouseEncoding == encoding {
                modes.mouseEncoding = .x10
            }
        case 1004: modes.focusEvents = on
        case 1007: modes.alternateScroll = on
        case 2004: modes.bracketedPaste = on
        case 2026: modes.synchronizedOutput = on
        case 3: selectColumnMode(on)
        case 40: modes.allowColumnSwitch = on
        case 41: modes.moreFix = on
        case 45: modes.reverseWrap = on
        case 1045: modes.extendedReverseWrap = on
        case 69:
            modes.leftRightMargins = on
            if !on { resetHorizontalMargins() }
        case 47:
            if on { enterAlternateScreen(clear: false) } else { leaveAlternateScreen(clear: false) }
        case 1047:
            if on { enterAlternateScreen(clear: false) } else { leaveAlternateScreen(clear: true) }
        case 1048:
            if on { saveCursor() } else { restoreCursor() }
        case 1049:
            if on {
                if !usingAlternateScreen { saveCursor() }
                enterAlternateScreen(clear: true)
            } else {
                // As in xterm, the cursor is restored even when the alternate screen was not up
                // (dialog relies on it when it exits).
                leaveAlternateScreen(clear: false)
                restoreCursor()
            }
        default:
            modes.setOtherMode(UInt16(clamping: mode), on)
        }
    }

    /// The DECRQM answer for a mode: 1 set, 2 reset, 3 permanently set, 4 permanently reset, 0 not
    /// recognised; what xterm answers.
    func modeState(_ mode: Int, dec: Bool) -> Int {
        func state(_ on: Bool) -> Int { on ? 1 : 2 }
        if !dec {
            switch mode {
            case 4: return state(modes.insert)
            case 20: return state(modes.linefeedNewline)
            default: return Modes.fixedANSI[mode] ?? 0
            }
        }
        switch mode {
        case 1: return state(modes.applicationCursorKeys)
        case 5: return state(modes.reverseVideo)
        case 6: return state(modes.origin)
        case 7: return state(modes.autowrap)
        case 12: return state(modes.cursorBlink)
        case 25: return state(modes.cursorVisible)
        case 66: return state(modes.applicationKeypad)
        case 9, 1000, 1002, 1003: return state(modes.mouseTracking.rawValue == mode)
        case 1005, 1006, 1015: return state(modes.mouseEncoding.rawValue == mode)
        case 1004: return state(modes.focusEvents)
        case 1007: return state(modes.alternateScroll)
        case 2004: return state(modes.bracketedPaste)
        case 2026: return state(modes.synchronizedOutput)
        case 47, 1047, 1049: return state(usingAlternateScreen)
        case 3: return state(modes.columnMode)
        case 40: return state(modes.allowColumnSwitch)
        case 41: return state(modes.moreFix)
        case 45: return state(modes.reverseWrap)
        case 1045: return state(modes.extendedReverseWrap)
        case 69: return state(modes.leftRightMargins)
        default:
            if let fixed = Modes.fixedDEC[mode] { return fixed }
            if let on = modes.otherMode(UInt16(clamping: mode)) { return state(on) }
            return 0
        }
    }

    /// The DEC private modes XTSAVE keeps: all that report set or reset, but the cursor save
    /// (1048) and DECCOLM (3), which act when set rather than hold a value. The screens (47, 1047,
    /// 1049) are saved and restored as xterm does, by switching.
    func isSavable(_ mode: Int) -> Bool {
        switch mode {
        case 3, 1048: return false
        default: return modeState(mode, dec: true) == 1 || modeState(mode, dec: true) == 2
        }
    }

    /// XTSAVE: `CSI ? Pm s` saves the listed DEC private modes.
    mutating func saveModes(_ s: CSISequence) {
        for index in 0..<s.count {
            let mode = Int(s.parameters[index])
            guard isSavable(mode) else { continue }
            savedModes[UInt16(mode)] = modeState(mode, dec: true) == 1
        }
    }

    /// XTRESTORE: `CSI ? Pm r` sets the listed modes back to what XTSAVE saved.
    mutating func restoreModes(_ s: CSISequence) {
        for index in 0..<s.count {
            let mode = s.parameters[index]
            guard let on = savedModes[mode] else { continue }
            setPrivateMode(Int(mode), on: on)
        }
    }

    /// DECRQM: `CSI Ps $ p` (ANSI) or `CSI ? Ps $ p` (DEC).
    mutating func reportMode(_ s: CSISequence) {
        let mode = s.parameter(0, default: 0)
        let dec = s.marker == 0x3f
        reply("\u{1b}[\(dec ? "?" : "")\(mode);\(modeState(mode, dec: dec))$y")
    }
}
