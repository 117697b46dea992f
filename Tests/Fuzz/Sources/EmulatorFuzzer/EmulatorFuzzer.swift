// libFuzzer entry point: any bytes, at a size chosen by the input, fed in pieces and with a resize
// in the middle; every invariant of Terminal.invariantViolations() must hold afterwards, also in a
// terminal fed the snapshot, and feeding the same bytes whole must give the same state as feeding
// them in pieces.

import FuzzDriver
import MuxTerminal

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 4 else { return 0 }
    let columns = Int(data[0] % 100) + 1
    let rows = Int(data[1] % 40) + 1
    let split = size > 4 ? 4 + Int(data[2]) % (size - 4) : 4
    let resizeTo = (Int(data[3] % 120) + 1, Int(data[3] / 3 % 50) + 1)
    let bytes = UnsafeBufferPointer(start: data + 4, count: size - 4)

    var pieces = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    pieces.feed(UnsafeBufferPointer(rebasing: bytes[0..<(split - 4)]))
    pieces.feed(UnsafeBufferPointer(rebasing: bytes[(split - 4)...]))
    var whole = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    whole.feed(bytes)
    let differences = pieces.terminal.differences(from: whole.terminal)
    if !differences.isEmpty { fatalError("split at \(split - 4) changed the state: \(differences)") }
    check(pieces.terminal, "after feeding")
    checkForwarding(bytes, split: split - 4, columns: columns, rows: rows, whole: whole)
    // A snapshot with all its history (as attaching and checkpoints take it) replays into a sound
    // terminal. Not always an equal one: docs/snapshot.md lists the states it cannot carry.
    var replayed = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    replayed.feed(whole.terminal.snapshot(history: whole.terminal.scrollback.count))
    check(replayed.terminal, "after replaying a snapshot")

    pieces.resize(columns: resizeTo.0, rows: resizeTo.1)
    check(pieces.terminal, "after resizing to \(resizeTo)")
    pieces.feed(bytes)
    check(pieces.terminal, "after feeding again")
    _ = pieces.takeEffects()
    return 0
}

/// What viewers receive does not depend on how the output was split, and replaying it gives the
/// session's screen (when the output ends between sequences; see docs/server.md's known limits).
private func checkForwarding(_ bytes: UnsafeBufferPointer<UInt8>, split: Int, columns: Int, rows: Int, whole: Emulator)
{
    var inPieces = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    var forwardedInPieces: [UInt8] = []
    inPieces.feedForwarding(UnsafeBufferPointer(rebasing: bytes[0..<split]), into: &forwardedInPieces)
    inPieces.feedForwarding(UnsafeBufferPointer(rebasing: bytes[split...]), into: &forwardedInPieces)
    var atOnce = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    var forwarded: [UInt8] = []
    atOnce.feedForwarding(bytes, into: &forwarded)
    if forwarded != forwardedInPieces { fatalError("forwarded bytes depend on the split at \(split)") }
    // As the server does before a snapshot at the split: the controls executed inside a held-back
    // sequence go out ahead of it.
    var released = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
    var forwardedReleased: [UInt8] = []
    released.feedForwarding(UnsafeBufferPointer(rebasing: bytes[0..<split]), into: &forwardedReleased)
    released.releaseExecutedControls(into: &forwardedReleased)
    released.feedForwarding(UnsafeBufferPointer(rebasing: bytes[split...]), into: &forwardedReleased)
    guard whole.isInGround else { return }
    for (stream, name) in [(forwarded, "forwarded"), (forwardedReleased, "forwarded with controls released")] {
        var viewer = Emulator(columns: columns, rows: rows, scrollbackLimit: 64)
        viewer.feed(stream)
        let differences = viewer.terminal.differences(from: whole.terminal)
        if !differences.isEmpty { fatalError("a viewer replaying the \(name) bytes differs: \(differences)") }
    }
}

private func check(_ terminal: Terminal, _ moment: String) {
    let violations = terminal.invariantViolations()
    if !violations.isEmpty { fatalError("\(moment): \(violations)") }
}

@_cdecl("EmulatorFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}
