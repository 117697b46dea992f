// The messages of the link between a server and its keeper (docs/lifecycle.md, "The link") and
// their encoding: one type byte, then the fields; integers little-endian, byte strings, strings
// and string lists with a u32 length (a list: a u32 count, then each string). Descriptors travel
// beside the bytes (SCM_RIGHTS, see KeeperWire.swift); `descriptorCount` says how many each has.

/// What a server asks for to start a program (`SPAWN`).
public struct SpawnRequest: Equatable, Sendable {
    /// Chosen by the server; the answer (`SPAWNED` or `SPAWN_FAILED`) carries it back.
    public var id: UInt32
    public var arguments: [String]
    public var environment: [String]
    /// nil: the keeper's own (which is the directory the server was started in).
    public var workingDirectory: String?
    public var columns: UInt16
    public var rows: UInt16
    /// The server's own description of the program, opaque to the keeper.
    public var tag: [UInt8]

    public init(
        id: UInt32, arguments: [String], environment: [String], workingDirectory: String?, columns: UInt16,
        rows: UInt16, tag: [UInt8]
    ) {
        self.id = id
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.columns = columns
        self.rows = rows
        self.tag = tag
    }
}

/// One message on the link. Wait statuses are raw, as `waitpid` gives them.
public enum KeeperMessage: Equatable, Sendable {
    /// keeper: a program held, with its master (one descriptor); `exit` once it has been reaped.
    case held(pid: Int32, tag: [UInt8], exit: Int32?)
    /// keeper: the listening socket it holds (one descriptor).
    case listener
    /// keeper: the inventory is complete.
    case heldEnd
    /// server: start a program.
    case spawn(SpawnRequest)
    /// keeper: the program of request `id` runs (one descriptor: its master).
    case spawned(id: UInt32, pid: Int32)
    /// keeper: the program of request `id` could not start; `stage` is the shim's `mux_spawn_stage`.
    case spawnFailed(id: UInt32, stage: Int32, errorNumber: Int32)
    /// server: replace the tag kept with a program.
    case retag(pid: Int32, tag: [UInt8])
    /// server: close the keeper's master, forget the program once it has exited.
    case release(pid: Int32)
    /// server: keep this listening socket for the next server (one descriptor).
    case holdListener
    /// server: it has restored `count` sessions and serves.
    case ready(count: UInt32)
    /// server: it is stopping on purpose; do not restart it.
    case stopping
    /// server: replace me with a server started from `executable` (empty: the keeper's own binary).
    case restart(executable: String)
    /// keeper: a program was reaped.
    case exited(pid: Int32, status: Int32)
    /// keeper: you were replaced; close your clients and exit without ending a session.
    case exit
    /// keeper: the replacement failed; carry on.
    case rollback(reason: String)

    /// How many descriptors travel with the message.
    public var descriptorCount: Int {
        switch self {
        case .held, .listener, .spawned, .holdListener: 1
        default: 0
        }
    }

    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .held: 0x01
        case .listener: 0x02
        case .heldEnd: 0x03
        case .spawn: 0x10
        case .spawned: 0x11
        case .spawnFailed: 0x12
        case .retag: 0x13
        case .release: 0x14
        case .holdListener: 0x15
        case .ready: 0x20
        case .stopping: 0x21
        case .restart: 0x22
        case .exited: 0x30
        case .exit: 0x31
        case .rollback: 0x32
        }
    }

    /// The message's bytes.
    public func encoded() -> [UInt8] {
        var out = WireWriter()
        out.u8(type)
        switch self {
        case .held(let pid, let tag, let exit):
            out.i32(pid)
            out.bytes(tag)
            out.optionalI32(exit)
        case .listener, .heldEnd, .holdListener, .stopping, .exit:
            break
        case .spawn(let request):
            out.u32(request.id)
            out.strings(request.arguments)
            out.strings(request.environment)
            out.optionalString(request.workingDirectory)
            out.u16(request.columns)
            out.u16(request.rows)
            out.bytes(request.tag)
        case .spawned(let id, let pid):
            out.u32(id)
            out.i32(pid)
        case .spawnFailed(let id, let stage, let errorNumber):
            out.u32(id)
            out.i32(stage)
            out.i32(errorNumber)
        case .retag(let pid, let tag):
            out.i32(pid)
            out.bytes(tag)
        case .release(let pid):
            out.i32(pid)
        case .ready(let count):
            out.u32(count)
        case .restart(let executable):
            out.string(executable)
        case .exited(let pid, let status):
            out.i32(pid)
            out.i32(status)
        case .rollback(let reason):
            out.string(reason)
        }
        return out.buffer
    }

    /// Decodes one whole message; anything short, long or malformed throws.
    public init(decoding bytes: some Collection<UInt8>) throws(KeeperWireError) {
        var input = WireReader(Array(bytes))
        let type = try input.u8()
        switch type {
        case 0x01: self = .held(pid: try input.i32(), tag: try input.bytes(), exit: try input.optionalI32())
        case 0x02: self = .listener
        case 0x03: self = .heldEnd
        case 0x10:
            self = .spawn(
                SpawnRequest(
                    id: try input.u32(), arguments: try input.strings(), environment: try input.strings(),
                    workingDirectory: try input.optionalString(), columns: try input.u16(), rows: try input.u16(),
                    tag: try input.bytes()))
        case 0x11: self = .spawned(id: try input.u32(), pid: try input.i32())
        case 0x12: self = .spawnFailed(id: try input.u32(), stage: try input.i32(), errorNumber: try input.i32())
        case 0x13: self = .retag(pid: try input.i32(), tag: try input.bytes())
        case 0x14: self = .release(pid: try input.i32())
        case 0x15: self = .holdListener
        case 0x20: self = .ready(count: try input.u32())
        case 0x21: self = .stopping
        case 0x22: self = .restart(executable: try input.string())
        case 0x30: self = .exited(pid: try input.i32(), status: try input.i32())
        case 0x31: self = .exit
        case 0x32: self = .rollback(reason: try input.string())
        default: throw .unknownType(type)
        }
        try input.finish()
    }
}

