// The terminal's whole state: both screens, the cursor and its pen, modes, margins, tab stops,
// character sets, saved cursors, titles, colours and scrollback. Operations are named after the
// VT operation they perform and live in Terminal+Facet.swift files. No I/O: what a program asks of
// the outside world (replies, bell, title changes) collects in `effects` for the owner to drain.

/// The cursor: position, pending wrap and the pen new characters are written with.
public struct Cursor: Hashable, Sendable {
    public var x = 0
    public var y = 0
    /// The last column was just written with autowrap on: the next character wraps first.
    public var pendingWrap = false
    /// The look of the next character (content 0); `attributes.extrasIndex` points at its extras.
    public var pen = Cell.blank

    public init() {}
}

/// What DECSC saves: position, pending wrap, pen, character sets and origin mode.
public struct SavedCursor: Hashable, Sendable {
    public var cursor = Cursor()
    public var charsets = CharsetState()
    public var origin = false

    public init() {}
}

/// One of the two screens.
public struct Screen: Hashable, Sendable {
    public var rows: ScreenRows
    public var savedCursor = SavedCursor()

    init(columns: Int, rows: Int) {
        self.rows = ScreenRows([Row](repeating: Row(columns: columns), count: rows))
    }
}

/// Facts about the terminal outside: what replies to colour and size queries say, and policies.
public struct TerminalEnvironment: Hashable, Sendable {
    /// Default foreground and background reported to OSC 10/11 queries when the program set none.
    public var foreground: (UInt8, UInt8, UInt8) = (0xe5, 0xe5, 0xe5)
    public var background: (UInt8, UInt8, UInt8) = (0x00, 0x00, 0x00)
    public var cursorColor: (UInt8, UInt8, UInt8) = (0xe5, 0xe5, 0xe5)
    /// The size of one cell in pixels, for XTWINOPS 14 and 16; 0 when unknown.
    public var cellWidth = 0
    public var cellHeight = 0
    /// The size of the screen the lead client's window is on, in pixels, for XTWINOPS 15 and 19;
    /// 0 when unknown (the reports then give the terminal's own size).
    public var screenWidth = 0
    public var screenHeight = 0
    /// Whether OSC 52 may set the clipboard (it is then an effect); queries are never answered.
    public var allowClipboardWrite = true

    public init() {}

    public static func == (a: Self, b: Self) -> Bool {
        a.foreground == b.foreground && a.background == b.background && a.cursorColor == b.cursorColor
            && a.cellWidth == b.cellWidth && a.cellHeight == b.cellHeight
            && a.screenWidth == b.screenWidth && a.screenHeight == b.screenHeight
            && a.allowClipboardWrite == b.allowClipboardWrite
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(cellWidth)
        hasher.combine(cellHeight)
    }
}

/// What the emulator asks of its owner. Drain it after each feed.
public struct Effects: Hashable, Sendable {
    /// Bytes to write back to the program: answers to queries.
    public var replies: [UInt8] = []
    /// How many times BEL rang.
    public var bells = 0
    /// The title or icon name changed.
    public var titleChanged = false
    /// OSC 52 clipboard writes: the selection letters and the decoded-as-received base64 text.
    public var clipboardWrites: [ClipboardWrite] = []
    /// OSC 8 links dropped because the terminal holds `Terminal.maximumHyperlinks` already.
    public var hyperlinksDropped = 0

    public init() {}

    public var isEmpty: Bool {
        replies.isEmpty && bells == 0 && !titleChanged && clipboardWrites.isEmpty && hyperlinksDropped == 0
    }
}

/// An OSC 52 request to set a selection.
public struct ClipboardWrite: Hashable, Sendable {
    public var selections: String
    public var base64: String

    public init(selections: String, base64: String) {
        self.selections = selections
        self.base64 = base64
    }
}

/// A terminal: the state a VT parser's actions change.
public struct Terminal: Sendable {
    public internal(set) var columns: Int
    public internal(set) var rows: Int

    public internal(set) var primary: Screen
    public internal(set) var alternate: Screen
    public internal(set) var usingAlternateScreen = false
    public internal(set) var scrollback: Scrollback

    public internal(set) var cursor = Cursor()
    public internal(set) var charsets = CharsetState()
    public internal(set) var modes = Modes()
    public internal(set) var cursorShape = CursorShape.default
    /// The scroll region, inclusive, 0-based.
    public internal(set) var scrollTop = 0
    public internal(set) var scrollBottom: Int
    /// The left and right margins (DECSLRM), inclusive, 0-based; the whole width unless DECLRMM.
    public internal(set) var leftMargin = 0
    public internal(set) var rightMargin: Int
    /// Which protection erasing honours (DECSCA or SPA, whichever came last).
    public internal(set) var protectionMode = ProtectionMode.dec
    /// DECSACE: whether DECCARA and DECRARA act on a rectangle (true) or a stream of cells.
    public internal(set) var attributeChangeRectangle = false
    /// XTCHECKSUM: the bits that change what DECRQCRA sums (see `checksum(of:)`).
    public internal(set) var checksumFlags = 0
    /// XTSAVE: DEC private modes saved by `CSI ? Pm s`, for `CSI ? Pm r`.
    public internal(set) var savedModes: [UInt16: Bool] = [:]
    /// DECSCL: the conformance level (61–65) a program selected; 64 (VT420) at power-on.
    public internal(set) var conformanceLevel = 64
    public internal(set) var tabStops: [Bool]

