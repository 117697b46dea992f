// A session's environment: its creator's, without other multiplexers' variables, with mux's own,
// then the creator's `--env` entries (docs/server.md, "Sessions"). Pure, so it is tested as a
// table (Tests/MuxServerTests/SessionEnvironmentTests.swift).

/// Builds the environment a session's program starts with.
public enum SessionEnvironment {
    /// Programs named by a `TERM_PROGRAM` that mux drops.
    public static let multiplexers = ["tmux", "screen", "zellij"]

    /// The environment: `creator`'s entries without other multiplexers' variables (`TMUX*`,
    /// `ZELLIJ*`, `STY`, and `TERM_PROGRAM` with its version when it names tmux, screen or
    /// zellij), then `mux` (TERM, MUX_SESSION, ...), then `overrides` (`--env`), each replacing an
    /// entry of the same name. Entries without `=` are dropped.
    public static func entries(creator: [String], mux: [String: String], overrides: [String]) -> [String] {
        let termProgram = creator.last { name(of: $0) == "TERM_PROGRAM" }.map { $0.dropFirst("TERM_PROGRAM=".count) }
        let fromMultiplexer = termProgram.map { program in
            multiplexers.contains { program.lowercased().hasPrefix($0) }
        }
        var environment = Environment(
            creator.filter { entry in
                let name = name(of: entry)
                guard name.count < entry.count, !name.isEmpty else { return false }
                if name.hasPrefix("TMUX") || name.hasPrefix("ZELLIJ") || name == "STY" { return false }
                if fromMultiplexer == true, name == "TERM_PROGRAM" || name == "TERM_PROGRAM_VERSION" { return false }
                return true
            })
        for (key, value) in mux.sorted(by: { $0.key < $1.key }) { environment[key] = value }
        for entry in overrides {
            let key = name(of: entry)
            guard key.count < entry.count, !key.isEmpty else { continue }
            environment[String(key)] = String(entry.dropFirst(key.count + 1))
        }
        return environment.entries
    }

    private static func name(of entry: String) -> Substring { entry.prefix { $0 != "=" } }
}
