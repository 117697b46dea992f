// Which part of the session's screen a window shows (docs/client.md, "Views at any size"): a
// window smaller than the session shows a crop that always holds the cursor; its origin moves
// only when the cursor leaves it, by the least amount that brings it back.

/// A window of `columns` x `rows` over a session's screen, from the session's cell at
/// (`originX`, `originY`).
public struct Viewport: Equatable, Sendable {
    public private(set) var columns: Int
    public private(set) var rows: Int
    public private(set) var originX = 0
    public private(set) var originY = 0

    public init(columns: Int, rows: Int) {
        self.columns = max(columns, 1)
        self.rows = max(rows, 1)
    }

    /// A new window size, keeping the origin where it still fits.
    public mutating func resize(columns: Int, rows: Int) {
        self.columns = max(columns, 1)
        self.rows = max(rows, 1)
    }

    /// Moves the origin the least amount that keeps it inside a session of `sessionColumns` x
    /// `sessionRows` and shows the cursor at (`x`, `y`).
    public mutating func follow(x: Int, y: Int, sessionColumns: Int, sessionRows: Int) {
        originX = Self.follow(originX, cursor: x, window: columns, session: sessionColumns)
        originY = Self.follow(originY, cursor: y, window: rows, session: sessionRows)
    }

    private static func follow(_ origin: Int, cursor: Int, window: Int, session: Int) -> Int {
        guard session > window else { return 0 }
        var origin = min(max(origin, 0), session - window)
        if cursor < origin { origin = cursor }
        if cursor >= origin + window { origin = cursor - window + 1 }
        return min(max(origin, 0), session - window)
    }
}
