// The wire format: golden bytes for every message, decoding in any chunking, and bad input.

import MuxProtocol
import Testing

/// Hex with spaces, for golden frames that read like the spec.
private func hex(_ text: String) -> [UInt8] {
    text.split(separator: " ").map { UInt8($0, radix: 16)! }
}

@Suite struct FrameTests {
    static let golden: [(Message, String)] = [
        (
            .hello(version: 1, role: .control, clientID: "a", columns: 80, rows: 24, term: "xt"),
            "00 00 00 18 00 01 00 01 01 00 00 00 01 61 00 50 00 18 00 00 00 02 78 74 00 00 00 00"
        ),
        (
            .hello(
                version: 5, role: .observer, clientID: "", columns: 80, rows: 24, term: "", pixelWidth: 800,
                pixelHeight: 480),
            "00 00 00 15 00 01 00 05 02 00 00 00 00 00 50 00 18 00 00 00 00 03 20 01 e0"
        ),
        (
            .attach(session: "w", asHolder: true, historyLines: 1000, since: nil, lossy: false),
            "00 00 00 16 00 02 00 00 00 01 77 01 00 00 03 e8 00 00 00 00 00 00 00 00 00 00"
        ),
        (
            .attach(session: "w", asHolder: false, historyLines: 0, since: 258, lossy: true),
            "00 00 00 16 00 02 00 00 00 01 77 00 00 00 00 00 01 00 00 00 00 00 00 01 02 01"
        ),
        (.input([0x03]), "00 00 00 07 00 03 00 00 00 01 03"),
        (.resize(columns: 132, rows: 43), "00 00 00 0a 00 04 00 84 00 2b 00 00 00 00"),
        (
            .resize(columns: 132, rows: 43, pixelWidth: 1188, pixelHeight: 903),
            "00 00 00 0a 00 04 00 84 00 2b 04 a4 03 87"
        ),
        (.detach, "00 00 00 02 00 05"),
        (.list, "00 00 00 02 00 06"),
        (.welcome(version: 1, clientID: "c1", serverPID: 7), "00 00 00 0e 80 01 00 01 00 00 00 02 63 31 00 00 00 07"),
        (.error(.leaseRequired, "no"), "00 00 00 0a 80 02 00 07 00 00 00 02 6e 6f"),
        (
            .attached(session: "w", columns: 80, rows: 24, holdsLease: true),
            "00 00 00 0c 80 03 00 00 00 01 77 00 50 00 18 01"
        ),
        (
            .snapshot(offset: 5, final: true, bytes: [0x1b]),
            "00 00 00 10 80 04 00 00 00 00 00 00 00 05 01 00 00 00 01 1b"
        ),
        (
            .output(offset: 0x0102_0304_0506_0708, bytes: [0x41, 0x42]),
            "00 00 00 10 80 05 01 02 03 04 05 06 07 08 00 00 00 02 41 42"
        ),
        (.lease(holder: "", holdsLease: false), "00 00 00 07 80 06 00 00 00 00 00"),
        (.exited(status: -1), "00 00 00 06 80 07 ff ff ff ff"),
        (
            .sessions([
                SessionSummary(
                    name: "w", command: "sh", columns: 80, rows: 24, state: .running, exitStatus: nil, clients: 2,
                    holder: "", created: 1_700_000_000, pid: 42, liveness: .alive, activity: .waitingForInput,
                    foregroundPID: 42, foregroundCommand: "sh", workingDirectory: "/", lastOutput: 1_700_000_000_123,
                    lastInput: nil, title: "t", commandPhase: .prompt, lastCommandStatus: 1, commandsFinished: 5)
            ]),
            "00 00 00 6b 80 08 00 01 00 00 00 01 77 00 00 00 02 73 68 00 50 00 18 01 00 00 02 00 00 00 00 00 00"
                + " 00 00 65 53 f1 00 01 00 00 00 2a 01 01 01 00 00 00 2a 01 00 00 00 02 73 68 01 00 00 00 01 2f 01"
                + " 00 00 01 8b cf e5 68 7b 00 01 00 00 00 01 74 01 01 00 00 00 01 00 00 00 00 00 00 00 05"
                + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
        ),
        (
            .sessions([
                SessionSummary(
                    name: "x", command: "", columns: 1, rows: 1, state: .exited, exitStatus: -1, clients: 0,
                    holder: "c1", created: 0, liveness: .dead)
            ]),
            "00 00 00 4b 80 08 00 01 00 00 00 01 78 00 00 00 00 00 01 00 01 02 01 ff ff ff ff 00 00 00 00 00 02"
                + " 63 31 00 00 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
                + " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00"
        ),
        (.kill(session: "w", signal: 15), "00 00 00 0b 00 08 00 00 00 01 77 00 00 00 0f"),
        (
            .send(session: "w", items: [.text("a"), .key("C-c")], force: false),
            "00 00 00 18 00 0a 00 00 00 01 77 00 02 00 00 00 00 01 61 01 00 00 00 03 43 2d 63 00"
        ),
        (
            .create(
                CreateRequest(
                    name: "w", command: ["sh"], workingDirectory: "/", environment: ["A=b"], overrides: ["C=d"],
                    columns: 80, rows: 24, keep: true, scrollback: 10_000)),
            "00 00 00 38 00 07 00 00 00 01 77 00 01 00 00 00 02 73 68 00 00 00 01 2f 00 01 00 00 00 03 41 3d 62"
                + " 00 01 00 00 00 03 43 3d 64 00 50 00 18 01 00 00 27 10 00 00 00 00 00 00 00 00 00"
        ),
        (.rename(session: "w", newName: "x"), "00 00 00 0c 00 12 00 00 00 01 77 00 00 00 01 78"),
        (
            .label(session: "w", set: ["k=v"], remove: ["o"]),
            "00 00 00 17 00 13 00 00 00 01 77 00 01 00 00 00 03 6b 3d 76 00 01 00 00 00 01 6f"
        ),
        (.restart(executable: "/m"), "00 00 00 08 00 14 00 00 00 02 2f 6d"),
        (
            .leaseState(session: "w", holders: ["b", "a"]),
            "00 00 00 13 80 0c 00 00 00 01 77 00 02 00 00 00 01 62 00 00 00 01 61"
        ),
        (.capture(session: "w", format: .json, historyLines: 5), "00 00 00 0c 00 0b 00 00 00 01 77 02 00 00 00 05"),
        (.done, "00 00 00 02 80 0a"),
        (
            .serverStatus(
                ServerStatus(
                    pid: 7, socket: "s", started: 1, sessions: 1,
                    clients: [
                        ClientStatus(
                            clientID: "c", role: .observer, session: "w", holdsLease: false, lossless: false,
                            queuedBytes: 16, resyncs: 2)
                    ])),
            "00 00 00 36 80 0d 00 00 00 07 00 00 00 01 73 00 00 00 00 00 00 00 01 00 01 00 01 00 00 00 01 63 02"
                + " 00 00 00 01 77 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 02 00"
        ),
        (.gap(lines: 21_719), "00 00 00 0a 80 0f 00 00 00 00 00 00 54 d7"),
        (.notice("hi"), "00 00 00 08 80 10 00 00 00 02 68 69"),
        (
            .clipboard(selections: "c", base64: "aGk="),
            "00 00 00 0f 80 11 00 00 00 01 63 00 00 00 04 61 47 6b 3d"
        ),
    ]

