// The session machine's pixel sizes: a program asking the size of a cell or of the window in
// pixels (xterm's XTWINOPS 14, 15, 16 and 19, or the PTY's ws_xpixel and ws_ypixel) is told the
// lease holder's terminal's, since that is the window it is drawn in; zero when it is unknown.

extension SessionMachine {
    /// A terminal's text area in pixels, as TIOCGWINSZ reports it (0 when unknown).
    struct PixelSize: Equatable {
        var width: UInt16 = 0
        var height: UInt16 = 0
    }

    /// What the program is told about pixels; all zero when the holder's terminal did not say.
    struct PixelGeometry: Equatable {
        /// One cell: the holder's terminal's pixels divided by its cells.
        var cellWidth = 0
        var cellHeight = 0
        /// The holder's terminal in pixels: the "screen" of XTWINOPS 15 and 19.
        var screenWidth = 0
        var screenHeight = 0

        /// From a terminal of `columns` x `rows` cells and `pixels`.
        init(columns: UInt16, rows: UInt16, pixels: PixelSize) {
            guard columns > 0, rows > 0, pixels.width > 0, pixels.height > 0 else { return }
            cellWidth = Int(pixels.width) / Int(columns)
            cellHeight = Int(pixels.height) / Int(rows)
            screenWidth = Int(pixels.width)
            screenHeight = Int(pixels.height)
        }

        init() {}
    }

    /// Takes the lease holder's pixel sizes, telling the server when they change. With no holder
    /// the session keeps what it has, as it keeps its size.
    mutating func updatePixelGeometry(into actions: inout [Action]) {
        guard isLive, let holder = lease.holder, let attachment = attachment(holder) else { return }
        let geometry = attachment.pixels
        guard geometry != pixelGeometry else { return }
        pixelGeometry = geometry
        actions.append(.setPixelGeometry(geometry))
    }
}
