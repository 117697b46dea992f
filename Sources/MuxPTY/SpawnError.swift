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
        /// The keeper that starts the server's programs is gone (docs/lifecycle.md).
        case keeperLost
    }

    public let cause: Cause
    /// The `errno` reported by the failing call (0 for `emptyCommand`).
    public let errorNumber: Int32

    public init(cause: Cause, errorNumber: Int32) {
        self.cause = cause
        self.errorNumber = errorNumber
    }

    /// The error for a failed `mux_pty_spawn`: the stage it stopped at (a `mux_spawn_stage`, as
    /// the shim returned it here or in the keeper) and its errno.
    public init(stage: Int32, errorNumber: Int32, program: String, workingDirectory: String?) {
        switch stage {
        case Int32(MUX_SPAWN_EXECUTABLE.rawValue):
            self.init(cause: .executable(program), errorNumber: errorNumber)
        case Int32(MUX_SPAWN_WORKING_DIRECTORY.rawValue):
            self.init(cause: .workingDirectory(workingDirectory ?? ""), errorNumber: errorNumber)
        default:
            self.init(cause: .terminal, errorNumber: errorNumber)
        }
    }

    /// The `mux_spawn_stage` this error stands for: what the keeper sends back for a failed spawn,
    /// so that `init(stage:errorNumber:program:workingDirectory:)` on the other side gives the
    /// same error (an empty command reads as a missing program).
    public var stage: Int32 {
        switch cause {
        case .executable, .emptyCommand: Int32(MUX_SPAWN_EXECUTABLE.rawValue)
        case .workingDirectory: Int32(MUX_SPAWN_WORKING_DIRECTORY.rawValue)
        case .terminal, .keeperLost: Int32(MUX_SPAWN_OPEN_MASTER.rawValue)
        }
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
        case .keeperLost:
            return "cannot start a program: the server lost its keeper process"
        }
    }
}
