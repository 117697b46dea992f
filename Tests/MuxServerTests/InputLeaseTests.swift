// The lease stack and the output ring, as pure state machines.

import MuxServer
import Testing

@Suite struct InputLeaseTests {
    @Test func attachingTakesAndLeavingGivesBack() {
        var lease = InputLease()
        #expect(lease.allowsInput(from: "anyone"))  // vacant: any control client may type
        #expect(lease.take("A") == InputLease.Change(from: nil, to: "A"))
        #expect(lease.take("B") == InputLease.Change(from: "A", to: "B"))
        #expect(!lease.allowsInput(from: "A"))
        #expect(lease.allowsInput(from: "B"))
        #expect(lease.leave("B") == InputLease.Change(from: "B", to: "A"))
        #expect(lease.holder == "A")
    }

    @Test func popoutOpensAndCloses() {
        var lease = InputLease()
        _ = lease.take("main")
        _ = lease.take("popout")
        #expect(lease.release("popout") == InputLease.Change(from: "popout", to: "main"))
        #expect(lease.holder == "main")
    }

    @Test func aWaitingClientThatLeavesIsForgotten() {
        var lease = InputLease()
        _ = lease.take("A")
        _ = lease.take("B")
        _ = lease.take("C")
        #expect(lease.leave("B") == nil)  // no change for anyone: C still holds
        #expect(lease.leave("C") == InputLease.Change(from: "C", to: "A"))
        #expect(lease.leave("A") == InputLease.Change(from: "A", to: nil))
        #expect(lease.holder == nil)
    }

    @Test func takingAgainMovesToTheTopWithoutDuplicates() {
        var lease = InputLease()
        _ = lease.take("A")
        _ = lease.take("B")
        #expect(lease.take("A") == InputLease.Change(from: "B", to: "A"))
        #expect(lease.stack == ["B", "A"])
        #expect(lease.take("A") == nil)
    }

    @Test func releasingWithoutHoldingChangesNothing() {
        var lease = InputLease()
        _ = lease.take("A")
        #expect(lease.release("nobody") == nil)
        #expect(lease.holder == "A")
    }
}

@Suite struct OutputRingTests {
    @Test func offsetsOnlyGrow() {
        var ring = OutputRing(capacity: 8)
        #expect(ring.append(Array("abc".utf8)) == 0)
        #expect(ring.append(Array("de".utf8)) == 3)
        #expect(ring.endOffset == 5)
        #expect(ring.bytes(from: 1) == Array("bcde".utf8))
        #expect(ring.bytes(from: 5) == [])
    }

    @Test func oldBytesLeaveTheRing() {
        var ring = OutputRing(capacity: 4)
        ring.append(Array("abcdef".utf8))
        #expect(ring.startOffset == 2)
        #expect(ring.bytes(from: 1) == nil)
        #expect(ring.bytes(from: 2) == Array("cdef".utf8))
        ring.append(Array("gh".utf8))
        #expect(ring.bytes(from: 4) == Array("efgh".utf8))
        #expect(ring.bytes(from: 9) == nil)
    }

    @Test func aHugeAppendKeepsItsTail() {
        var ring = OutputRing(capacity: 3)
        ring.append(Array("0123456789".utf8))
        #expect(ring.endOffset == 10)
        #expect(ring.bytes(from: 7) == Array("789".utf8))
    }
}
