// Operating system commands and device control strings: titles (OSC 0/1/2), the working directory
// (OSC 7), hyperlinks (OSC 8), semantic prompt marks (OSC 133, see CommandState.swift), colours
// (OSC 4/5/10–19 set and query, 104/105/110–119 reset, specifications as XParseColor reads them:
// XColorSpec.swift), the clipboard (OSC 52, behind a policy), and DECRQSS. Other DCS strings and
// all APC/PM/SOS strings are consumed. What a string leaves behind is bounded (docs/server.md,
// "Bounds"): titles 4 KiB, OSC 7 4 KiB, hyperlinks 4,096 per terminal with URIs of 8 KiB.

extension Terminal {
    public mutating func oscDispatch(_ data: ArraySlice<UInt8>, bellTerminated: Bool) {
        defer { lastPrinted = 0 }
        let terminator = bellTerminated ? "\u{07}" : "\u{1b}\\"
        let separator = data.firstIndex(of: 0x3b) ?? data.endIndex
        guard let command = Int(String(decoding: data[data.startIndex..<separator], as: UTF8.self)) else { return }
        let argument = separator < data.endIndex ? data[(separator + 1)...] : []
        let text = String(decoding: argument, as: UTF8.self)
        switch command {
        case 0:
            title = Self.titleTruncated(text)
            iconName = title
            effects.titleChanged = true
        case 1:
            iconName = Self.titleTruncated(text)
            effects.titleChanged = true
        case 2:
            title = Self.titleTruncated(text)
            effects.titleChanged = true
        case 4:
            setPaletteColors(text, terminator: terminator)
        case 5:
            setSpecialColors(text, terminator: terminator)
        case 7:
            // A longer one is no path a program can use: ignored rather than cut.
            if argument.count <= Self.maximumTitleBytes { workingDirectory = text }
        case 8:
            setHyperlink(text)
        case 10...19:
            setDynamicColors(from: command, text, terminator: terminator)
        case 52:
            setClipboard(text)
        case 104:
            if text.isEmpty {
                paletteOverrides = [:]
            } else {
                for item in text.split(separator: ";") {
                    guard let index = Self.colorNumber(item) else { continue }
                    if index < 256 {
                        paletteOverrides[UInt8(index)] = nil
                    } else if index < 256 + Terminal.specialColorCount {
                        specialColors[index - 256] = nil
                    }
                }
            }
        case 105:
            if text.isEmpty {
                specialColors = [:]
            } else {
                for item in text.split(separator: ";") {
                    if let index = Self.colorNumber(item) { specialColors[index] = nil }
                }
            }
        case 110...119:
            dynamicColors[command - 110] = nil
        case 133:
            commandState.apply(Substring(text))
        default:
            break
        }
    }

    public mutating func dcsDispatch(_ header: CSISequence, data: ArraySlice<UInt8>) {
        defer { lastPrinted = 0 }
        // DECRQSS: DCS $ q <setting> ST
        guard header.marker == 0, header.intermediates == Intermediates(0x24), header.final == 0x71 else { return }
        let setting = String(decoding: data, as: UTF8.self)
        if let value = statusString(setting) {
            reply("\u{1b}P1$r\(value)\(setting)\u{1b}\\")
        } else {
            reply("\u{1b}P0$r\u{1b}\\")
        }
    }

    /// DECRQSS: the parameters of the setting named by its final (and intermediate) bytes, as
    /// xterm reports them; nil for a setting xterm does not report.
    func statusString(_ setting: String) -> String? {
        switch setting {
        case "m": return reportedSGRParameters(cursor.pen, extras: penExtras)
        case "r": return "\(scrollTop + 1);\(scrollBottom + 1)"
        case "s": return "\(leftMargin + 1);\(rightMargin + 1)"
        case " q":
            // xterm reports the shape in force: the default is its steady block, blinking with ?12.
            if cursorShape == .default { return modes.cursorBlink ? "1" : "2" }
            return "\(cursorShape.rawValue)"
        case "\"q": return cursor.pen.attributes.has(CellAttributes.protected) && protectionMode == .dec ? "1" : "0"
        case "\"p": return conformanceLevel == 61 ? "61" : "\(conformanceLevel);1"
        case "t": return "\(rows)"
        case "$|": return "\(columns)"
        case "*|": return "\(rows)"
        default: return nil
        }
    }