    @Test(arguments: golden.indices) func goldenBytes(index: Int) throws {
        let (message, bytes) = Self.golden[index]
        #expect(message.frame().encoded() == hex(bytes))
        var decoder = FrameDecoder()
        decoder.append(hex(bytes))
        let frame = try #require(try decoder.next())
        #expect(try Message(frame) == message)
        #expect(try decoder.next() == nil)
    }

    /// Version 3's journal fields: a lost session with labels and why it ended, a CREATE that
    /// asks for a relaunch, and the journal in SERVER_STATUS, each back as it was sent.
    @Test func journalFieldsTravelBothWays() throws {
        var lost = SessionSummary(
            name: "l", command: "sh", columns: 80, rows: 24, state: .lost, exitStatus: nil, clients: 0, holder: "",
            created: 5, liveness: .dead)
        lost.labels = ["owner=me", "team=core"]
        lost.restore = .screen
        lost.ended = 7
        lost.endReason = "the server died"
        var create = CreateRequest(
            name: "r", command: [], workingDirectory: "/", environment: [], columns: 80, rows: 24, keep: false)
        create.restore = .relaunch
        let status = ServerStatus(
            pid: 1, socket: "s", started: 2, sessions: 0, clients: [],
            journal: JournalStatus(
                path: "/j", bytes: 4096, lastWrite: 1_700_000_000_123, error: "disk full", movedAside: nil, lost: 3,
                relaunched: 1))
        for message in [Message.sessions([lost]), .create(create), .serverStatus(status)] {
            var decoder = FrameDecoder()
            decoder.append(message.frame().encoded())
            #expect(try Message(try #require(try decoder.next())) == message)
        }
    }

