// libFuzzer entry point for the server's session machine: an input is a sequence of events from
// four clients (three control clients and an observer), a fake program and the fake server that
// carries out the machine's actions (snapshots completing, sockets taking output, timers
// firing). After every event the machine's invariants must hold; the ones that matter most say
// that a program is never left paused with nobody lagging, and that no client is ever handed
// output it was not owed.

import FuzzDriver
import MuxProtocol

@testable import MuxServer

private let clients = ["a", "b", "c", "o"]

/// What the fake server knows from the actions it was asked to carry out.
struct FakeServer {
    var paused = false
    var snapshotsOwed: [String] = []
    var timers: [SessionMachine.Timer] = []
    var scrolledOff: UInt64 = 0
    var inUpdate = false

    mutating func carryOut(_ actions: [SessionMachine.Action], machine: SessionMachine) {
        for action in actions {
            switch action {
            case .pauseReading:
                if paused { fatalError("paused twice: \(actions)") }
                paused = true
            case .resumeReading:
                if !paused { fatalError("resumed without a pause: \(actions)") }
                paused = false
            case .sendSnapshot(let client, _, let skippedFrom):
                if let skippedFrom, skippedFrom > scrolledOff {
                    fatalError("a gap from \(skippedFrom) lines, but only \(scrolledOff) scrolled off")
                }
                snapshotsOwed.append(client)
            case .schedule(let timer):
                timers.append(timer)
            case .flush(let client), .drain(let client, _):
                if machine.attachment(client) == nil, case .flush = action {
                    fatalError("flush for \(client), which is not attached")
                }
            default: break
            }
        }
    }
}

/// Reads the input as events, one or two bytes each.
struct Script {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0

    mutating func next() -> UInt8? {
        guard index < bytes.count else { return nil }
        defer { index += 1 }
        return bytes[index]
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var script = Script(bytes: UnsafeBufferPointer(start: data, count: size))
    var machine = SessionMachine(
        name: "s", columns: 2, rows: 2, keep: false, creator: "a", ringCapacity: 4096, outboxMinimum: 100,
        holderStallLimit: 1000)
    var server = FakeServer()
    server.carryOut(machine.handle(.opened), machine: machine)
    while let op = script.next(), let argument = script.next() {
        let client = clients[Int(argument) % clients.count]
        let flag = argument & 0x10 != 0
        var event: SessionMachine.Event?
        switch op % 17 {
        case 0:
            // The server attaches only to a live session (it answers SESSION_EXITED itself).
            guard machine.isLive else { continue }
            // A client attaching again is detached first, as the server does.
            if machine.attachment(client) != nil {
                server.carryOut(machine.handle(.detach(client, acknowledge: false)), machine: machine)
                check(machine, server)
            }
            event = .attach(
                .init(
                    client: client, mayHold: client != "o", asHolder: flag && client != "o",
                    lossless: argument & 0x20 != 0, columns: UInt16(argument >> 6) + 1, rows: 2,
                    history: Int(argument & 3), since: argument & 0x40 != 0 ? machine.endOffset / 2 : nil))
        case 1: event = .detach(client, acknowledge: flag)
        case 2:
            // The reader may deliver what it had in flight after a pause.
            guard !server.paused || argument & 0x80 != 0 else { continue }
            server.scrolledOff += UInt64(argument & 7)
            event = .output(count: Int(argument) + 1, scrolledOff: server.scrolledOff)
        case 3: event = .input(from: client, bytes: [argument], force: flag, acknowledge: flag)
        case 4:
            event = .resize(
                by: client, columns: UInt16(argument & 3) + 1, rows: UInt16(argument >> 6) + 1, force: flag,
                acknowledge: false)
        case 5: event = .refresh(client)
        case 6: event = .writable(client)
        case 7: event = .blocked(client)
        case 8:
            // The server finishes the oldest snapshot it was asked for, at the current end.
            guard !server.snapshotsOwed.isEmpty else { continue }
            event = .snapshotSent(server.snapshotsOwed.removeFirst(), at: machine.endOffset)
        case 9:
            // A client's socket took some of its output.
            guard let pending = machine.pendingOutput(for: client) else { continue }
            let through = pending.lowerBound + (pending.upperBound - pending.lowerBound) * UInt64(argument) / 255
            server.carryOut(machine.handedOn(client, through: through), machine: machine)
            check(machine, server)
            continue
        case 10: event = .takeLease(flag ? nil : client, requester: client)
        case 11: event = .releaseLease(flag ? nil : client, requester: client)
        case 12:
            guard !server.timers.isEmpty else { continue }
            event = .timer(server.timers.remove(at: Int(argument) % server.timers.count))
        case 13: event = .synchronizedOutput(flag)
        case 14: event = argument % 3 == 0 ? .kill(signal: 15, requester: client) : .collect(requester: client)
        case 15:
            event = argument % 4 == 0 ? .programExited(.exited(Int32(argument))) : .terminalEnded
        default:
            event = argument % 8 == 0 ? .shutdown : .expire
        }
        if let event {
            server.carryOut(machine.handle(event), machine: machine)
            check(machine, server)
        }
        if machine.lifecycle == .ended { break }
    }
    return 0
}

/// The machine's invariants, and its agreement with what it told the server.
func check(_ machine: SessionMachine, _ server: FakeServer) {
    if machine.readingPaused != server.paused {
        fatalError("the machine says paused \(machine.readingPaused), its actions said \(server.paused)")
    }
    if machine.readingPaused {
        let lagging = machine.attachments.contains {
            machine.holdsProgramBack($0) && $0.queuedBytes(end: machine.endOffset) > machine.holderWatermarks.low
        }
        if !lagging { fatalError("the program is paused but no holder lags: \(machine)") }
    }
    for attachment in machine.attachments {
        if case .live(let cursor) = attachment.phase, cursor > machine.endOffset {
            fatalError("\(attachment.client) is at \(cursor), past the end \(machine.endOffset)")
        }
    }
    if let holder = machine.lease.holder {
        guard let attachment = machine.attachment(holder), attachment.mayHold else {
            fatalError("the lease is held by \(holder), which is not an attached control client")
        }
    }
    for waiting in machine.lease.stack where machine.attachment(waiting) == nil {
        fatalError("\(waiting) waits for the lease but is not attached")
    }
    if !machine.isLive && !machine.attachments.isEmpty {
        fatalError("clients are attached to a session that has exited")
    }
}

@_cdecl("SessionMachineFuzzer_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv, fuzzOneInput)
}