    /// OSC 8: `params;uri`; an empty URI ends the link. `id=` in params ties cells together.
    /// A URI over 8 KiB or an id over 256 bytes ends the link instead (VTE ignores such links
    /// too). When the table holds `maximumHyperlinks` links that cells still use, a new link is
    /// dropped (its text prints without it) and counted in `effects.hyperlinksDropped`.
    private mutating func setHyperlink(_ text: String) {
        guard let split = text.firstIndex(of: ";") else { return }
        let parameters = text[..<split]
        let uri = String(text[text.index(after: split)...])
        var id = ""
        for item in parameters.split(separator: ":") where item.hasPrefix("id=") {
            id = String(item.dropFirst(3))
        }
        if uri.isEmpty || uri.utf8.count > Self.maximumHyperlinkBytes || id.utf8.count > Self.maximumHyperlinkIDBytes {
            penExtras.hyperlink = 0
        } else {
            let link = Hyperlink(id: id, uri: uri)
            var index = hyperlinks.index(of: link)
            // Full: collect links no cell uses any more. When that frees nothing, try again only
            // after many more drops, so a full table does not cost a walk of the history per link.
            if index == nil && hyperlinksDroppedSinceCollection % 256 == 0 {
                collectGarbage()
                index = hyperlinks.index(of: link)
            }
            if index == nil {
                hyperlinksDroppedSinceCollection &+= 1
                effects.hyperlinksDropped += 1
            } else {
                hyperlinksDroppedSinceCollection = 0
            }
            penExtras.hyperlink = index ?? 0
        }
        updatePenExtras()
    }

    /// The longest title or icon name kept (OSC 0/1/2), and the longest OSC 7 path.
    public static let maximumTitleBytes = 4096
    /// The most hyperlinks a terminal keeps at once (those its cells use), and their longest URI
    /// and id.
    public static let maximumHyperlinks = 4096
    public static let maximumHyperlinkBytes = 8192
    public static let maximumHyperlinkIDBytes = 256

    /// `text` cut to at most `maximumTitleBytes` bytes of UTF-8, on a character boundary.
    static func titleTruncated(_ text: String) -> String {
        guard text.utf8.count > maximumTitleBytes else { return text }
        var end = text.startIndex
        var bytes = 0
        for index in text.indices {
            let next = text.index(after: index)
            let length = text.utf8.distance(from: index, to: next)
            guard bytes + length <= maximumTitleBytes else { break }
            bytes += length
            end = next
        }
        return String(text[..<end])
    }

