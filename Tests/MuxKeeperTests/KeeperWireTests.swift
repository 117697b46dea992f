// The link's messages: every one survives a round trip, and no cut, garbage or lie in the bytes
// crashes the decoder. Then the transport over a real SOCK_SEQPACKET pair, descriptors included.

import CPTYShim
import Glibc
import MuxKeeper
import MuxSystem
import Testing

private let samples: [KeeperMessage] = [
    .held(pid: 1234, tag: [1, 2, 3], exit: nil),
    .held(pid: 7, tag: [], exit: 9),
    .listener,
    .heldEnd,
    .spawn(
        SpawnRequest(
            id: 42, arguments: ["/bin/sh", "-c", "echo héllo"], environment: ["PATH=/bin", "HOME=/tmp"],
            workingDirectory: "/tmp", columns: 132, rows: 43, tag: Array("session a".utf8))),
    .spawn(
        SpawnRequest(
            id: .max, arguments: ["cat"], environment: [], workingDirectory: nil, columns: 0, rows: .max,
            tag: [])),
    .spawned(id: 42, pid: 99),
    .spawnFailed(id: 3, stage: 5, errorNumber: ENOENT),
    .retag(pid: 5, tag: [0, 255]),
    .release(pid: -1),
    .holdListener,
    .ready(count: 3),
    .stopping,
    .restart(executable: "/usr/local/bin/mux"),
    .restart(executable: ""),
    .exited(pid: 12, status: 0x0f00),
    .exit,
    .rollback(reason: "the new server restored 1 of 2 sessions"),
]

@Suite struct KeeperWireTests {
    @Test(arguments: samples) func aMessageSurvivesARoundTrip(message: KeeperMessage) throws {
        #expect(try KeeperMessage(decoding: message.encoded()) == message)
    }

    @Test(arguments: samples) func everyCutOfAMessageIsAnErrorNotACrash(message: KeeperMessage) {
        let bytes = message.encoded()
        for length in 0..<bytes.count {
            #expect(throws: KeeperWireError.self) { try KeeperMessage(decoding: bytes[..<length]) }
        }
        #expect(throws: KeeperWireError.trailingBytes(1)) { try KeeperMessage(decoding: bytes + [0]) }
    }

    @Test func unknownTypesInvalidTextAndFlagsAreErrors() {
        #expect(throws: KeeperWireError.unknownType(0xee)) { try KeeperMessage(decoding: [0xee]) }
        // RESTART with a string that is not UTF-8.
        #expect(throws: KeeperWireError.invalidText) { try KeeperMessage(decoding: [0x22, 1, 0, 0, 0, 0xff]) }
        // HELD whose exit presence byte is 2.
        #expect(throws: KeeperWireError.invalidFlag(2)) {
            try KeeperMessage(decoding: [0x01, 1, 0, 0, 0, 0, 0, 0, 0, 2])
        }
    }

    @Test func aListCountLargerThanTheMessageIsTruncationNotAnAllocation() {
        // SPAWN id 1, then an argument count of 2^32 - 1 with nothing after it.
        #expect(throws: KeeperWireError.truncated) {
            try KeeperMessage(decoding: [0x10, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff])
        }
    }

    @Test func garbageNeverCrashes() {
        var generator = SplitMix(seed: 16)
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 64)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Mostly known types, so that the fields behind them are exercised too.
            if !bytes.isEmpty, generator.next() % 4 != 0 { bytes[0] = samples[Int(generator.next() % 18)].type }
            _ = try? KeeperMessage(decoding: bytes)
        }
    }

    @Test func aDescriptorTravelsWithItsMessage() throws {
        let (a, b) = try KeeperWire.makePair()
        defer {
            close(a)
            close(b)
        }
        let pipe = try makePipe()
        defer { close(pipe.read) }
        try KeeperWire.send(.spawned(id: 1, pid: 77), descriptors: [pipe.write], on: a)
        close(pipe.write)
        let receiver = KeeperReceiver(socket: b)
        let received = try #require(try receiver.receive())
        #expect(received.message == .spawned(id: 1, pid: 77))
        #expect(received.descriptors.count == 1)
        let copy = received.descriptors[0]
        #expect(fcntl(copy, F_GETFD) & FD_CLOEXEC != 0)
        try writeAll(copy, "through")
        close(copy)
        #expect(try readAll(pipe.read) == Array("through".utf8))
    }

    @Test func theEndOfTheLinkIsNil() throws {
        let (a, b) = try KeeperWire.makePair()
        defer { close(b) }
        try KeeperWire.send(.heldEnd, on: a)
        close(a)
        let receiver = KeeperReceiver(socket: b)
        #expect(try receiver.receive()?.message == .heldEnd)
        #expect(try receiver.receive() == nil)
    }

    @Test func aMalformedDatagramIsAProtocolErrorAndItsDescriptorsAreClosed() throws {
        let (a, b) = try KeeperWire.makePair()
        defer {
            close(a)
            close(b)
        }
        let pipe = try makePipe()
        defer { close(pipe.read) }
        // STOPPING, which carries no descriptor, sent with one.
        let bytes: [UInt8] = [0x21]
        let fds = [pipe.write]
        #expect(mux_send_with_fds(a, bytes, 1, fds, 1) == 0)
        close(pipe.write)
        let receiver = KeeperReceiver(socket: b)
        #expect(throws: SystemError.self) { try receiver.receive() }
        // The receiver closed its copy: the pipe's last writer is gone.
        #expect(try readAll(pipe.read) == [])
        #expect(mux_send_with_fds(a, [0xee], 1, nil, 0) == 0)
        do {
            _ = try receiver.receive()
            Issue.record("garbage was accepted")
        } catch {
            #expect(error.errorNumber == EPROTO)
        }
    }

    @Test func aMessageOverOneMebibyteIsRefusedBeforeItIsSent() throws {
        let (a, b) = try KeeperWire.makePair()
        defer {
            close(a)
            close(b)
        }
        let huge = SpawnRequest(
            id: 1, arguments: ["sh"], environment: [String(repeating: "x", count: 1 << 20)], workingDirectory: nil,
            columns: 80, rows: 24, tag: [])
        do {
            try KeeperWire.send(.spawn(huge), on: a)
            Issue.record("a message over 1 MiB was sent")
        } catch {
            #expect(error.errorNumber == EMSGSIZE)
        }
    }

    @Test func aLargeEnvironmentFitsInOneMessage() throws {
        let (a, b) = try KeeperWire.makePair()
        defer {
            close(a)
            close(b)
        }
        // 900 KB: under the limit. The kernel caps the buffers at net.core.wmem_max; where that is
        // under 1 MiB, the send fails with a clear EMSGSIZE instead.
        let environment = (0..<900).map { "VARIABLE_\($0)=" + String(repeating: "v", count: 1000) }
        let request = SpawnRequest(
            id: 1, arguments: ["sh"], environment: environment, workingDirectory: nil, columns: 80, rows: 24, tag: [])
        do {
            try KeeperWire.send(.spawn(request), on: a)
        } catch {
            #expect(error.errorNumber == EMSGSIZE && systemLimit("wmem_max") < 2 << 20)
            return
        }
        let receiver = KeeperReceiver(socket: b)
        #expect(try receiver.receive()?.message == .spawn(request))
    }
}

private func systemLimit(_ name: String) -> Int {
    let fd = open("/proc/sys/net/core/\(name)", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    let text = String(decoding: (try? readAll(fd)) ?? [], as: UTF8.self)
    return Int(text.filter(\.isNumber)) ?? 0
}

/// A small deterministic generator, so that a failure repeats.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
