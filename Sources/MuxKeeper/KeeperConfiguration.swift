// What `mux keeper` is told on its command line, and the command line that tells it again (the
// keeper re-executes itself on SIGUSR2 with the same configuration and its table).

/// How a keeper runs.
public struct KeeperConfiguration: Sendable, Equatable {
    /// The server's socket; the keeper logs to its `.log` beside it.
    public var socketPath: String
    /// The server's command line, without `--keeper-fd` and `--ready-fd` (the keeper adds them).
    public var serverArguments: [String]
    /// Where to pass the first server's readiness line on (the starting command waits on it), or -1.
    public var readyDescriptor: Int32 = -1
    /// How long a server started by RESTART has to say READY before it is killed and the old one
    /// carries on.
    public var restartTimeout: Double = 20
    /// A memfd holding the table of the keeper that re-executed itself into this one, or -1.
    public var resumeDescriptor: Int32 = -1

    public init(socketPath: String, serverArguments: [String]) {
        self.socketPath = socketPath
        self.serverArguments = serverArguments
    }

    public var logPath: String { socketPath + ".log" }

    /// The environment variable, set to 1, that tells a server it is a replacement (started by
    /// RESTART while the old one waits): it must take every session the keeper holds, or start
    /// no further and leave them to the old server.
    public static let replacing = "MUX_REPLACING"

    /// `mux keeper ...` for this configuration, resuming from `resume`: what re-execution runs.
    /// (The readiness line has been passed on by then, so `--ready-fd` is not repeated.)
    public func commandLine(executable: String, resume: Int32) -> [String] {
        [
            executable, "keeper", "--socket", socketPath, "--restart-timeout", "\(restartTimeout)", "--resume",
            "\(resume)", "--",
        ]
            + serverArguments
    }
}