/// Why bytes are not a message.
public enum KeeperWireError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes end inside a field.
    case truncated
    /// Bytes are left after the last field.
    case trailingBytes(Int)
    case unknownType(UInt8)
    /// A string is not UTF-8.
    case invalidText
    /// An optional field's presence byte is neither 0 nor 1.
    case invalidFlag(UInt8)

    public var description: String {
        switch self {
        case .truncated: "a message ends inside a field"
        case .trailingBytes(let count): "\(count) bytes after a message's last field"
        case .unknownType(let type): "unknown message type 0x\(String(type, radix: 16))"
        case .invalidText: "a string that is not UTF-8"
        case .invalidFlag(let flag): "presence byte \(flag), neither 0 nor 1"
        }
    }
}

/// Appends fields in the link's encoding (also the keeper's table for re-exec).
struct WireWriter {
    var buffer: [UInt8] = []

    mutating func u8(_ value: UInt8) { buffer.append(value) }
    mutating func u16(_ value: UInt16) { little(UInt64(value), 2) }
    mutating func u32(_ value: UInt32) { little(UInt64(value), 4) }
    mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
    mutating func u64(_ value: UInt64) { little(value, 8) }

    private mutating func little(_ value: UInt64, _ count: Int) {
        for index in 0..<count { buffer.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    mutating func bytes(_ value: [UInt8]) {
        u32(UInt32(value.count))
        buffer += value
    }

    mutating func string(_ value: String) { bytes(Array(value.utf8)) }

    mutating func strings(_ values: [String]) {
        u32(UInt32(values.count))
        for value in values { string(value) }
    }

    mutating func optionalI32(_ value: Int32?) {
        u8(value == nil ? 0 : 1)
        if let value { i32(value) }
    }

    mutating func optionalString(_ value: String?) {
        u8(value == nil ? 0 : 1)
        if let value { string(value) }
    }
}

/// Reads fields in the link's encoding; every read checks the length first.
struct WireReader {
    private let input: [UInt8]
    private var offset = 0

    init(_ input: [UInt8]) { self.input = input }

    private mutating func take(_ count: Int) throws(KeeperWireError) -> ArraySlice<UInt8> {
        guard count >= 0, input.count - offset >= count else { throw .truncated }
        defer { offset += count }
        return input[offset..<offset + count]
    }

    private mutating func little(_ count: Int) throws(KeeperWireError) -> UInt64 {
        var value: UInt64 = 0
        for (index, byte) in try take(count).enumerated() { value |= UInt64(byte) << (8 * index) }
        return value
    }

    mutating func u8() throws(KeeperWireError) -> UInt8 { try take(1).first! }
    mutating func u16() throws(KeeperWireError) -> UInt16 { UInt16(try little(2)) }
    mutating func u32() throws(KeeperWireError) -> UInt32 { UInt32(try little(4)) }
    mutating func i32() throws(KeeperWireError) -> Int32 { Int32(bitPattern: try u32()) }
    mutating func u64() throws(KeeperWireError) -> UInt64 { try little(8) }

    mutating func bytes() throws(KeeperWireError) -> [UInt8] { Array(try take(Int(try u32()))) }

    mutating func string() throws(KeeperWireError) -> String {
        guard let text = String(validating: try bytes(), as: UTF8.self) else { throw .invalidText }
        return text
    }

    mutating func strings() throws(KeeperWireError) -> [String] {
        let count = Int(try u32())
        // Each string takes at least its 4-byte length: a count past that is a lie, not a reason
        // to reserve memory.
        guard count <= (input.count - offset) / 4 else { throw .truncated }
        var values: [String] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try string()) }
        return values
    }

    private mutating func present() throws(KeeperWireError) -> Bool {
        switch try u8() {
        case 0: return false
        case 1: return true
        case let flag: throw .invalidFlag(flag)
        }
    }

    mutating func optionalI32() throws(KeeperWireError) -> Int32? { try present() ? try i32() : nil }
    mutating func optionalString() throws(KeeperWireError) -> String? { try present() ? try string() : nil }

    /// Throws unless every byte was read.
    func finish() throws(KeeperWireError) {
        if offset != input.count { throw .trailingBytes(input.count - offset) }
    }
}
