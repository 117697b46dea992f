// Where a client finds the server: the convention every mux command and the server share.
// A pure function of its inputs, so that both sides and the tests agree without touching disk.

/// The path of the server's Unix socket.
public enum SocketLocation {
    /// The socket to use, in order of precedence: an explicit `--socket`, `MUX_SOCKET`, then
    /// `$XDG_RUNTIME_DIR/mux/default.sock`, then `/tmp/mux-<uid>/default.sock`.
    public static func resolve(explicit: String?, environment: [String: String], uid: UInt32) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment["MUX_SOCKET"], !fromEnvironment.isEmpty { return fromEnvironment }
        if let runtime = environment["XDG_RUNTIME_DIR"], !runtime.isEmpty {
            return runtime + "/mux/default.sock"
        }
        return "/tmp/mux-\(uid)/default.sock"
    }
}
