// The final state as documents: plain text, text with SGR, and the JSON schema of
// docs/render-json.md, shared by `mux render` and `mux capture`.

import MuxJSON

extension Terminal {
    /// The last `history` lines of scrollback, then the visible rows, one per line.
    public func renderText(history: Int = 0) -> String {
        (historyLines.suffix(max(history, 0)) + visibleLines).map { $0 + "\n" }.joined()
    }

    /// The last `history` lines of scrollback, then the visible rows, with their look as SGR
    /// sequences, each row ending in a reset.
    public func renderANSI(history: Int = 0) -> String {
        var output = ""
        let first = max(scrollback.count - max(history, 0), 0)
        for index in first..<scrollback.count {
            output += ansiLine(scrollback[index].row(columns: columns))
        }
        for row in screen.rows { output += ansiLine(row) }
        return output
    }

    private func ansiLine(_ row: Row) -> String {
        var current = Cell.blank
        var currentExtras = CellExtras()
        let used = row.usedWidth
        var line = ""
        for cell in row.cells[0..<used] where !cell.isSpacer {
            let look = cell.with(content: 0, shape: 0)
            let cellExtras = extras(of: cell)
            if look != current || cellExtras.underlineColor != currentExtras.underlineColor {
                line += "\u{1b}[\(sgrParameters(look, extras: cellExtras))m"
                current = look
                currentExtras = cellExtras
            }
            line += cell.content == 0 ? " " : String(String.UnicodeScalarView(scalars(of: cell)))
        }
        if current != Cell.blank { line += "\u{1b}[0m" }
        return line + "\n"
    }

    /// One JSON document describing the final state (schema: docs/render-json.md), with at most
    /// the last `history` lines of scrollback (all of them when nil).
    public func renderJSON(history: Int? = nil) -> String {
        var json = "{"
        json += "\"cols\":\(columns),\"rows\":\(rows),"
        json += "\"cursor\":{\"x\":\(cursor.x),\"y\":\(cursor.y),\"visible\":\(modes.cursorVisible),"
        json += "\"pendingWrap\":\(cursor.pendingWrap)},"
        json += "\"alternateScreen\":\(usingAlternateScreen),"
        json += "\"title\":\(jsonString(title)),"
        json += "\"lines\":[" + visibleLines.map(jsonString).joined(separator: ",") + "],"
        json += "\"history\":[" + historyLines.suffix(history ?? Int.max).map(jsonString).joined(separator: ",") + "],"
        json += "\"runs\":["
        json += screen.rows.map { row in
            "[" + styledRuns(of: row.cells).map(jsonRun).joined(separator: ",") + "]"
        }.joined(separator: ",")
        json += "]}"
        return json
    }

    private func jsonRun(_ run: StyledRun) -> String {
        var fields = ["\"from\":\(run.from)", "\"to\":\(run.to)"]
        func color(_ color: Color) -> String {
            if let index = color.paletteIndex { return "\(index)" }
            return jsonString(color.description)
        }
        if !run.look.foreground.isDefault { fields.append("\"fg\":\(color(run.look.foreground))") }
        if !run.look.background.isDefault { fields.append("\"bg\":\(color(run.look.background))") }
        let attributes = run.look.attributes
        let flags: [(String, UInt32)] = [
            ("bold", CellAttributes.bold), ("faint", CellAttributes.faint), ("italic", CellAttributes.italic),
            ("blink", CellAttributes.blink), ("rapidBlink", CellAttributes.rapidBlink),
            ("inverse", CellAttributes.inverse), ("invisible", CellAttributes.invisible),
            ("strikethrough", CellAttributes.strikethrough), ("overline", CellAttributes.overline),
        ]
        for (name, flag) in flags where attributes.has(flag) { fields.append("\"\(name)\":true") }
        if attributes.underline != .none { fields.append("\"underline\":\(attributes.underline.rawValue)") }
        if !run.extras.underlineColor.isDefault {
            fields.append("\"underlineColor\":\(color(run.extras.underlineColor))")
        }
        if let link = hyperlink(run.extras.hyperlink) {
            fields.append("\"link\":\(jsonString(link.uri))")
            if !link.id.isEmpty { fields.append("\"linkId\":\(jsonString(link.id))") }
        }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
