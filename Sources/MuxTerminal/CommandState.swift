// OSC 133 semantic prompt marks (FinalTerm's, as iTerm2, WezTerm and VS Code read them):
// `A` prompt start, `B` command start (the user types), `C` command executed, `D[;status]`
// command finished. The emulator keeps where the shell is and how its last command ended; it does
// no I/O, so the server and `mux wait` read this state. Options after the status are ignored.

/// Where the shell is in its prompt–command cycle, by the marks it sent.
public struct CommandState: Equatable, Sendable {
    public enum Phase: Equatable, Sendable {
        /// No mark yet (or the shell sends none).
        case unknown
        /// After `A`: the prompt is being drawn.
        case prompt
        /// After `B`: the user is typing a command.
        case input
        /// After `C`: a command runs.
        case running
    }

    public internal(set) var phase: Phase = .unknown
    /// The status of the last command that finished (a `D` after a `C`); nil before any, or when
    /// its `D` carried no status.
    public internal(set) var lastStatus: Int32?
    /// How many commands finished (each `D` after a `C`).
    public internal(set) var finished: UInt64 = 0

    public init() {}

    /// OSC 133's argument: the mark's letter, then `;`-separated options.
    mutating func apply(_ argument: Substring) {
        let parts = argument.split(separator: ";", omittingEmptySubsequences: false)
        switch parts.first {
        case "A": phase = .prompt
        case "B": phase = .input
        case "C": phase = .running
        case "D":
            if phase == .running {
                finished += 1
                lastStatus = parts.count > 1 ? Int32(parts[1]) : nil
            }
            phase = .unknown
        default: break
        }
    }

    /// The mark that puts a fresh terminal in this phase (for the snapshot), or "" for none.
    var mark: String {
        switch phase {
        case .unknown: ""
        case .prompt: "A"
        case .input: "B"
        case .running: "C"
        }
    }
}
