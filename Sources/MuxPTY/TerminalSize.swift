// The size of a terminal in character cells and in pixels, as the kernel's struct winsize holds it.

/// A terminal's size in columns and rows, and in pixels when known (0 when not).
public struct TerminalSize: Hashable, Sendable, CustomStringConvertible {
    public var columns: UInt16
    public var rows: UInt16
    /// The text area in pixels (ws_xpixel, ws_ypixel); 0 when unknown.
    public var pixelWidth: UInt16
    public var pixelHeight: UInt16

    public init(columns: UInt16, rows: UInt16, pixelWidth: UInt16 = 0, pixelHeight: UInt16 = 0) {
        self.columns = columns
        self.rows = rows
        self.pixelWidth = pixelWidth
        self.pixelHeight = pixelHeight
    }

    public var description: String { "\(columns)x\(rows)" }
}
