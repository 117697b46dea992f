// The one error for a failed system call, on both sides: what was tried and the errno it left.
// Richer failures (a program that could not be started in a PTY: `SpawnError` in MuxPTY) have
// types of their own.

import Glibc

/// A failed system call, named, with its errno.
public struct SystemError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was tried, as a user reads it: "connect to /run/user/1000/mux/default.sock".
    public let operation: String
    public let errorNumber: Int32

    /// - Parameter errorNumber: the errno; by default the one the last failed call left.
    public init(_ operation: String, errorNumber: Int32 = errno) {
        self.operation = operation
        self.errorNumber = errorNumber
    }

    /// The C library's text for the errno: "Connection refused".
    public var reason: String { String(cString: strerror(errorNumber)) }

    public var description: String { "\(operation): \(reason)" }
}
