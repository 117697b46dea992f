// The emulator: a parser feeding a terminal. This is the type the server and `mux render` own.

/// A VT parser and the terminal its actions change.
public struct Emulator: Sendable {
    public private(set) var terminal: Terminal
    private var parser = VTParser()
    /// The start of a sequence that was still unfinished at the end of the last `feedForwarding`:
    /// parsed, but not yet handed on.
    private var heldBack: [UInt8] = []
    /// `heldBack` grew past `maximumHeldBack` and was handed on; its sequence can no longer be cut.
    private var heldBackForwarded = false
    /// What was handed on before `heldBack` ends in half a UTF-8 character (which the held-back
    /// ESC turned into U+FFFD).
    private var heldBackAfterHalfCharacter = false
    static let maximumHeldBack = 1 << 16

    /// An emulator keeping at most `scrollbackLimit` lines and `scrollbackBytes` bytes of history.
    public init(
        columns: Int = 80, rows: Int = 24, scrollbackLimit: Int = 10_000,
        scrollbackBytes: Int = Scrollback.unlimitedBytes
    ) {
        terminal = Terminal(
            columns: columns, rows: rows, scrollbackLimit: scrollbackLimit, scrollbackBytes: scrollbackBytes)
    }

    /// Drops the oldest history lines until it holds at most `bytes` (a server's budget for all
    /// its sessions' history). Returns how many lines went.
    @discardableResult
    public mutating func trimHistory(toBytes bytes: Int) -> Int {
        terminal.scrollback.dropOldest(toBytes: bytes)
    }

    /// Bounds the history to `bytes` from now on (`mux new --scrollback-bytes`), dropping its
    /// oldest lines past it now.
    public mutating func limitHistory(toBytes bytes: Int) {
        terminal.scrollback.setByteLimit(bytes)
    }

