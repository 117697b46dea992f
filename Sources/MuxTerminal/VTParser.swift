// The DEC ANSI parser state machine (vt100.net/emu/dec_ansi_parser, Paul Williams), with UTF-8
// decoding in the ground state. Deliberate deviations, all following xterm and modern terminals:
// - bytes 0x80–0x9F are never C1 controls: in the ground state they are UTF-8 (invalid ones become
//   U+FFFD by maximal subpart); inside an escape or control sequence they are ignored;
// - OSC, DCS, SOS, PM and APC strings end on BEL as well as ST; ESC followed by anything but `\`
//   abandons the string and starts a new escape sequence; strings longer than a cap are dropped.

/// Turns bytes into parser actions, in any chunking: feeding a stream in one piece or split at any
/// byte gives the same actions.
public struct VTParser: Sendable {
    /// The longest OSC or DCS string kept; longer ones are consumed and dropped.
    public static let maximumStringLength = 1 << 20

    enum State: UInt8 {
        case ground, escape, escapeIntermediate
        case csiEntry, csiParameter, csiIntermediate, csiIgnore
        case dcsEntry, dcsParameter, dcsIntermediate, dcsPassthrough, dcsIgnore
        case oscString, ignoredString
    }

    var state = State.ground
    // UTF-8 decoding: the scalar so far, the bytes still expected and the range the next must be in.
    var utf8Scalar: UInt32 = 0
    var utf8Remaining = 0
    var utf8Lower: UInt8 = 0x80
    var utf8Upper: UInt8 = 0xbf
    // The control sequence being collected.
    var sequence = CSISequence()
    var parameter: UInt32 = 0
    var parameterStarted = false
    var nextIsSubparameter = false
    var intermediatesOverflowed = false
    // The OSC or DCS string being collected.
    var string: [UInt8] = []
    var stringOverflowed = false
    var stringSawEscape = false
    // Where, in the bytes of the current `feed`, the byte being handled and the ESC that left the
    // ground state are (-1: that was in an earlier feed). Reported to the handler
    // when a control sequence or string ends, so an owner can cut it out of what it forwards.
    var position = 0
    var escapeIndex = -1

    public init() {}

    /// Whether the parser is between sequences and characters (nothing partial is pending).
    public var isInGround: Bool { state == .ground && utf8Remaining == 0 }

