// How much output may wait for one client (docs/server.md, "Fan-out"). A client's queue is the
// part of the session's shared output between its cursor and the end; the session machine
// decides with these bounds when a client has fallen too far behind.

/// The bounds of a client's queue of output.
public enum Outbox {
    /// The watermarks for a session of `cells` cells: a client more than a few dozen screens of
    /// output behind is better served by a snapshot (about one screen) than by catching up. The
    /// low mark, a quarter of the high one, is where a program paused for a lossless holder goes on.
    public static func watermarks(forCells cells: Int, minimum: Int = 1 << 20) -> (high: Int, low: Int) {
        let high = max(minimum, cells * 256)
        return (high, high / 4)
    }
}