    public internal(set) var title = ""
    public internal(set) var iconName = ""
    /// XTWINOPS 22/23: saved (title, icon name) pairs, newest last.
    public internal(set) var titleStack: [TitlePair] = []
    /// OSC 7: the program's working directory as a URL.
    public internal(set) var workingDirectory = ""
    /// OSC 133: where the shell is between prompt and command, and its last command's status.
    public internal(set) var commandState = CommandState()
    /// OSC 4 palette changes, by index.
    public internal(set) var paletteOverrides: [UInt8: Color] = [:]
    /// OSC 10–19 changes (default foreground, background, cursor colour, pointer, Tektronix and
    /// highlight colours), by OSC number less 10.
    public internal(set) var dynamicColors: [Int: Color] = [:]
    /// OSC 5 (and OSC 4 256–260) changes: the colours of bold, underline, blink, reverse and italic.
    public internal(set) var specialColors: [Int: Color] = [:]

    /// The extras the pen writes with (underline colour, hyperlink).
    public internal(set) var penExtras = CellExtras()
    var clusters = InternTable<[Unicode.Scalar]>(placeholder: [], capacity: 1 << 31)
    /// Two-scalar clusters by their scalars (first << 32 | second): the index in `clusters`.
    /// Emptied whenever `clusters` is renumbered.
    var clusterPairs: [UInt64: UInt32] = [:]
    var extras = InternTable<CellExtras>(placeholder: CellExtras(), capacity: 1 << 16)
    var hyperlinks = InternTable<Hyperlink>(
        placeholder: Hyperlink(id: "", uri: ""), capacity: Terminal.maximumHyperlinks + 1)
    /// Links dropped since the hyperlink table was last collected (see `setHyperlink`).
    var hyperlinksDroppedSinceCollection = 0
    /// When the cluster table reaches this size, unreferenced clusters are collected.
    var clusterCollectionThreshold = 4096
    /// The last graphic character printed, for REP; 0 when there is none.
    var lastPrinted: UInt32 = 0

    public var environment = TerminalEnvironment()
    public internal(set) var effects = Effects()
    /// The sequences answered with a reply (or otherwise kept from viewers) since the owner last
    /// looked; see `Emulator.feedForwarding`.
    var answeredQueries: [AnsweredQuery] = []
    /// The sequence being dispatched is to be cut (`cutFromViewers`).
    var repliedInSequence = false
    /// ... and REP had a character to repeat when it began.
    var cutEndsRepeat = false
    /// What viewers get in its place if it is cut: the settings it made besides its queries.
    var cutReplacement: [UInt8] = []

    /// A terminal of `columns` x `rows` keeping at most `scrollbackLimit` lines of history, and
    /// at most `scrollbackBytes` bytes of it.
    public init(
        columns: Int = 80, rows: Int = 24, scrollbackLimit: Int = 10_000,
        scrollbackBytes: Int = Scrollback.unlimitedBytes
    ) {
        precondition(columns > 0 && rows > 0, "a terminal needs at least one cell")
        self.columns = columns
        self.rows = rows
        primary = Screen(columns: columns, rows: rows)
        alternate = Screen(columns: columns, rows: rows)
        scrollback = Scrollback(limit: scrollbackLimit, byteLimit: scrollbackBytes)
        scrollBottom = rows - 1
        rightMargin = columns - 1
        tabStops = Terminal.defaultTabStops(columns: columns)
    }

    static func defaultTabStops(columns: Int) -> [Bool] {
        (0..<columns).map { $0 % 8 == 0 && $0 > 0 }
    }

    /// The screen being shown.
    public internal(set) var screen: Screen {
        _read {
            // Two yields rather than a ternary: a ternary would copy the screen on every read.
            if usingAlternateScreen {
                yield alternate
            } else {
                yield primary
            }
        }
        _modify {
            if usingAlternateScreen {
                yield &alternate
            } else {
                yield &primary
            }
        }
    }

    /// Hands over and clears what the emulator asked of its owner since the last call.
    public mutating func takeEffects() -> Effects {
        defer { effects = Effects() }
        return effects
    }

    // MARK: reading cells

    /// The scalars of a cell's content (empty for a never-written cell or a spacer).
    public func scalars(of cell: Cell) -> [Unicode.Scalar] {
        if cell.content == 0 { return [] }
        if cell.isCluster { return clusters[Int(cell.content & ~Cell.clusterFlag)] }
        return [Unicode.Scalar(cell.content) ?? "\u{FFFD}"]
    }

    /// A cell's extras (underline colour, hyperlink index).
    public func extras(of cell: Cell) -> CellExtras {
        extras[cell.attributes.extrasIndex]
    }

    /// The hyperlink at `index` in the hyperlink table; nil for 0.
    public func hyperlink(_ index: Int) -> Hyperlink? {
        index == 0 ? nil : hyperlinks[index]
    }
}

/// A title and icon name saved by XTWINOPS 22.
public struct TitlePair: Hashable, Sendable {
    public var title: String
    public var iconName: String
}