    /// Parses `bytes`, handing every complete action to `handler`.
    public mutating func feed<H: VTParserHandler>(_ bytes: UnsafeBufferPointer<UInt8>, into handler: inout H) {
        var index = 0
        let count = bytes.count
        escapeIndex = -1
        while index < count {
            if isInGround {
                let start = index
                index = Self.printableRunEnd(bytes, from: index)
                if index > start { handler.printASCII(UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                if index == count { break }
                if bytes[index] >= 0xc2 {
                    let end = Self.decodeRun(bytes, from: index, into: &handler)
                    if end > index {
                        index = end
                        continue
                    }
                } else if bytes[index] == 0x1b && index + 1 < count && bytes[index + 1] == 0x5b {
                    // ESC [ from the ground: straight to the parameters (what ground and escape
                    // would do one byte at a time; SGR-dense output does this every few bytes).
                    escapeIndex = index
                    enterEscape()
                    beginParameters()
                    state = .csiEntry
                    index += 2
                    continue
                }
            }
            if state == .csiParameter || state == .csiEntry {
                // Parameters are most of a control sequence's bytes (SGR colours above all).
                index = scanParameters(bytes, from: index)
                if index == count { break }
                let final = bytes[index]
                if final &- 0x40 < 0x3f {
                    // The final byte: dispatch as `controlSequence` would, without the detour.
                    position = index
                    state = .ground
                    finishParameters(final: final)
                    handler.csiDispatch(sequence)
                    handler.sequenceEnded(from: escapeIndex, to: index + 1)
                    index += 1
                    continue
                }
            }
            position = index
            advance(bytes[index], into: &handler)
            index += 1
        }
    }

    /// Parses `bytes`, handing every complete action to `handler`.
    public mutating func feed<H: VTParserHandler>(_ bytes: [UInt8], into handler: inout H) {
        bytes.withUnsafeBufferPointer { feed($0, into: &handler) }
    }

    @usableFromInline
    mutating func advance<H: VTParserHandler>(_ byte: UInt8, into handler: inout H) {
        if state == .ground {
            ground(byte, into: &handler)
            return
        }
        if stringSawEscape {
            stringSawEscape = false
            if byte == 0x5c {
                finishString(into: &handler, bellTerminated: false)
                return
            }
            enterEscape()
            escape(byte, into: &handler)
            return
        }
        switch byte {
        case 0x18, 0x1a:  // CAN, SUB: abandon whatever was in progress
            state = .ground
            return
        case 0x1b:
            switch state {
            case .oscString, .dcsPassthrough, .dcsIgnore, .ignoredString:
                stringSawEscape = true
            default:
                enterEscape()
            }
            return
        default:
            break
        }
        switch state {
        case .ground: break
        case .escape: escape(byte, into: &handler)
        case .escapeIntermediate: escapeIntermediate(byte, into: &handler)
        case .csiEntry, .csiParameter, .csiIntermediate, .csiIgnore: controlSequence(byte, into: &handler)
        case .dcsEntry, .dcsParameter, .dcsIntermediate: deviceControlHeader(byte)
        case .dcsPassthrough, .oscString:
            if byte == 0x07 {
                finishString(into: &handler, bellTerminated: true)
            } else if byte >= 0x20 || state == .dcsPassthrough {
                collectString(byte)
            }
        case .dcsIgnore, .ignoredString:
            if byte == 0x07 { state = .ground }
        }
    }

    // MARK: ground

    mutating func ground<H: VTParserHandler>(_ byte: UInt8, into handler: inout H) {
        if utf8Remaining > 0 {
            if byte >= utf8Lower && byte <= utf8Upper {
                utf8Scalar = utf8Scalar << 6 | UInt32(byte & 0x3f)
                utf8Remaining -= 1
                utf8Lower = 0x80
                utf8Upper = 0xbf
                if utf8Remaining == 0 { handler.print(Unicode.Scalar(utf8Scalar)!) }
                return
            }
            // The maximal subpart so far is one replacement; the byte is then read afresh.
            utf8Remaining = 0
            utf8Lower = 0x80
            utf8Upper = 0xbf
            handler.print("\u{FFFD}")
        }
        switch byte {
        case 0x1b:
            escapeIndex = position
            enterEscape()
        case 0x00..<0x20:
            handler.execute(byte)
        case 0x20..<0x7f:
            var single = byte
            withUnsafePointer(to: &single) { handler.printASCII(UnsafeBufferPointer(start: $0, count: 1)) }
        case 0x7f:
            break
        case 0xc2...0xdf:
            beginUTF8(byte & 0x1f, remaining: 1)
        case 0xe0:
            beginUTF8(byte & 0x0f, remaining: 2, lower: 0xa0)
        case 0xed:
            beginUTF8(byte & 0x0f, remaining: 2, upper: 0x9f)
        case 0xe1...0xef:
            beginUTF8(byte & 0x0f, remaining: 2)
        case 0xf0:
            beginUTF8(byte & 0x07, remaining: 3, lower: 0x90)
        case 0xf4:
            beginUTF8(byte & 0x07, remaining: 3, upper: 0x8f)
        case 0xf1...0xf3:
            beginUTF8(byte & 0x07, remaining: 3)
        default:  // 0x80–0xC1 and 0xF5–0xFF never begin a scalar
            handler.print("\u{FFFD}")
        }
    }

    mutating func beginUTF8(_ bits: UInt8, remaining: Int, lower: UInt8 = 0x80, upper: UInt8 = 0xbf) {
        utf8Scalar = UInt32(bits)
        utf8Remaining = remaining
        utf8Lower = lower
        utf8Upper = upper
    }

    // MARK: escape sequences

    /// Begins an escape sequence. `escapeIndex` stays where the first ESC since the ground state
    /// was: a sequence that aborts an unfinished one (ESC inside CSI, a string ended by ESC)
    /// belongs to the same span, since cutting only the second would leave the first unfinished.
    mutating func enterEscape() {
        state = .escape
        sequence.reset()
        intermediatesOverflowed = false
    }

    mutating func escape<H: VTParserHandler>(_ byte: UInt8, into handler: inout H) {
        switch byte {
        case 0x1b:
            enterEscape()
        case 0x18, 0x1a:
            state = .ground
        case 0x00..<0x20:
            handler.execute(byte)
        case 0x20..<0x30:
            _ = sequence.intermediates.append(byte)
            state = .escapeIntermediate
        case 0x5b:  // [
            beginParameters()
            state = .csiEntry
        case 0x5d:  // ]
            beginString()
            state = .oscString
        case 0x50:  // P
            beginParameters()
            state = .dcsEntry
        case 0x58, 0x5e, 0x5f:  // SOS, PM, APC
            state = .ignoredString
        case 0x30..<0x7f:
            state = .ground
            handler.escDispatch(intermediates: sequence.intermediates, final: byte)
            handler.sequenceEnded(from: escapeIndex, to: position + 1)
        default:
            break
        }
    }

    mutating func escapeIntermediate<H: VTParserHandler>(_ byte: UInt8, into handler: inout H) {
        switch byte {
        case 0x00..<0x20:
            handler.execute(byte)
        case 0x20..<0x30:
            if !sequence.intermediates.append(byte) { intermediatesOverflowed = true }
        case 0x30..<0x7f:
            state = .ground
            if !intermediatesOverflowed {
                handler.escDispatch(intermediates: sequence.intermediates, final: byte)
                handler.sequenceEnded(from: escapeIndex, to: position + 1)
            }
        default:
            break
        }
    }

    // MARK: control sequences

    mutating func beginParameters() {
        sequence.reset()
        parameter = 0
        parameterStarted = false
        nextIsSubparameter = false
        intermediatesOverflowed = false
    }

    mutating func pushParameter() {
        let index = sequence.parameters.count
        guard index < CSISequence.maximumParameters else { return }
        sequence.parameters.append(UInt16(parameter))
        if nextIsSubparameter { sequence.subparameterMask |= 1 << UInt32(index) }
        parameter = 0
    }

    /// Handles a parameter byte (digit, `;` or `:`); shared by CSI and DCS headers.
    mutating func parameterByte(_ byte: UInt8) {
        parameterStarted = true
        switch byte {
        case 0x3b:
            pushParameter()
            nextIsSubparameter = false
        case 0x3a:
            pushParameter()
            nextIsSubparameter = true
        default:
            parameter = min(parameter &* 10 &+ UInt32(byte - 0x30), 65535)
        }
    }

    mutating func finishParameters(final: UInt8) {
        if parameterStarted { pushParameter() }
        sequence.final = final
    }

    mutating func controlSequence<H: VTParserHandler>(_ byte: UInt8, into handler: inout H) {
        switch byte {
        case 0x00..<0x20:
            handler.execute(byte)
        case 0x7f...:
            break
        case 0x40..<0x7f:
            let ignored = state == .csiIgnore || intermediatesOverflowed
            state = .ground
            if !ignored {
                finishParameters(final: byte)
                handler.csiDispatch(sequence)
                handler.sequenceEnded(from: escapeIndex, to: position + 1)
            }
        default:
            if state != .csiIgnore {
                headerByte(
                    byte, entry: .csiEntry, parameter: .csiParameter, intermediate: .csiIntermediate, ignore: .csiIgnore
                )
            }
        }
    }

    /// A byte 0x20–0x3F of a CSI or DCS header: an intermediate, a parameter, or a private marker
    /// (valid only first). A parameter after an intermediate, or a late marker, spoils the
    /// sequence: it moves to `ignore`.
    mutating func headerByte(_ byte: UInt8, entry: State, parameter: State, intermediate: State, ignore: State) {
        switch byte {
        case 0x20..<0x30:
            if !sequence.intermediates.append(byte) { intermediatesOverflowed = true }
            state = intermediate
        case 0x30..<0x3c:
            if state == intermediate {
                state = ignore
            } else {
                parameterByte(byte)
                state = parameter
            }
        default:
            if state == entry {
                sequence.marker = byte
                state = parameter
            } else {
                state = ignore
            }
        }
    }

    // MARK: strings

    mutating func deviceControlHeader(_ byte: UInt8) {
        switch byte {
        case 0x00..<0x20, 0x7f...:
            break
        case 0x40..<0x7f:
            if intermediatesOverflowed {
                state = .dcsIgnore
            } else {
                finishParameters(final: byte)
                beginString()
                state = .dcsPassthrough
            }
        default:
            headerByte(
                byte, entry: .dcsEntry, parameter: .dcsParameter, intermediate: .dcsIntermediate, ignore: .dcsIgnore)
        }
    }

    mutating func beginString() {
        string.removeAll(keepingCapacity: string.capacity <= 4096)
        stringOverflowed = false
        stringSawEscape = false
    }

    mutating func collectString(_ byte: UInt8) {
        if string.count < Self.maximumStringLength {
            string.append(byte)
        } else {
            stringOverflowed = true
        }
    }

    mutating func finishString<H: VTParserHandler>(into handler: inout H, bellTerminated: Bool) {
        let finished = state
        state = .ground
        guard !stringOverflowed else { return }
        switch finished {
        case .oscString: handler.oscDispatch(string[...], bellTerminated: bellTerminated)
        case .dcsPassthrough: handler.dcsDispatch(sequence, data: string[...])
        default: return
        }
        handler.sequenceEnded(from: escapeIndex, to: position + 1)
    }
}
