// The emulator: a parser feeding a terminal. This is the type the server and `mux render` own.

/// A VT parser and the terminal its actions change.
public struct Emulator: Sendable {
    public private(set) var terminal: Terminal
    private var parser = VTParser()

    public init(columns: Int = 80, rows: Int = 24, scrollbackLimit: Int = 10_000) {
        terminal = Terminal(columns: columns, rows: rows, scrollbackLimit: scrollbackLimit)
    }

    /// Parses `bytes` and applies them. Any split of a stream into calls gives the same state.
    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) {
        parser.feed(bytes, into: &terminal)
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