    @Test func decodesOneByteAtATimeAndManyAtOnce() throws {
        let messages = Self.golden.map(\.0)
        let stream = messages.flatMap { $0.frame().encoded() }
        var decoder = FrameDecoder()
        var decoded: [Message] = []
        for byte in stream {
            decoder.append([byte])
            while let frame = try decoder.next() { decoded.append(try Message(frame)) }
        }
        #expect(decoded == messages)

        var whole = FrameDecoder()
        whole.append(stream)
        var all: [Message] = []
        while let frame = try whole.next() { all.append(try Message(frame)) }
        #expect(all == messages)
        #expect(whole.pendingByteCount == 0)
    }

    @Test func oversizedFrameIsRefusedBeforeBuffering() {
        var decoder = FrameDecoder()
        decoder.append(hex("00 20 00 00 00 05"))  // 2 MiB announced
        #expect(throws: FrameError.tooLarge(0x0020_0000)) { try decoder.next() }
        #expect(FrameError.tooLarge(0).code == .frameTooLarge)
    }

    @Test func lengthWithoutRoomForTheTypeIsBad() {
        var decoder = FrameDecoder()
        decoder.append(hex("00 00 00 01 00"))
        #expect(throws: FrameError.badLength(1)) { try decoder.next() }
        #expect(FrameError.badLength(1).code == .badFrame)
    }

    @Test func truncatedFrameWaitsAndReportsWhatIsPending() throws {
        var decoder = FrameDecoder()
        decoder.append(hex("00 00 00 07 00 03 00 00"))
        #expect(try decoder.next() == nil)
        #expect(decoder.pendingByteCount == 8)
    }

    @Test func unknownTypeIsUnknownMessage() throws {
        #expect(throws: Message.DecodingError.unknownType(0x7777)) { try Message(Frame(type: 0x7777, payload: [])) }
        #expect(Message.DecodingError.unknownType(1).code == .unknownMessage)
    }

    @Test(arguments: [
        Frame(type: 0x0003, payload: hex("00 00 00 05 41")),  // data shorter than its count
        Frame(type: 0x0004, payload: hex("00 50 00 18 00")),  // a byte left over
        Frame(type: 0x0001, payload: hex("00 01 09 00 00 00 00 00 50 00 18 00 00 00 00")),  // role 9
        Frame(type: 0x0002, payload: hex("00 00 00 01 ff 01 00 00 00 00 00 00 00 00 00 00 00 00 00 00")),  // not UTF-8
        Frame(type: 0x8002, payload: hex("00 63 00 00 00 00")),  // error code 99
        Frame(type: 0x0002, payload: hex("00 00 00 01 77 02 00 00 00 00 00 00 00 00 00 00 00 00 00 00")),  // bool 2
        Frame(type: 0x000a, payload: hex("00 00 00 01 77 00 01 07 00 00 00 00 00")),  // send item kind 7
        Frame(type: 0x000b, payload: hex("00 00 00 01 77 09 00 00 00 00")),  // capture format 9
    ])
    func malformedPayloadsAreBadFrames(frame: Frame) {
        do {
            _ = try Message(frame)
            Issue.record("decoded a malformed payload")
        } catch {
            #expect(error.code == .badFrame)
        }
    }

