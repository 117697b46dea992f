// The primitives payloads are made of: big-endian integers, length-prefixed strings and bytes,
// counted lists (docs/protocol.md). The reader never reads past its payload: it throws instead.

/// Builds a payload.
public struct WireWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ value: UInt8) { bytes.append(value) }
    public mutating func u16(_ value: UInt16) { bytes.append(contentsOf: [UInt8(value >> 8), UInt8(value & 0xff)]) }
    public mutating func u32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(value >> UInt32(shift) & 0xff)) }
    }
    public mutating func u64(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(value >> UInt64(shift) & 0xff)) }
    }
    public mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    public mutating func bool(_ value: Bool) { u8(value ? 1 : 0) }
    public mutating func data(_ value: some Collection<UInt8>) {
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }
    public mutating func string(_ value: String) { data(Array(value.utf8)) }
    public mutating func strings(_ values: [String]) {
        u16(UInt16(values.count))
        for value in values { string(value) }
    }
    /// An optional value: a presence byte (0 absent, 1 present), then the value when present.
    public mutating func optional<T>(_ value: T?, _ write: (inout WireWriter, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }
}

/// A payload that does not parse as its message type says.
public struct MalformedPayload: Error, Equatable, Sendable {
    public let reason: String
}

/// Reads a payload, in place: it reads from a slice and copies only what `data()` and `string()`
/// return.
public struct WireReader: Sendable {
    private let bytes: ArraySlice<UInt8>
    private var index: Int

    public init(_ bytes: [UInt8]) { self.init(bytes[...]) }

    public init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        index = bytes.startIndex
    }

    public var isAtEnd: Bool { index == bytes.endIndex }

    private mutating func take(_ count: Int) throws(MalformedPayload) -> ArraySlice<UInt8> {
        guard count >= 0, bytes.endIndex - index >= count else {
            throw MalformedPayload(reason: "payload ends \(count - (bytes.endIndex - index)) bytes early")
        }
        defer { index += count }
        return bytes[index..<(index + count)]
    }

    public mutating func u8() throws(MalformedPayload) -> UInt8 { try take(1).first! }
    public mutating func u16() throws(MalformedPayload) -> UInt16 {
        try take(2).reduce(0) { $0 << 8 | UInt16($1) }
    }
    public mutating func u32() throws(MalformedPayload) -> UInt32 {
        try take(4).reduce(0) { $0 << 8 | UInt32($1) }
    }
    public mutating func u64() throws(MalformedPayload) -> UInt64 {
        try take(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
    public mutating func i32() throws(MalformedPayload) -> Int32 { Int32(bitPattern: try u32()) }
    public mutating func bool() throws(MalformedPayload) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let other: throw MalformedPayload(reason: "\(other) is not a boolean")
        }
    }
    public mutating func data() throws(MalformedPayload) -> [UInt8] { Array(try dataSlice()) }
    /// A byte string left in place: a slice of the payload.
    public mutating func dataSlice() throws(MalformedPayload) -> ArraySlice<UInt8> { try take(Int(try u32())) }
    public mutating func string() throws(MalformedPayload) -> String {
        let raw = try data()
        guard let text = String(validating: raw, as: UTF8.self) else {
            throw MalformedPayload(reason: "a string is not UTF-8")
        }
        return text
    }

    public mutating func strings() throws(MalformedPayload) -> [String] {
        var values: [String] = []
        for _ in 0..<(try u16()) { values.append(try string()) }
        return values
    }

    /// An optional value written by `WireWriter.optional`.
    public mutating func optional<T>(
        _ read: (inout WireReader) throws(MalformedPayload) -> T
    ) throws(MalformedPayload) -> T? {
        try bool() ? try read(&self) : nil
    }

    /// Throws unless every byte was read: trailing bytes mean a different message than claimed.
    public func finish() throws(MalformedPayload) {
        guard isAtEnd else { throw MalformedPayload(reason: "\(bytes.endIndex - index) bytes left over") }
    }
}
