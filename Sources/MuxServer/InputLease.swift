// The input lease of one session as a pure state machine (docs/server.md, "Pure state machines";
// LEASE in docs/protocol.md): at most one holder; attaching as holder pushes the former holder
// down a stack, and when the holder leaves or releases, the lease returns to the one below. Every
// change is an event for all clients.

/// Who may type into a session and resize it.
public struct InputLease: Equatable, Sendable {
    /// Holders from the first to the current one (the last); each below the top is waiting for
    /// the lease to come back.
    public private(set) var stack: [String] = []

    public init() {}

    /// The client holding the lease, if any.
    public var holder: String? { stack.last }

    /// What a change of the lease means for the session.
    public struct Change: Equatable, Sendable {
        /// The holder before and after.
        public var from: String?
        public var to: String?

        public init(from: String?, to: String?) {
            self.from = from
            self.to = to
        }
    }

    /// `client` takes the lease (attaching as holder, `mux lease take`, a popout). The holder it
    /// replaces gets it back when `client` releases or leaves.
    public mutating func take(_ client: String) -> Change? {
        let before = holder
        stack.removeAll { $0 == client }
        stack.append(client)
        return before == client ? nil : Change(from: before, to: client)
    }

    /// `client` gives the lease back to the holder below it. Releasing a lease one does not hold
    /// leaves the stack alone except to forget that client's claim.
    public mutating func release(_ client: String) -> Change? {
        leave(client)
    }

    /// `client` detached or vanished: it no longer holds, nor waits for, the lease.
    public mutating func leave(_ client: String) -> Change? {
        let before = holder
        stack.removeAll { $0 == client }
        return before == holder ? nil : Change(from: before, to: holder)
    }

    /// Whether `client` may send input or resize without forcing: the lease is vacant or its own.
    public func allowsInput(from client: String) -> Bool { holder == nil || holder == client }
}