    /// A colour's number in OSC 4, 5, 104 and 105: decimal digits only, as xterm reads them. A
    /// sign is not a digit: `-1` once reached `UInt8(-1)` and stopped the server (and, replayed by
    /// the next one from the recovery ring, every server after it).
    static func colorNumber(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.utf8.count <= 6, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return nil
        }
        return Int(text)
    }

    /// OSC 4: pairs of `index;spec`; a spec of `?` asks for the colour. Indices 256–260 are the
    /// special colours of OSC 5, as in xterm.
    private mutating func setPaletteColors(_ text: String, terminator: String) {
        let items = text.split(separator: ";", omittingEmptySubsequences: false)
        var index = 0
        var settings: [Substring] = []
        while index + 1 < items.count {
            if let slot = Self.colorNumber(items[index]) {
                let spec = items[index + 1]
                if slot < 256 {
                    if spec == "?" {
                        reply("\u{1b}]4;\(slot);\(xParseColorString(paletteColor(UInt8(slot))))\(terminator)")
                    } else if let color = parseXColor(spec) {
                        paletteOverrides[UInt8(slot)] = color
                        settings += items[index...(index + 1)]
                    }
                } else if slot < 256 + Terminal.specialColorCount {
                    if spec == "?" {
                        reply("\u{1b}]4;\(slot);\(xParseColorString(specialColor(slot - 256)))\(terminator)")
                    } else if let color = parseXColor(spec) {
                        specialColors[slot - 256] = color
                        settings += items[index...(index + 1)]
                    }
                }
            }
            index += 2
        }
        keepForViewers(settings, of: 4, terminator: terminator)
    }

    /// The settings a colour string made, for viewers in case it is cut for its queries.
    private mutating func keepForViewers(_ settings: [Substring], of command: Int, terminator: String) {
        guard !settings.isEmpty else { return }
        cutReplacement += Array("\u{1b}]\(command);\(settings.joined(separator: ";"))\(terminator)".utf8)
    }

    /// OSC 5: pairs of `index;spec` for the special colours (0 bold, 1 underline, 2 blink,
    /// 3 reverse, 4 italic).
    private mutating func setSpecialColors(_ text: String, terminator: String) {
        let items = text.split(separator: ";", omittingEmptySubsequences: false)
        var index = 0
        var settings: [Substring] = []
        while index + 1 < items.count {
            if let slot = Self.colorNumber(items[index]), slot < Terminal.specialColorCount {
                let spec = items[index + 1]
                if spec == "?" {
                    reply("\u{1b}]5;\(slot);\(xParseColorString(specialColor(slot)))\(terminator)")
                } else if let color = parseXColor(spec) {
                    specialColors[slot] = color
                    settings += items[index...(index + 1)]
                }
            }
            index += 2
        }
        keepForViewers(settings, of: 5, terminator: terminator)
    }

    /// OSC 10–19: each following `;spec` sets (or with `?` asks for) the next colour in turn:
    /// foreground, background, cursor, pointer foreground and background, Tektronix foreground,
    /// background and cursor, highlight background and foreground.
    private mutating func setDynamicColors(from first: Int, _ text: String, terminator: String) {
        var which = first
        for spec in text.split(separator: ";", omittingEmptySubsequences: false) where which <= 19 {
            if spec == "?" {
                reply("\u{1b}]\(which);\(xParseColorString(dynamicColor(which)))\(terminator)")
            } else if let color = parseXColor(spec) {
                dynamicColors[which - 10] = color
                keepForViewers([spec], of: which, terminator: terminator)
            }
            which += 1
        }
    }

    /// OSC 52: `selections;base64`. Writes become an effect when the policy allows (the server
    /// hands them to the lease holder alone); queries (`?`) are never answered, so a program
    /// cannot read a client's clipboard. Either way the sequence is cut from what viewers get.
    private mutating func setClipboard(_ text: String) {
        guard let split = text.firstIndex(of: ";") else { return }
        let data = String(text[text.index(after: split)...])
        // Never forwarded to viewers, read or write: a viewer's terminal must not set its
        // clipboard for a program it only watches, nor answer a read.
        cutFromViewers()
        guard data != "?", environment.allowClipboardWrite else { return }
        effects.clipboardWrites.append(ClipboardWrite(selections: String(text[..<split]), base64: data))
    }

    /// The colour the program sees for palette entry `index`: its override or xterm's default.
    func paletteColor(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        if let override = paletteOverrides[index], let rgb = override.rgb { return rgb }
        return Terminal.defaultPalette(index)
    }

    /// OSC 10–19: what each reports before a program sets it, as xterm's defaults follow its
    /// foreground (10, 13, 15, 17, 18), background (11, 14, 16, 19) and cursor colour (12).
    func dynamicColor(_ which: Int) -> (UInt8, UInt8, UInt8) {
        if let color = dynamicColors[which - 10], let rgb = color.rgb { return rgb }
        switch which {
        case 11, 14, 16, 19: return environment.background
        case 12: return environment.cursorColor
        default: return environment.foreground
        }
    }

    /// The number of special colours (OSC 5, OSC 4 256 and up).
    static let specialColorCount = 5

    /// OSC 5: a special colour, the foreground until a program sets it (as in xterm).
    func specialColor(_ which: Int) -> (UInt8, UInt8, UInt8) {
        if let color = specialColors[which], let rgb = color.rgb { return rgb }
        return environment.foreground
    }

    /// xterm's default 256-colour palette.
    static func defaultPalette(_ index: UInt8) -> (UInt8, UInt8, UInt8) {
        let base: [(UInt8, UInt8, UInt8)] = [
            (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
            (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255),
            (255, 0, 255), (0, 255, 255), (255, 255, 255),
        ]
        if index < 16 { return base[Int(index)] }
        if index < 232 {
            let levels: [UInt8] = [0, 95, 135, 175, 215, 255]
            let i = Int(index) - 16
            return (levels[i / 36], levels[i / 6 % 6], levels[i % 6])
        }
        let gray = UInt8(8 + (Int(index) - 232) * 10)
        return (gray, gray, gray)
    }
}

/// `rgb:rrrr/gggg/bbbb`, the form xterm answers colour queries with.
func xParseColorString(_ color: (UInt8, UInt8, UInt8)) -> String {
    "rgb:" + [color.0, color.1, color.2].map { hex2($0) + hex2($0) }.joined(separator: "/")
}
