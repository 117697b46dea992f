// Control and escape sequences (xterm's ctlseqs) mapped to the named operations. A sequence with a
// private marker or intermediates we do not know is ignored whole, never taken for another one.

extension Terminal {
    mutating func controlSequence(_ s: CSISequence) {
        let first = s.parameter(0, default: 1)
        switch (s.marker, s.intermediates.first, s.final) {
        case (0, 0, 0x40): insertBlankCells(count: first)  // @ ICH
        case (0, 0, 0x41): cursorUp(first)  // A CUU
        case (0, 0, 0x42), (0, 0, 0x65): cursorDown(first)  // B CUD, e VPR
        case (0, 0, 0x43), (0, 0, 0x61): cursorForward(first)  // C CUF, a HPR
        case (0, 0, 0x44): cursorBackward(first)  // D CUB
        case (0, 0, 0x45):  // E CNL
            cursorDown(first)
            carriageReturn()
        case (0, 0, 0x46):  // F CPL
            cursorUp(first)
            carriageReturn()
        case (0, 0, 0x47), (0, 0, 0x60): setCursorColumn(first)  // G CHA, ` HPA
        case (0, 0, 0x48), (0, 0, 0x66):  // H CUP, f HVP
            setCursorPosition(row: first, column: s.parameter(1, default: 1))
        case (0, 0, 0x49): horizontalTab(count: first)  // I CHT
        case (0, 0, 0x4a), (0x3f, 0, 0x4a): eraseDisplay(s.parameter(0, default: 0))  // J ED, DECSED
        case (0, 0, 0x4b), (0x3f, 0, 0x4b): eraseLine(s.parameter(0, default: 0))  // K EL, DECSEL
        case (0, 0, 0x4c): insertLines(first)  // L IL
        case (0, 0, 0x4d): deleteLines(first)  // M DL
        case (0, 0, 0x50): deleteCharacters(first)  // P DCH
        case (0, 0, 0x53): scrollUp(first)  // S SU
        case (0, 0, 0x54) where s.count <= 1: scrollDown(first)  // T SD (5 parameters: mouse highlight)
        case (0, 0, 0x58): eraseCharacters(first)  // X ECH
        case (0, 0, 0x5a): backTab(count: first)  // Z CBT
        case (0, 0, 0x62): repeatLastCharacter(first)  // b REP
        case (0, 0, 0x63): if s.parameter(0, default: 0) == 0 { reply("\u{1b}[?62;22c") }  // c DA1
        case (0x3e, 0, 0x63): if s.parameter(0, default: 0) == 0 { reply("\u{1b}[>77;100;0c") }  // DA2
        case (0, 0, 0x64): setCursorRow(first)  // d VPA
        case (0, 0, 0x67): clearTabStops(s.parameter(0, default: 0))  // g TBC
        case (0, 0, 0x68), (0x3f, 0, 0x68): setModes(s, on: true)  // h SM, DECSET
        case (0, 0, 0x6c), (0x3f, 0, 0x6c): setModes(s, on: false)  // l RM, DECRST
        case (0, 0, 0x6d): selectGraphicRendition(s)  // m SGR
        case (0, 0, 0x6e): deviceStatusReport(s.parameter(0, default: 0), dec: false)  // n DSR
        case (0x3f, 0, 0x6e): deviceStatusReport(s.parameter(0, default: 0), dec: true)
        case (0, 0x21, 0x70): softReset()  // ! p DECSTR
        case (0, 0x24, 0x70), (0x3f, 0x24, 0x70): reportMode(s)  // $ p DECRQM
        case (0, 0x20, 0x71):  // SP q DECSCUSR
            cursorShape = CursorShape(rawValue: UInt8(min(s.parameter(0, default: 0), 255))) ?? cursorShape
        case (0x3e, 0, 0x71): if s.parameter(0, default: 0) == 0 { reply("\u{1b}P>|mux \(Terminal.version)\u{1b}\\") }
        case (0, 0, 0x72): setScrollRegion(top: s.parameter(0, default: 0), bottom: s.parameter(1, default: 0))
        case (0, 0, 0x73) where s.count == 0: saveCursor()  // s SCOSC
        case (0, 0, 0x75) where s.count == 0: restoreCursor()  // u SCORC
        case (0, 0, 0x74): windowOperation(s)  // t XTWINOPS
        default: break
        }
    }

    mutating func escapeSequence(intermediates: Intermediates, final: UInt8) {
        switch (intermediates.first, final) {
        case (0, 0x37): saveCursor()  // 7 DECSC
        case (0, 0x38): restoreCursor()  // 8 DECRC
        case (0, 0x44): index()  // D IND
        case (0, 0x45): nextLine()  // E NEL
        case (0, 0x48): setTabStop()  // H HTS
        case (0, 0x4d): reverseIndex()  // M RI
        case (0, 0x4e): charsets.singleShift = 2  // N SS2
        case (0, 0x4f): charsets.singleShift = 3  // O SS3
        case (0, 0x63): fullReset()  // c RIS
        case (0, 0x3d): modes.applicationKeypad = true  // = DECKPAM
        case (0, 0x3e): modes.applicationKeypad = false  // > DECKPNM
        case (0, 0x6e): charsets.gl = 2  // n LS2
        case (0, 0x6f): charsets.gl = 3  // o LS3
        case (0x23, 0x38): screenAlignmentPattern()  // # 8 DECALN
        case (0x28, _), (0x29, _), (0x2a, _), (0x2b, _):  // ( ) * + SCS: designate G0–G3
            if let set = Charset(designator: final), intermediates.second == 0 {
                charsets[Int(intermediates.first - 0x28)] = set
            }
        default: break
        }
    }

    /// DSR: 5 status, 6 cursor position (relative to the region in origin mode); `?6` DECXCPR.
    mutating func deviceStatusReport(_ request: Int, dec: Bool) {
        switch request {
        case 5 where !dec:
            reply("\u{1b}[0n")
        case 6:
            let row = cursor.y + 1 - (modes.origin ? scrollTop : 0)
            let column = cursor.x + 1
            reply(dec ? "\u{1b}[?\(row);\(column);1R" : "\u{1b}[\(row);\(column)R")
        default:
            break
        }
    }

    /// XTWINOPS: size reports (14, 16, 18) and the title stack (22, 23); nothing that moves windows.
    mutating func windowOperation(_ s: CSISequence) {
        switch s.parameter(0, default: 0) {
        case 14:
            reply("\u{1b}[4;\(rows * environment.cellHeight);\(columns * environment.cellWidth)t")
        case 16:
            reply("\u{1b}[6;\(environment.cellHeight);\(environment.cellWidth)t")
        case 18:
            reply("\u{1b}[8;\(rows);\(columns)t")
        case 22:
            if titleStack.count >= 10 { titleStack.removeFirst() }
            let which = s.parameter(1, default: 0)
            let top = titleStack.last
            titleStack.append(
                TitlePair(
                    title: which == 1 ? (top?.title ?? title) : title,
                    iconName: which == 2 ? (top?.iconName ?? iconName) : iconName))
        case 23:
            guard let saved = titleStack.popLast() else { return }
            let which = s.parameter(1, default: 0)
            if which != 1 { title = saved.title }
            if which != 2 { iconName = saved.iconName }
            effects.titleChanged = true
        default:
            break
        }
    }

    /// Queues bytes to write back to the program.
    mutating func reply(_ text: String) {
        effects.replies.append(contentsOf: text.utf8)
        repliedInSequence = true
    }

    public static let version = "0.1.0"
}
