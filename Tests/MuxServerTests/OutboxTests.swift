// The outbox: watermarks, drop-and-snapshot, and offset continuity after a resync.

import MuxServer
import Testing

private func chunk(_ offset: UInt64, _ count: Int) -> Outbox.Chunk {
    Outbox.Chunk(offset: offset, bytes: [UInt8](repeating: 0x61, count: count))
}

@Suite struct OutboxTests {
    @Test func keepsUpBelowTheHighWatermark() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.snapshotSent(at: 0)
        box.enqueue(chunk(0, 60))
        box.enqueue(chunk(60, 40))
        #expect(box.queuedBytes == 100)
        #expect(box.take() == chunk(0, 60))
        #expect(box.take() == chunk(60, 40))
        #expect(box.take() == nil)
        #expect(box.resyncs == 0)
    }

    @Test func fallingBehindDropsTheQueueAndOwesASnapshot() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.snapshotSent(at: 0)
        box.enqueue(chunk(0, 80))
        box.enqueue(chunk(80, 30))  // would pass the high watermark
        #expect(box.queuedBytes == 0)
        #expect(box.owesSnapshot)
        #expect(box.resyncs == 1)
        #expect(box.take() == nil)
        // Later output is covered by the snapshot: memory stays bounded whatever arrives.
        for index in 0..<1000 { box.enqueue(chunk(110 + UInt64(index) * 50, 50)) }
        #expect(box.queuedBytes == 0)
        #expect(box.resyncs == 1)
    }

    @Test func snapshotWaitsForTheLowWatermark() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.requireSnapshot()
        #expect(!box.shouldSendSnapshot(unwrittenBytes: 50))
        #expect(box.shouldSendSnapshot(unwrittenBytes: 20))
    }

    @Test func offsetsContinueFromTheSnapshot() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.snapshotSent(at: 0)
        box.enqueue(chunk(0, 90))
        box.enqueue(chunk(90, 90))  // dropped
        box.snapshotSent(at: 500)
        box.enqueue(chunk(500, 10))
        box.enqueue(chunk(510, 10))
        #expect(box.take() == chunk(500, 10))
        #expect(box.take() == chunk(510, 10))
        #expect(box.nextOffset == 520)
    }

    @Test func aGapCostsASnapshotNotAHole() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.snapshotSent(at: 0)
        box.enqueue(chunk(0, 10))
        box.enqueue(chunk(15, 10))
        #expect(box.owesSnapshot)
        #expect(box.queuedBytes == 0)
    }
}

@Suite struct LosslessOutboxTests {
    @Test func aLosslessOutboxNeverDropsAndSaysWhenToPause() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.lossless = true
        box.snapshotSent(at: 0)
        for index in 0..<25 { box.enqueue(chunk(UInt64(index) * 10, 10)) }
        #expect(box.queuedBytes == 250)
        #expect(box.isOverHighWatermark)
        #expect(!box.owesSnapshot && box.resyncs == 0)
        var offset: UInt64 = 0
        while !box.isUnderLowWatermark {
            let taken = box.take()
            #expect(taken?.offset == offset)
            offset += 10
        }
        // The producer may go on once the queue is down to the low watermark, and not before.
        #expect(box.queuedBytes == 20 && offset == 230)
        // Every byte arrives, in order.
        while let taken = box.take() {
            #expect(taken.offset == offset)
            offset += 10
        }
        #expect(offset == 250)
    }

    @Test func requiringASnapshotDropsWhatItCovers() {
        var box = Outbox(highWatermark: 100, lowWatermark: 20)
        box.snapshotSent(at: 0)
        box.enqueue(chunk(0, 30))
        box.requireSnapshot()
        #expect(box.queuedBytes == 0 && box.owesSnapshot && box.resyncs == 0)
        #expect(box.take() == nil)
    }

    @Test(arguments: [(80 * 24, 1 << 20), (400 * 100, 400 * 100 * 256)])
    func watermarksGrowWithTheScreen(cells: Int, high: Int) {
        let marks = Outbox.watermarks(forCells: cells)
        #expect(marks.high == high)
        #expect(marks.low == high / 4)
    }
}