    @Test func errorCodesAreStable() {
        // The numbers travel on the wire: changing one breaks every deployed client.
        #expect(ErrorCode.allCases.map(\.rawValue) == Array(1...15))
        #expect(
            ErrorCode.allCases.map(\.description) == [
                "PROTOCOL_VERSION", "BAD_FRAME", "FRAME_TOO_LARGE", "UNKNOWN_MESSAGE", "HANDSHAKE_REQUIRED",
                "ROLE_FORBIDDEN", "LEASE_REQUIRED", "SESSION_NOT_FOUND", "SESSION_EXISTS", "SESSION_EXITED",
                "SPAWN_FAILED", "INVALID_ARGUMENT", "PERMISSION_DENIED", "SHUTTING_DOWN", "LIMIT_REACHED",
            ])
    }

    @Test func socketLocationPrecedence() {
        #expect(SocketLocation.resolve(explicit: "/x.sock", environment: ["MUX_SOCKET": "/y"], uid: 5) == "/x.sock")
        #expect(SocketLocation.resolve(explicit: nil, environment: ["MUX_SOCKET": "/y"], uid: 5) == "/y")
        #expect(
            SocketLocation.resolve(explicit: nil, environment: ["XDG_RUNTIME_DIR": "/run/user/5"], uid: 5)
                == "/run/user/5/mux/default.sock")
        #expect(SocketLocation.resolve(explicit: nil, environment: [:], uid: 5) == "/tmp/mux-5/default.sock")
    }
}

@Suite struct OutputHeaderTests {
    @Test(arguments: [0, 1, 65536]) func theHeaderIsTheFramesStart(count: Int) {
        let bytes = [UInt8](repeating: 0x41, count: count)
        let frame = Message.output(offset: 0x0102_0304_0506_0708, bytes: bytes).frame().encoded()
        #expect(Message.outputHeader(offset: 0x0102_0304_0506_0708, count: count) + bytes == frame)
    }
}

/// OUTPUT read in place from a frame view, against the message the same frame decodes to.
@Suite struct FrameViewTests {
    /// OUTPUT frames of every size class among other messages, as a server sends them.
    static let messages: [Message] = [
        .attached(session: "w", columns: 80, rows: 24, holdsLease: true),
        .snapshot(offset: 3, final: true, bytes: [0x1b, 0x63]),
        .output(offset: 3, bytes: []),
        .output(offset: 3, bytes: [0x41]),
        .lease(holder: "a", holdsLease: false),
        .output(offset: 4, bytes: (0..<300).map { UInt8($0 & 0xff) }),
        .output(offset: 0x0102_0304_0506_0708, bytes: (0..<70_000).map { UInt8($0 % 251) }),
        .done,
        .output(offset: .max - 2, bytes: [1, 2]),
    ]

    /// Decodes `stream` handed over in pieces of `size` bytes; for each frame, checks that the
    /// view's OUTPUT, its message and its copied frame agree, and returns what the views said.
    private func decode(_ stream: [UInt8], inPiecesOf size: Int, readingIn: Bool) throws -> [Message] {
        var decoder = FrameDecoder()
        var decoded: [Message] = []
        var position = 0
        while position < stream.count {
            let piece = stream[position..<min(position + size, stream.count)]
            if readingIn {
                // As a socket read does: straight into the decoder's free room.
                let written = decoder.readIn(minimumRoom: piece.count) { room in
                    room.copyBytes(from: piece)
                    return piece.count
                }
                #expect(written == piece.count)
            } else {
                decoder.append(piece)
            }
            position += piece.count
            while let view = try decoder.nextView() {
                let message = try Message(view)
                #expect(try message == Message(Frame(view)))
                if let (offset, bytes) = try view.output() {
                    #expect(message == .output(offset: offset, bytes: Array(bytes)))
                    decoded.append(.output(offset: offset, bytes: Array(bytes)))
                } else {
                    #expect(view.messageType != .output)
                    decoded.append(message)
                }
            }
        }
        #expect(decoder.pendingByteCount == 0)
        return decoded
    }

