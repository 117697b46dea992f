// Control and escape sequences (xterm's ctlseqs) mapped to the named operations. A sequence with a
// private marker or intermediates we do not know is ignored whole, never taken for another one.

extension Terminal {
    mutating func controlSequence(_ s: CSISequence) {
        // SGR is most of what programs send: found before the long match below.
        if s.final == 0x6d && s.marker == 0 && s.intermediates.first == 0 {
            selectGraphicRendition(s)
            return
        }
        let first = s.parameter(0, default: 1)
        switch (s.marker, s.intermediates.first, s.final) {
        case (0, 0, 0x40): insertBlankCells(count: first)  // @ ICH
        case (0, 0, 0x41): cursorUp(first)  // A CUU
        case (0, 0, 0x42): cursorDown(first)  // B CUD
        case (0, 0, 0x65): linePositionRelative(first)  // e VPR
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
        case (0, 0, 0x4a): eraseDisplay(s.parameter(0, default: 0))  // J ED
        case (0x3f, 0, 0x4a): eraseDisplay(s.parameter(0, default: 0), selective: true)  // ? J DECSED
        case (0, 0, 0x4b): eraseLine(s.parameter(0, default: 0))  // K EL
        case (0x3f, 0, 0x4b): eraseLine(s.parameter(0, default: 0), selective: true)  // ? K DECSEL
        case (0, 0, 0x4c): insertLines(first)  // L IL
        case (0, 0, 0x4d): deleteLines(first)  // M DL
        case (0, 0, 0x50): deleteCharacters(first)  // P DCH
        case (0, 0, 0x53): scrollUp(first)  // S SU
        case (0, 0, 0x54) where s.count <= 1: scrollDown(first)  // T SD (5 parameters: mouse highlight)
        case (0, 0, 0x58): eraseCharacters(first)  // X ECH
        case (0, 0, 0x5a): backTab(count: first)  // Z CBT
        case (0, 0x20, 0x40): scrollColumns(first)  // SP @ SL
        case (0, 0x20, 0x41): scrollColumns(-first)  // SP A SR
        case (0, 0x27, 0x7d): insertColumns(first)  // ' } DECIC
        case (0, 0x27, 0x7e): insertColumns(-first)  // ' ~ DECDC
        case (0, 0, 0x62): repeatLastCharacter(first)  // b REP
        case (0, 0, 0x63): if s.parameter(0, default: 0) == 0 { reply(Terminal.primaryAttributes) }  // c DA1
        case (0x3e, 0, 0x63):  // > c DA2
            if s.parameter(0, default: 0) == 0 { reply("\u{1b}[>41;\(Terminal.xtermPatch);0c") }
        case (0, 0, 0x64): setCursorRow(first)  // d VPA
        case (0, 0, 0x67): clearTabStops(s.parameter(0, default: 0))  // g TBC
        case (0, 0, 0x68), (0x3f, 0, 0x68): setModes(s, on: true)  // h SM, DECSET
        case (0, 0, 0x6c), (0x3f, 0, 0x6c): setModes(s, on: false)  // l RM, DECRST
        case (0, 0, 0x6d): selectGraphicRendition(s)  // m SGR
        case (0, 0, 0x6e): deviceStatusReport(s.parameter(0, default: 0), dec: false, s)  // n DSR
        case (0x3f, 0, 0x6e): deviceStatusReport(s.parameter(0, default: 0), dec: true, s)  // ? n DECDSR
        case (0, 0x21, 0x70): softReset()  // ! p DECSTR
        case (0, 0x22, 0x70): setConformanceLevel(s)  // " p DECSCL
        case (0, 0x22, 0x71): selectCharacterProtection(s.parameter(0, default: 0))  // " q DECSCA
        case (0, 0x24, 0x70), (0x3f, 0x24, 0x70): reportMode(s)  // $ p DECRQM
        case (0, 0x20, 0x71):  // SP q DECSCUSR
            cursorShape = CursorShape(rawValue: UInt8(min(s.parameter(0, default: 0), 255))) ?? cursorShape
        case (0x3e, 0, 0x71): if s.parameter(0, default: 0) == 0 { reply("\u{1b}P>|mux \(Terminal.version)\u{1b}\\") }
        case (0, 0, 0x72): setScrollRegion(top: s.parameter(0, default: 0), bottom: s.parameter(1, default: 0))
        case (0, 0, 0x73):  // s: DECSLRM with DECLRMM, else SCOSC
            if modes.leftRightMargins {
                setLeftRightMargins(left: s.parameter(0, default: 0), right: s.parameter(1, default: 0))
            } else if s.count == 0 {
                saveCursor()
            }
        case (0, 0, 0x75) where s.count == 0: restoreCursor()  // u SCORC
        case (0x3f, 0, 0x73): saveModes(s)  // ? s XTSAVE
        case (0x3f, 0, 0x72): restoreModes(s)  // ? r XTRESTORE
        case (0, 0, 0x74): windowOperation(s)  // t XTWINOPS
        case (0, 0x24, 0x72): changeAttributesInRectangle(s, reverse: false)  // $ r DECCARA
        case (0, 0x24, 0x74): changeAttributesInRectangle(s, reverse: true)  // $ t DECRARA
        case (0, 0x24, 0x76): copyRectangle(s)  // $ v DECCRA
        case (0, 0x24, 0x78): fillRectangle(s)  // $ x DECFRA
        case (0, 0x24, 0x7a): eraseRectangle(s, selective: false)  // $ z DECERA
        case (0, 0x24, 0x7b): eraseRectangle(s, selective: true)  // $ { DECSERA
        case (0, 0x2a, 0x78): attributeChangeRectangle = s.parameter(0, default: 0) == 2  // * x DECSACE
        case (0, 0x2a, 0x79): reportRectangleChecksum(s)  // * y DECRQCRA
        case (0, 0x23, 0x79): checksumFlags = s.parameter(0, default: 0)  // # y XTCHECKSUM
        default: break
        }
    }

