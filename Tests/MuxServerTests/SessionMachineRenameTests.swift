// RENAME as a machine event: the name changes, the requester is answered, nothing else moves.

import MuxProtocol
import Testing

@testable import MuxServer

@Suite struct SessionMachineRenameTests {
    @Test func renameChangesTheNameAndAnswersDoneOnly() {
        var machine = SessionMachine(
            name: "old", columns: 80, rows: 24, keep: false, creator: "maker", ringCapacity: 1000, outboxMinimum: 100)
        _ = machine.handle(.opened)
        _ = machine.handle(
            .attach(
                .init(
                    client: "a", mayHold: true, asHolder: true, lossless: false, columns: 80, rows: 24, history: 0,
                    since: nil)))
        let before = machine.attachments
        #expect(machine.handle(.rename("new", requester: "r")) == [.send("r", .done)])
        #expect(machine.name == "new")
        #expect(machine.attachments == before)
        #expect(machine.lease.holder == "a")
    }
}
