// What a pass-through client adds to its terminal besides the session's bytes: the dim mark of a
// gap, scrolled into the terminal's scrollback below the rows it shows before the snapshot that
// follows a resync, and where a closing line goes. Pure: bytes out, from the replica.

import MuxTerminal

public enum PassThroughMarks {
    /// The bytes that scroll the rows `terminal` (the replica, which the terminal shows: the
    /// same size) uses, then the dim mark of `lines` skipped lines (cut to the width), into the
    /// terminal's scrollback, inside a synchronized update that the snapshot which follows (and
    /// clears the screen without pushing anything) ends.
    public static func gap(lines: UInt64, over terminal: Terminal) -> [UInt8] {
        gap(
            lines: lines, rows: terminal.rows, columns: terminal.columns, usedRow: lastUsedRow(of: terminal),
            alternateScreen: terminal.usingAlternateScreen)
    }

    /// The same over a screen the client no longer has a replica of: every row counts as used,
    /// and the alternate screen is left in case it shows.
    public static func gap(lines: UInt64, rows: Int, columns: Int) -> [UInt8] {
        gap(lines: lines, rows: rows, columns: columns, usedRow: rows - 1, alternateScreen: true)
    }

    private static func gap(lines: UInt64, rows: Int, columns: Int, usedRow used: Int, alternateScreen: Bool)
        -> [UInt8]
    {
        var text = "\u{1b}[?2026h\u{1b}[0m"
        // The terminal's own primary screen holds what the replica's does.
        if alternateScreen { text += "\u{1b}[?1049l" }
        var markRow = used + 1
        var pushes = used + 2
        if markRow > rows - 1 {
            // The mark needs a row of its own: one scroll first.
            text += "\u{1b}[\(rows);1H\n"
            markRow = rows - 1
            pushes -= 1
        }
        text +=
            "\u{1b}[\(markRow + 1);1H\u{1b}[2K\u{1b}[2m\(String(gapMark(lines: lines).prefix(columns)))\u{1b}[0m"
        text += "\u{1b}[\(rows);1H" + String(repeating: "\n", count: pushes)
        return Array(text.utf8)
    }

    /// The last row of the primary screen with anything on it, or the cursor's row when the
    /// primary screen shows and the cursor is lower; -1 when there is none.
    public static func lastUsedRow(of terminal: Terminal) -> Int {
        let screen = terminal.primary
        var last = -1
        for y in 0..<screen.rows.count where screen.rows[y].cells.contains(where: { !$0.isDefaultBlank }) {
            last = y
        }
        if !terminal.usingAlternateScreen { last = max(last, terminal.cursor.y) }
        return last
    }
}

/// The one dim line a gap leaves in the terminal's scrollback.
public func gapMark(lines: UInt64) -> String {
    "-- mux: \(groupedThousands(lines)) lines not shown --"
}