    mutating func escapeSequence(intermediates: Intermediates, final: UInt8) {
        switch (intermediates.first, final) {
        case (0, 0x37): saveCursor()  // 7 DECSC
        case (0, 0x38): restoreCursor()  // 8 DECRC
        case (0, 0x36): backIndex()  // 6 DECBI
        case (0, 0x39): forwardIndex()  // 9 DECFI
        case (0, 0x56): startProtectedArea()  // V SPA
        case (0, 0x57): endProtectedArea()  // W EPA
        case (0, 0x5a): reply(Terminal.primaryAttributes)  // Z DECID
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

    /// DSR (`CSI n`) and DECDSR (`CSI ? n`), answered as xterm does: 5 status, 6 the cursor
    /// position (relative to the margins in origin mode), and the DEC reports: no printer (15),
    /// user-defined keys unlocked (25), a North American keyboard (26), no locator (53, 55, 56;
    /// mux implements no DEC locator), no macro space (62), the memory checksum of no macros
    /// (63), no data-integrity errors (75), not a multi-session terminal (85).
    mutating func deviceStatusReport(_ request: Int, dec: Bool, _ s: CSISequence) {
        switch (request, dec) {
        case (5, false):
            reply("\u{1b}[0n")
        case (6, _):
            let row = cursor.y + 1 - (modes.origin ? scrollTop : 0)
            let column = cursor.x + 1 - (modes.origin ? leftMargin : 0)
            reply(dec ? "\u{1b}[?\(row);\(column);1R" : "\u{1b}[\(row);\(column)R")
        case (15, true): reply("\u{1b}[?13n")
        case (25, true): reply("\u{1b}[?20n")
        case (26, true): reply("\u{1b}[?27;1;0;0n")
        case (53, true), (55, true): reply("\u{1b}[?50n")
        case (56, true): reply("\u{1b}[?57;0n")
        case (62, true): reply("\u{1b}[0000*{")
        case (63, true): reply("\u{1b}P\(s.count > 1 ? Int(s.parameters[1]) : 0)!~0000\u{1b}\\")
        case (75, true): reply("\u{1b}[?70n")
        case (85, true): reply("\u{1b}[?83n")
        default:
            break
        }
    }

    /// XTWINOPS, for a terminal with no window of its own: the reports answer from the session's
    /// size and the lead client's cell and screen sizes (`TerminalEnvironment`); the window is
    /// never iconified (11) and sits at the screen's origin (13); the title stack (22, 23) is
    /// kept. Requests to move, resize, raise or iconify are ignored.
    mutating func windowOperation(_ s: CSISequence) {
        switch s.parameter(0, default: 0) {
        case 11:
            reply("\u{1b}[1t")
        case 13:
            reply("\u{1b}[3;0;0t")
        case 14:
            reply("\u{1b}[4;\(rows * environment.cellHeight);\(columns * environment.cellWidth)t")
        case 15:
            let (height, width) =
                environment.screenWidth > 0 && environment.screenHeight > 0
                ? (environment.screenHeight, environment.screenWidth)
                : (rows * environment.cellHeight, columns * environment.cellWidth)
            reply("\u{1b}[5;\(height);\(width)t")
        case 16:
            reply("\u{1b}[6;\(environment.cellHeight);\(environment.cellWidth)t")
        case 18:
            reply("\u{1b}[8;\(rows);\(columns)t")
        case 19:
            if environment.screenWidth > 0 && environment.screenHeight > 0 && environment.cellWidth > 0
                && environment.cellHeight > 0
            {
                let height = environment.screenHeight / environment.cellHeight
                let width = environment.screenWidth / environment.cellWidth
                reply("\u{1b}[9;\(height);\(width)t")
            } else {
                reply("\u{1b}[9;\(rows);\(columns)t")
            }
        case 20:
            reply("\u{1b}]L\(iconName)\u{1b}\\")
        case 21:
            reply("\u{1b}]l\(title)\u{1b}\\")
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

    /// DECSCA: 1 protects the characters printed from now on from selective erasure; 0 and 2 do
    /// not. It makes DEC protection the one erasing honours.
    mutating func selectCharacterProtection(_ value: Int) {
        guard value <= 2 else { return }
        cursor.pen.attributes.set(CellAttributes.protected, value == 1)
        protectionMode = .dec
    }

    /// SPA (ESC V): the characters printed from now on are protected, ISO 6429 style: ED, EL and
    /// ECH keep them too.
    mutating func startProtectedArea() {
        cursor.pen.attributes.set(CellAttributes.protected, true)
        protectionMode = .iso
    }

    /// EPA (ESC W): ends the protected area.
    mutating func endProtectedArea() {
        cursor.pen.attributes.set(CellAttributes.protected, false)
    }

    /// DECSCL: `CSI Pl ; Pc " p` selects a conformance level (61–65) and does a soft reset.
    mutating func setConformanceLevel(_ s: CSISequence) {
        let level = s.parameter(0, default: 0)
        guard (61...65).contains(level) else { return }
        softReset()
        conformanceLevel = level
    }

    /// Queues bytes to write back to the program.
    mutating func reply(_ text: String) {
        effects.replies.append(contentsOf: text.utf8)
        cutFromViewers()
    }

    /// Marks the sequence being dispatched as one viewers must not get (a query answered here,
    /// a clipboard string). Called before the dispatch ends what REP repeats, so it can say
    /// whether the sequence ended it: viewers are then given a NUL in its place, which does.
    mutating func cutFromViewers() {
        repliedInSequence = true
        if lastPrinted != 0 { cutEndsRepeat = true }
    }

    public static let version = "0.1.0"

    /// The xterm patch level whose behaviour the emulator follows; DA2 reports it, as xterm does.
    public static let xtermPatch = 379

    /// DA1: a VT420-class terminal (64) with the features mux has: selective erase (6), terminal
    /// state interrogation (17), horizontal scrolling (21), ANSI colour (22), rectangular editing
    /// (28). xterm also lists 132 columns, a printer, national character sets, technical
    /// characters, a locator and user windows, which mux does not have.
    static let primaryAttributes = "\u{1b}[?64;6;17;21;22;28c"
}
