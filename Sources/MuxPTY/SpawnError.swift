// Why a program could not be started in a PTY, named precisely enough to act on.

import CPTYShim
import Glibc

/// A failure to start a program in a new PTY. Its description is one line a user can act on.
public struct SpawnError: Error, Equatable, CustomStringConvertible {
    public enum Cause: Equatable, Sendable {
        /// The program was not found, or is not executable.
        case executable(String)
        /// The working directory does not exist or is not a directory.
        case workingDirectory(String)
        /// The PTY itself could not be created or configured.
        case terminal
        /// An empty argument vector.
        case emptyCommand
    }

    public let cause: Cause
    /// The `errno` reported by the failing call (0 for `emptyCommand`).
    public let errorNumber: Int32

    public init(cause: Cause, errorNumber: Int32) {
        self.cause = cause
        self.errorNumber = errorNumber
    }

    public var description: String {
        let reason = errorNumber == 0 ? "" : String(cString: strerror(errorNumber))
        switch cause {
        case .executable(let name):
            if errorNumber == ENOENT {
                return "cannot run '\(name)': no such program (checked the PATH given to the session)"
            }
            return "cannot run '\(name)': \(reason)"
        case .workingDirectory(let path):
            return "cannot start in '\(path)': \(reason)"
        case .terminal:
            return "cannot create a pseudo-terminal: \(reason)"
        case .emptyCommand:
            return "no command to run"
        }
    }
}
