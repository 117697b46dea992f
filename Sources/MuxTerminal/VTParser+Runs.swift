// The parser's fast paths: what `feed` does for many bytes at a time instead of one by one through
// the state machine (printable ASCII, control-sequence parameters, runs of UTF-8). Each stops at
// the first byte it does not handle, leaving it to the state machine, so the result is the same
// as feeding byte by byte (the split-invariance tests and the fuzzer check that).

extension VTParser {
    /// The index of the first byte from `start` on that is not printable ASCII (0x20–0x7E), or
    /// the buffer's end. Looks at 16 bytes at a time while they are all printable, then at 8, and
    /// finds the first other byte of those 8 without a loop (words between escape sequences are
    /// short, so most runs end there).
    @usableFromInline @inline(__always)
    static func printableRunEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        let count = bytes.count
        if let base = bytes.baseAddress {
            let first = SIMD16<UInt8>(repeating: 0x20)
            let limit = SIMD16<UInt8>(repeating: 0x5f)
            while count &- index >= 16 {
                let chunk = UnsafeRawPointer(base + index).loadUnaligned(as: SIMD16<UInt8>.self)
                if any((chunk &- first) .>= limit) { break }
                index &+= 16
            }
            while count &- index >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self))
                let others = notPrintable(word)
                if others != 0 { return index &+ others.trailingZeroBitCount &>> 3 }
                index &+= 8
            }
        }
        while index < count && bytes[index] &- 0x20 < 0x5f { index &+= 1 }
        return index
    }

    /// The high bit of each byte of `word` that is not printable ASCII, the others clear. The
    /// additions cannot carry from one byte into the next: each byte's high bit is cleared first.
    @usableFromInline @inline(__always)
    static func notPrintable(_ word: UInt64) -> UInt64 {
        let high: UInt64 = 0x8080_8080_8080_8080
        let low = word & ~high
        let atLeastSpace = (low &+ 0x6060_6060_6060_6060) & high  // low 7 bits >= 0x20
        let delete = (low &+ 0x0101_0101_0101_0101) & high  // low 7 bits == 0x7F
        return (word | ~atLeastSpace | delete) & high
    }

    /// Consumes the digits, `;` and `:` of a control sequence's parameters from `start`; returns
    /// the index of the first other byte. The value being read stays in a register; a separator
    /// stores it.
    @usableFromInline
    mutating func scanParameters(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let end = bytes.count
        var index = start
        var value = parameter
        var started = parameterStarted
        while index < end {
            let byte = base[index]
            let digit = byte &- 0x30
            if digit < 10 {
                value = min(value &* 10 &+ UInt32(digit), 65535)
                started = true
            } else if byte & 0xfe == 0x3a {  // `:` or `;`
                started = true
                parameter = value
                pushParameter()
                nextIsSubparameter = byte == 0x3a
                value = 0
            } else {
                break
            }
            index &+= 1
        }
        parameter = value
        parameterStarted = started
        if index > start { state = .csiParameter }
        return index
    }

    /// Decodes the longest run of complete, valid UTF-8 and printable ASCII starting at `start`
    /// and hands it on in batches; returns where it stopped (at a control, an invalid or an
    /// incomplete sequence, which the byte-at-a-time machine then handles).
    @usableFromInline
    static func decodeRun<H: VTParserHandler>(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, into handler: inout H
    ) -> Int {
        // 1 KiB: the most `withUnsafeTemporaryAllocation` puts on the stack; more goes to the heap.
        let capacity = 256
        return withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: capacity) { buffer in
            var index = start
            var count = 0
            let end = bytes.count
            decoding: while index < end {
                let value: UInt32
                let length: Int
                let lead = bytes[index]
                if lead < 0x80 {
                    guard lead &- 0x20 < 0x5f else { break decoding }
                    value = UInt32(lead)
                    length = 1
                } else if end &- index >= 4 {
                    // Four bytes at once (little-endian: the lead is the low byte); the masks
                    // check the lead's length bits and each continuation's 10xxxxxx together.
                    let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt32.self)
                    if word & 0x00c0_c0f0 == 0x0080_80e0 {
                        value = (word & 0x0f) << 12 | (word >> 2) & 0xfc0 | (word >> 16) & 0x3f
                        // Overlong forms and surrogates are invalid.
                        guard value >= 0x800, value & 0xf800 != 0xd800 else { break decoding }
                        length = 3
                    } else if word & 0xc0c0_c0f8 == 0x8080_80f0 {
                        value =
                            (word & 0x07) << 18 | (word << 4) & 0x3_f000 | (word >> 10) & 0xfc0 | (word >> 24) & 0x3f
                        guard value >= 0x10000, value <= 0x10ffff else { break decoding }
                        length = 4
                    } else if word & 0xc0e0 == 0x80c0 {
                        value = (word & 0x1f) << 6 | (word >> 8) & 0x3f
                        guard value >= 0x80 else { break decoding }
                        length = 2
                    } else {
                        break decoding
                    }
                } else {
                    guard let (scalar, size) = decodeNearEnd(bytes, at: index) else { break decoding }
                    value = scalar
                    length = size
                }
                buffer[count] = Unicode.Scalar(value).unsafelyUnwrapped
                count += 1
                index += length
                if count == capacity {
                    handler.print(UnsafeBufferPointer(rebasing: buffer[0..<count]))
                    count = 0
                }
            }
            if count > 0 { handler.print(UnsafeBufferPointer(rebasing: buffer[0..<count])) }
            return index
        }
    }

    /// Decodes the multi-byte character at `index` when fewer than four bytes are left: its
    /// value and length, or nil when it is invalid or incomplete.
    @usableFromInline
    static func decodeNearEnd(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        let end = bytes.count
        func continuation(_ offset: Int) -> UInt32? {
            guard index + offset < end, bytes[index + offset] & 0xc0 == 0x80 else { return nil }
            return UInt32(bytes[index + offset] & 0x3f)
        }
        let lead = bytes[index]
        switch lead {
        case 0xc2...0xdf:
            guard let second = continuation(1) else { return nil }
            return (UInt32(lead & 0x1f) << 6 | second, 2)
        case 0xe0...0xef:
            guard let second = continuation(1), let third = continuation(2) else { return nil }
            let value = UInt32(lead & 0x0f) << 12 | second << 6 | third
            guard value >= 0x800, value & 0xf800 != 0xd800 else { return nil }
            return (value, 3)
        default:
            return nil  // a four-byte character needs four bytes
        }
    }
}
