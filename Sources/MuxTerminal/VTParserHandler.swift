// What the parser hands on: the actions of the DEC ANSI parser (vt100.net, Paul Williams), with
// printable text already decoded from UTF-8. The parser assigns no meaning to any of it.

/// Receives the parser's actions. Generic use lets the compiler specialise the hot path.
public protocol VTParserHandler {
    /// A run of printable ASCII (0x20–0x7E); the common case, passed without decoding.
    mutating func printASCII(_ bytes: UnsafeBufferPointer<UInt8>)
    /// A run of decoded scalars, printable ASCII among them (invalid UTF-8 arrives as U+FFFD).
    mutating func print(_ scalars: UnsafeBufferPointer<Unicode.Scalar>)
    /// A C0 control to execute (BEL, BS, HT, LF, VT, FF, CR, SO, SI, ...).
    mutating func execute(_ control: UInt8)
    /// A complete control sequence: `CSI [marker] params [intermediates] final`.
    mutating func csiDispatch(_ sequence: CSISequence)
    /// A complete escape sequence: `ESC [intermediates] final`.
    mutating func escDispatch(intermediates: Intermediates, final: UInt8)
    /// A complete operating system command: the bytes between `ESC ]` and BEL or ST.
    /// `bellTerminated` tells which ended it, so that a reply can end the same way (as xterm's do).
    mutating func oscDispatch(_ data: ArraySlice<UInt8>, bellTerminated: Bool)
    /// A complete device control string: its header as a CSISequence and its data.
    mutating func dcsDispatch(_ header: CSISequence, data: ArraySlice<UInt8>)
    /// See the extension's default, which does nothing.
    mutating func sequenceEnded(from start: Int, to end: Int)
}

extension VTParserHandler {
    /// A control sequence, OSC or DCS string just dispatched spans `start..<end` of the bytes
    /// passed to the current `feed` (`start` is -1 when it began in an earlier feed). The default
    /// ignores it; the terminal marks with it the queries it answered, which
    /// `Emulator.feedForwarding` cuts out of forwarded output.
    @inline(__always)
    public mutating func sequenceEnded(from start: Int, to end: Int) {}

    /// Hands on one scalar as a run of one.
    @inline(__always)
    mutating func print(_ scalar: Unicode.Scalar) {
        var scalar = scalar
        withUnsafePointer(to: &scalar) { print(UnsafeBufferPointer(start: $0, count: 1)) }
    }
}

/// Up to two intermediate bytes (0x20–0x2F), packed; more make the sequence invalid and ignored.
public struct Intermediates: Equatable, Sendable {
    public private(set) var first: UInt8 = 0
    public private(set) var second: UInt8 = 0
    public var count: Int { first == 0 ? 0 : (second == 0 ? 1 : 2) }

    public init() {}
    public init(_ first: UInt8, _ second: UInt8 = 0) {
        self.first = first
        self.second = second
    }

    /// Adds a byte; returns false when there is no room.
    mutating func append(_ byte: UInt8) -> Bool {
        if first == 0 {
            first = byte
        } else if second == 0 {
            second = byte
        } else {
            return false
        }
        return true
    }
}

/// Up to 32 parameter values, stored inline: collecting and passing them allocates nothing and
/// costs no reference counting (SGR-dense output dispatches a sequence every few bytes).
public struct CSIParameters: RandomAccessCollection, Sendable {
    private var storage = InlineArray<32, UInt16>(repeating: 0)
    public private(set) var endIndex = 0

    public init() {}

    public var startIndex: Int { 0 }

    public subscript(index: Int) -> UInt16 {
        precondition(index >= 0 && index < endIndex, "parameter index out of range")
        return storage[index]
    }

    /// Runs `body` on the values (for loops that read many: no check per read).
    @inline(__always)
    func withUnsafeValues<R>(_ body: (UnsafeBufferPointer<UInt16>) -> R) -> R {
        storage.span.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[0..<endIndex])) }
    }

    /// Adds a value; the caller keeps to the capacity.
    mutating func append(_ value: UInt16) {
        storage[endIndex] = value
        endIndex += 1
    }

    mutating func removeAll() { endIndex = 0 }
}

/// A control sequence's parameters, private marker, intermediates and final byte.
///
/// Parameters are stored flat; `isSubparameter(i)` tells whether parameter `i` followed a colon
/// (so `38:2::1:2:3` is 38 with subparameters 2, 0, 1, 2, 3). Values saturate at 65535; an empty
/// parameter reads as 0, and `parameter(_:default:)` turns 0 into the sequence's default.
public struct CSISequence: Sendable {
    public static let maximumParameters = 32

    public internal(set) var parameters = CSIParameters()
    var subparameterMask: UInt32 = 0
    /// `<`, `=`, `>` or `?` when the sequence began with one; 0 otherwise.
    public internal(set) var marker: UInt8 = 0
    public internal(set) var intermediates = Intermediates()
    public internal(set) var final: UInt8 = 0

    public init() {}

    public init(
        marker: UInt8 = 0, parameters: [UInt16], subparameters: Set<Int> = [],
        intermediates: Intermediates = Intermediates(), final: UInt8
    ) {
        self.marker = marker
        for value in parameters.prefix(Self.maximumParameters) { self.parameters.append(value) }
        for index in subparameters { subparameterMask |= 1 << UInt32(index) }
        self.intermediates = intermediates
        self.final = final
    }

    public var count: Int { parameters.count }

    /// Parameter `index`, or `defaultValue` when it is absent or 0.
    @inlinable
    public func parameter(_ index: Int, default defaultValue: Int) -> Int {
        guard index < parameters.count else { return defaultValue }
        let value = Int(parameters[index])
        return value == 0 ? defaultValue : value
    }

    /// Whether parameter `index` was separated from the one before it by a colon.
    public func isSubparameter(_ index: Int) -> Bool {
        index < 32 && subparameterMask & (1 << UInt32(index)) != 0
    }

    mutating func reset() {
        parameters.removeAll()
        subparameterMask = 0
        marker = 0
        intermediates = Intermediates()
        final = 0
    }
}