    /// Parses `bytes` and applies them. Any split of a stream into calls gives the same state.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        parser.feed(bytes, into: &terminal)
        if !terminal.answeredQueries.isEmpty { terminal.answeredQueries.removeAll() }
    }

    /// Parses `bytes` like `feed` and appends to `forward` what a viewer's terminal should get:
    /// the same bytes without the queries this emulator answered (a viewer's terminal must not
    /// answer them a second time), and without the start of a sequence still unfinished at the
    /// end, which is held back until it completes (so that it can be cut if it is a query). When
    /// `isInGround`, everything parsed has been handed on or cut. Held-back bytes over 64 KiB (an
    /// endless string) are handed on as they are.
    public mutating func feedForwarding(_ bytes: UnsafeBufferPointer<UInt8>, into forward: inout [UInt8]) {
        parser.feed(bytes, into: &terminal)
        let cuts = terminal.answeredQueries
        if cuts.isEmpty && heldBack.isEmpty && parser.isInGround {
            forward.append(contentsOf: bytes)
            return
        }
        terminal.answeredQueries.removeAll(keepingCapacity: true)
        // One coordinate for the held-back bytes followed by the new ones; a span starting at -1
        // began in the held-back bytes, which always start at that sequence's ESC.
        let carried = heldBack.count
        var combined = heldBack
        combined.append(contentsOf: bytes)
        heldBack.removeAll(keepingCapacity: true)
        var holdFrom = combined.count
        if !parser.isInGround {
            if parser.state != .ground {
                if parser.escapeIndex >= 0 {
                    holdFrom = carried + parser.escapeIndex
                    // A sequence that began in this read is held back whole, whatever was
                    // handed on before it (an endless string that has ended since).
                    heldBackForwarded = false
                } else if !heldBackForwarded {
                    holdFrom = 0
                }
            } else {
                // Half a UTF-8 character: hold back from its lead byte (at most 3 bytes back).
                var index = combined.count - 1
                while index > 0 && index >= combined.count - 3 && combined[index] & 0xc0 == 0x80 { index -= 1 }
                holdFrom = index
            }
            if combined.count - holdFrom > Self.maximumHeldBack {
                if parser.state == .oscString { Self.disarmClipboardWrite(&combined, at: holdFrom) }
                holdFrom = combined.count
                heldBackForwarded = true
            }
        }
        var from = 0
        for query in cuts {
            let cut = query.span
            let start = cut.lowerBound < 0 ? 0 : carried + cut.lowerBound
            if cut.lowerBound < 0 && heldBackForwarded { continue }
            forward.append(contentsOf: combined[from..<start])
            from = carried + cut.upperBound
            // Controls executed inside the span (a line feed in the middle of `CSI 6 n`) did
            // their work: viewers get them, only the query goes. The parser says which they are.
            var controls = ExecutedControls()
            var scratch = VTParser()
            combined[start..<from].withUnsafeBufferPointer { scratch.feed($0, into: &controls) }
            // A NUL, which changes nothing else, stands in for what the query did besides: an ESC
            // that interrupts half a UTF-8 character makes it a U+FFFD, and a sequence right
            // after a character ends what REP repeats (unless a control inside it did).
            let afterHalfCharacter =
                cut.lowerBound < 0 ? heldBackAfterHalfCharacter : Self.endsInsideCharacter(combined[..<start])
            if afterHalfCharacter || query.endsRepeat && controls.bytes.isEmpty { forward.append(0x00) }
            forward.append(contentsOf: controls.bytes)
            forward.append(contentsOf: query.replacement)
        }
        if holdFrom >= from {
            forward.append(contentsOf: combined[from..<holdFrom])
            heldBack.append(contentsOf: combined[holdFrom...])
        }
        if heldBack.isEmpty {
            heldBackAfterHalfCharacter = false
        } else if holdFrom > 0 {
            heldBackAfterHalfCharacter = Self.endsInsideCharacter(combined[..<holdFrom])
        }
        if parser.isInGround { heldBackForwarded = false }
    }

    /// Hands on now the controls that the held-back bytes (an unfinished sequence) contain and
    /// that were already executed, keeping the rest held back. Call before a snapshot: it shows
    /// their effect, so the sequence must reach a viewer starting from it without them. Viewers
    /// already watching get them just before the sequence instead of inside it, which acts the
    /// same: a control inside a sequence takes effect before the sequence ends.
    public mutating func releaseExecutedControls(into forward: inout [UInt8]) {
        guard !heldBack.isEmpty else { return }
        var controls = ExecutedControls()
        var scratch = VTParser()
        var rest: [UInt8] = []
        rest.reserveCapacity(heldBack.count)
        for byte in heldBack {
            let executed = controls.bytes.count
            withUnsafePointer(to: byte) { scratch.feed(UnsafeBufferPointer(start: $0, count: 1), into: &controls) }
            if controls.bytes.count == executed { rest.append(byte) }
        }
        guard !controls.bytes.isEmpty else { return }
        forward.append(contentsOf: controls.bytes)
        heldBack = rest
        heldBackAfterHalfCharacter = false  // what was handed on now ends in a control
    }

    /// An OSC 52 too long to hold back whole goes on to viewers as a string no terminal acts on
    /// (`OSC 5!;`, the same length): only the lease holder may have its clipboard set, and the
    /// server hands it the write on its own (`Effects.clipboardWrites`).
    static func disarmClipboardWrite(_ bytes: inout [UInt8], at start: Int) {
        guard start + 4 < bytes.count, bytes[start] == 0x1b, bytes[start + 1] == 0x5d, bytes[start + 2] == 0x35,
            bytes[start + 3] == 0x32, bytes[start + 4] == 0x3b
        else { return }
        bytes[start + 3] = 0x21
    }

    /// Whether `bytes` end with the start of a UTF-8 character that lacks continuation bytes.
    static func endsInsideCharacter(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.endIndex - 1
        var continuations = 0
        while index >= bytes.startIndex && continuations < 3 && bytes[index] & 0xc0 == 0x80 {
            index -= 1
            continuations += 1
        }
        guard index >= bytes.startIndex else { return false }
        let length =
            switch bytes[index] {
            case 0xc2...0xdf: 2
            case 0xe0...0xef: 3
            case 0xf0...0xf4: 4
            default: 0
            }
        return continuations + 1 < length
    }

    public mutating func feedForwarding(_ bytes: [UInt8], into forward: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { feedForwarding($0, into: &forward) }
    }

    public mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { feed($0) }
    }

    public mutating func feed(_ text: String) {
        var text = text
        text.withUTF8 { feed($0) }
    }

    /// Whether no sequence or character is half-parsed.
    public var isInGround: Bool { parser.isInGround }

    /// Whether the state is all in `terminal`: nothing half-parsed and nothing held back. A
    /// snapshot taken now, fed to a new emulator, continues parsing exactly where this one is
    /// (a recovery checkpoint is taken only then).
    public var isAtRest: Bool { parser.isInGround && heldBack.isEmpty }

    /// Hands over what the terminal asked of its owner (replies, bell, title, clipboard).
    public mutating func takeEffects() -> Effects { terminal.takeEffects() }

    /// Facts about the outside terminal that replies depend on.
    public var environment: TerminalEnvironment {
        get { terminal.environment }
        set { terminal.environment = newValue }
    }

    /// Changes the size; the primary screen reflows soft-wrapped lines.
    public mutating func resize(columns: Int, rows: Int) {
        terminal.resize(columns: columns, rows: rows)
    }
}

/// Collects the controls a parser executes and ignores everything else.
private struct ExecutedControls: VTParserHandler {
    var bytes: [UInt8] = []
    mutating func printASCII(_ bytes: UnsafeBufferPointer<UInt8>) {}
    mutating func print(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) {}
    mutating func execute(_ control: UInt8) { bytes.append(control) }
    mutating func csiDispatch(_ sequence: CSISequence) {}
    mutating func escDispatch(intermediates: Intermediates, final: UInt8) {}
    mutating func oscDispatch(_ data: ArraySlice<UInt8>, bellTerminated: Bool) {}
    mutating func dcsDispatch(_ header: CSISequence, data: ArraySlice<UInt8>) {}
}
