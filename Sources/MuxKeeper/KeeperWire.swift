// The link's transport: a SOCK_SEQPACKET socketpair, one message per datagram (so the kernel keeps
// the boundaries) with its descriptors in the same sendmsg (SCM_RIGHTS). The encoding is
// KeeperMessage.swift's. A message may be large (a program's environment): the buffers are raised
// to 4 MiB, and a message over 1 MiB is refused before it is sent.

import CPTYShim
import Glibc
import MuxSystem

public enum KeeperWire {
    /// The largest message either side sends or accepts.
    public static let maximumMessageBytes = 1 << 20

    /// A connected pair of link ends, both close-on-exec, their buffers raised.
    public static func makePair() throws(SystemError) -> (Int32, Int32) {
        var ends: [Int32] = [-1, -1]
        let code = mux_seqpacket_pair(&ends)
        guard code == 0 else { throw SystemError("create the keeper link", errorNumber: code) }
        prepare(ends[0])
        prepare(ends[1])
        return (ends[0], ends[1])
    }

    /// Raises a link end's buffers so that a large message fits in one datagram. (The kernel caps
    /// them at net.core.wmem_max and rmem_max; a message past the cap fails with EMSGSIZE.)
    public static func prepare(_ socket: Int32) {
        var size: Int32 = 4 << 20
        let length = socklen_t(MemoryLayout<Int32>.size)
        _ = setsockopt(socket, SOL_SOCKET, SO_SNDBUF, &size, length)
        _ = setsockopt(socket, SOL_SOCKET, SO_RCVBUF, &size, length)
    }

    /// Sends `message` with its descriptors (which stay the caller's). A message over
    /// `maximumMessageBytes` is not sent: EMSGSIZE.
    public static func send(_ message: KeeperMessage, descriptors: [Int32] = [], on socket: Int32) throws(SystemError) {
        precondition(descriptors.count == message.descriptorCount, "\(message) carries \(message.descriptorCount)")
        let bytes = message.encoded()
        guard bytes.count <= maximumMessageBytes else {
            throw SystemError(
                "send a keeper message of \(bytes.count) bytes (at most \(maximumMessageBytes))",
                errorNumber: EMSGSIZE)
        }
        let code = bytes.withUnsafeBytes { raw in
            descriptors.withUnsafeBufferPointer { fds in
                mux_send_with_fds(socket, raw.baseAddress, raw.count, fds.baseAddress, Int32(fds.count))
            }
        }
        guard code == 0 else { throw SystemError("send to the keeper link", errorNumber: code) }
    }
}

/// Receives messages from one link end; owns the buffer they are read into.
public final class KeeperReceiver {
    public let socket: Int32
    private var buffer: [UInt8]

    public init(socket: Int32) {
        self.socket = socket
        // One byte more than the largest message, so that a larger one shows as truncated.
        buffer = [UInt8](repeating: 0, count: KeeperWire.maximumMessageBytes + 1)
    }

    /// The next message with its descriptors (close-on-exec, now the caller's), blocking unless the
    /// socket is nonblocking; nil at the end of the stream (the other side closed). A malformed
    /// message, or one with the wrong number of descriptors, is an error (EPROTO, EMSGSIZE) and its
    /// descriptors are closed.
    public func receive() throws(SystemError) -> (message: KeeperMessage, descriptors: [Int32])? {
        var fds = [Int32](repeating: -1, count: Int(MUX_MAX_FDS_PER_MESSAGE))
        var count: Int32 = 0
        var truncated: Int32 = 0
        let socket = socket
        let n = buffer.withUnsafeMutableBytes { raw in
            fds.withUnsafeMutableBufferPointer { out in
                mux_recv_with_fds(
                    socket, raw.baseAddress, raw.count, out.baseAddress, Int32(out.count), &count, &truncated)
            }
        }
        let received = Array(fds[..<Int(max(count, 0))])
        func fail(_ what: String, _ code: Int32) -> SystemError {
            for fd in received { close(fd) }
            return SystemError(what, errorNumber: code)
        }
        if n < 0 { throw fail("receive from the keeper link", Int32(-n)) }
        if n == 0 && received.isEmpty { return nil }
        if truncated != 0 || n > KeeperWire.maximumMessageBytes {
            throw fail("receive from the keeper link: a message over \(KeeperWire.maximumMessageBytes) bytes", EMSGSIZE)
        }
        let message: KeeperMessage
        do {
            message = try KeeperMessage(decoding: buffer[..<n])
        } catch {
            throw fail("receive from the keeper link: \(error)", EPROTO)
        }
        guard received.count == message.descriptorCount else {
            throw fail(
                "receive from the keeper link: message 0x\(String(message.type, radix: 16)) came with "
                    + "\(received.count) descriptors, not \(message.descriptorCount)", EPROTO)
        }
        return (message, received)
    }
}
