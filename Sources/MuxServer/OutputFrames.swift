// A session's recent output as OUTPUT frames, each encoded once and written to every client that
// needs it: a ByteBuffer shares its storage, so a write to one more client costs a reference, not
// a copy (as tmux's clients share one buffer, each with its own offset). Frames are kept until
// the slowest live client has been handed them.

import MuxProtocol
import NIOCore

/// OUTPUT frames in stream order, by the offset of their first byte.
struct OutputFrames {
    private var starts: [UInt64] = []
    private var ends: [UInt64] = []
    private var buffers: [ByteBuffer] = []
    private var head = 0

    /// The largest payload one frame carries; a longer piece of output is split.
    static let largestPayload = 1 << 18

    /// Encodes `bytes`, the output starting at `offset`, as one frame or more.
    mutating func append(_ bytes: ArraySlice<UInt8>, at offset: UInt64, allocator: ByteBufferAllocator) {
        var start = bytes.startIndex
        var position = offset
        while start < bytes.endIndex {
            let end = min(bytes.endIndex, start + Self.largestPayload)
            var frame = allocator.buffer(capacity: 18 + end - start)
            frame.writeBytes(Message.outputHeader(offset: position, count: end - start))
            frame.writeBytes(bytes[start..<end])
            starts.append(position)
            position += UInt64(end - start)
            ends.append(position)
            buffers.append(frame)
            start = end
        }
    }

    /// The frame that starts exactly at `offset`, and where it ends.
    func frame(at offset: UInt64) -> (frame: ByteBuffer, end: UInt64)? {
        guard let index = firstIndex(startingAtOrAfter: offset), starts[index] == offset else { return nil }
        return (buffers[index], ends[index])
    }

    /// Where the first frame starting after `offset` starts.
    func start(after offset: UInt64) -> UInt64? {
        guard let index = firstIndex(startingAtOrAfter: offset + 1) else { return nil }
        return starts[index]
    }

    /// Forgets the frames that end at or before `offset`: every live client is past them.
    mutating func forget(before offset: UInt64) {
        while head < starts.count && ends[head] <= offset { head += 1 }
        if head == starts.count {
            starts.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            buffers.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 64 && head * 2 > starts.count {
            starts.removeFirst(head)
            ends.removeFirst(head)
            buffers.removeFirst(head)
            head = 0
        }
    }

    /// The index of the first frame starting at or after `offset` (binary search).
    private func firstIndex(startingAtOrAfter offset: UInt64) -> Int? {
        var low = head
        var high = starts.count
        while low < high {
            let middle = (low + high) / 2
            if starts[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low < starts.count ? low : nil
    }
}