    @Test(arguments: [1, 5, 4096, Int.max])
    func outputInPlaceIsTheMessageInAnyChunking(pieceSize: Int) throws {
        let stream = Self.messages.flatMap { $0.frame().encoded() }
        let size = min(pieceSize, stream.count)
        #expect(try decode(stream, inPiecesOf: size, readingIn: false) == Self.messages)
        #expect(try decode(stream, inPiecesOf: size, readingIn: true) == Self.messages)
    }

    @Test func aViewsBytesAreASliceOfTheBufferNotACopy() throws {
        var decoder = FrameDecoder()
        decoder.append(Message.output(offset: 9, bytes: Array("abc".utf8)).frame().encoded())
        let view = try #require(try decoder.nextView())
        let (offset, bytes) = try #require(try view.output())
        #expect(offset == 9 && Array(bytes) == Array("abc".utf8))
        // The same storage as the payload, past the offset (8) and the byte count (4).
        let payloadStart = view.payload.withUnsafeBufferPointer { $0.baseAddress! }
        let bytesStart = bytes.withUnsafeBufferPointer { $0.baseAddress! }
        #expect(bytesStart - payloadStart == 12)
    }

    @Test(arguments: [
        Frame(type: MessageType.output.rawValue, payload: hex("00 00 00 00 00 00 00 01 00 00 00 05 41")),  // short
        Frame(type: MessageType.output.rawValue, payload: hex("00 00 00 00 00 00 00 01 00 00 00 00 41")),  // left over
        Frame(type: MessageType.output.rawValue, payload: hex("00 00 00 00 00")),  // no room for the offset
    ])
    func aMalformedOutputFailsInPlaceAsItDoesCopied(frame: Frame) throws {
        var decoder = FrameDecoder()
        decoder.append(frame.encoded())
        let view = try #require(try decoder.nextView())
        #expect(throws: Message.DecodingError.self) { try view.output() }
        do {
            _ = try view.output()
        } catch {
            #expect(throws: error) { try Message(frame) }
        }
    }

    @Test func otherTypesAreNotOutput() throws {
        for message in FrameTests.golden.map(\.0) where message.messageType != .output {
            var decoder = FrameDecoder()
            decoder.append(message.frame().encoded())
            #expect(try decoder.nextView()?.output() == nil)
        }
        var decoder = FrameDecoder()
        decoder.append(Frame(type: 0x7777, payload: []).encoded())
        let unknown = try #require(try decoder.nextView())
        #expect(unknown.messageType == nil)
        #expect(try unknown.output() == nil)
    }
}

@Suite struct MessageTypeTests {
    @Test func everyMessageNamesItsTypeAndTheTableIsTheWiresNumbers() throws {
        for (message, bytes) in FrameTests.golden {
            #expect(message.type == message.messageType.rawValue)
            let encoded = hex(bytes)
            #expect(UInt16(encoded[4]) << 8 | UInt16(encoded[5]) == message.type)
        }
        // Client to server below 0x8000, numbered from 1 without holes; server to client from 0x8001.
        let requests = MessageType.allCases.map(\.rawValue).filter { $0 < 0x8000 }
        let answers = MessageType.allCases.map(\.rawValue).filter { $0 >= 0x8000 }
        #expect(requests == Array(1...UInt16(requests.count)))
        #expect(answers == Array(0x8001...(0x8000 + UInt16(answers.count))))
    }
}
