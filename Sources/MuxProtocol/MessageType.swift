// The one table of message types and their numbers on the wire (docs/protocol.md, "Messages",
// lists the same table with each payload). Encoding, decoding and OUTPUT's header all use it.

/// A frame's type: the message it carries. Client-to-server types have the high bit clear,
/// server-to-client types have it set.
public enum MessageType: UInt16, Sendable, CaseIterable {
    // client → server
    case hello = 0x0001
    case attach = 0x0002
    case input = 0x0003
    case resize = 0x0004
    case detach = 0x0005
    case list = 0x0006
    case create = 0x0007
    case kill = 0x0008
    case resizeSession = 0x0009
    case send = 0x000a
    case capture = 0x000b
    case leaseTake = 0x000c
    case leaseRelease = 0x000d
    case leaseStatus = 0x000e
    case status = 0x000f
    case shutdown = 0x0010
    case refresh = 0x0011
    case rename = 0x0012
    case label = 0x0013
    case restart = 0x0014
    // server → client
    case welcome = 0x8001
    case error = 0x8002
    case attached = 0x8003
    case snapshot = 0x8004
    case output = 0x8005
    case lease = 0x8006
    case exited = 0x8007
    case sessions = 0x8008
    case created = 0x8009
    case done = 0x800a
    case captured = 0x800b
    case leaseState = 0x800c
    case serverStatus = 0x800d
    case resized = 0x800e
    case gap = 0x800f
    case notice = 0x8010
    case clipboard = 0x8011
}
