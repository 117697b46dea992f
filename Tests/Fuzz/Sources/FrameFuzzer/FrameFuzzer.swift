// libFuzzer entry point for the wire format: any bytes, as a peer could send them, cut into
// reads where the input says. The decoder must find the same frames, or the same error, however
// the bytes arrive (through `append` or `readIn`); every message it accepts must survive an
// encode and decode unchanged; and nothing may crash or allocate without bound.

import FuzzDriver
import MuxProtocol

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    // The first byte chooses how the rest is cut into reads: pieces of 1 to 256 bytes.
    let piece = Int(data[0]) + 1
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))

    var whole = FrameDecoder()
    whole.append(bytes)
    let expected = drain(&whole)

    var pieces = FrameDecoder()
    var got = Outcome()
    var offset = 0
    while offset < bytes.count, got.error == nil {
        let end = min(bytes.count, offset + piece)
        if (offset / piece) % 2 == 0 {
            pieces.append(bytes[offset..<end])
        } else {
            let count = end - offset
            _ = pieces.readIn(minimumRoom: count) { room in
                for index in 0..<count { room[index] = bytes[offset + index] }
                return count
            }
        }
        offset = end
        got.append(drain(&pieces))
    }
    if got.frames != expected.frames || got.error != expected.error {
        fatalError("reads of \(piece) bytes decoded \(got) but the whole input \(expected)")
    }

    for frame in expected.frames {
        guard let message = try? Message(frame) else { continue }
        let again = message.frame()
        guard let decoded = try? Message(again) else { fatalError("\(message) does not decode after encoding") }
        if decoded != message { fatalError("\(message) came back as \(decoded)") }
        if again.payload.count > Frame.maximumPayload {
            fatalError("\(message) encodes past the largest frame")
        }
    }
    return 0
}

/// What a decoder gave: frames, then possibly the error that ended the stream.
struct Outcome: CustomStringConvertible {
    var frames: [Frame] = []
    var error: FrameError?

    mutating func append(_ other: Outcome) {
        frames += other.frames
        error = error ?? other.error
    }

    var description: String { "\(frames.count) frames, error \(String(describing: error))" }
}

/// Every whole frame the decoder holds, and the error that stops it, if any.
func drain(_ decoder: inout FrameDecoder) -> Outcome {
    var outcome = Outcome()
    do {
        while let frame = try decoder.next() { outcome.frames.append(frame) }
    } catch {
        outcome.error = error
    }
    return outcome
}

@_cdecl("FrameFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}
