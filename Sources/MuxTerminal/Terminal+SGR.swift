// SGR (Select Graphic Rendition): the pen's colours and attributes. Both the `;` and the `:` forms
// of extended colours (ITU T.416 and the common xterm variant), underline styles 4:0–4:5 and
// underline colours 58/59. An unknown parameter is skipped with its subparameters.

extension Terminal {
    mutating func selectGraphicRendition(_ s: CSISequence) {
        if s.count == 0 {
            resetPen()
            return
        }
        var pen = cursor.pen
        var underlineColor = penExtras.underlineColor
        let subparameterMask = s.subparameterMask
        s.parameters.withUnsafeValues { values in
            let count = values.count
            var index = 0
            while index < count {
                let value = values[index]
                var next = index + 1
                while next < count && next < 32 && subparameterMask & (1 << UInt32(next)) != 0 { next += 1 }
                let subparameters = (index + 1)..<next
                switch value {
                case 0:
                    pen.foreground = .default
                    pen.background = .default
                    pen.attributes.rawValue &= ~(0xffff & ~CellAttributes.protected)  // DECSCA is not SGR
                    underlineColor = .default
                case 1: pen.attributes.set(CellAttributes.bold, true)
                case 2: pen.attributes.set(CellAttributes.faint, true)
                case 3: pen.attributes.set(CellAttributes.italic, true)
                case 4:
                    if let style = subparameters.first {
                        pen.attributes.underline =
                            UnderlineStyle(rawValue: UInt8(min(values[style], 255))) ?? pen.attributes.underline
                    } else {
                        pen.attributes.underline = .single
                    }
                case 5: pen.attributes.set(CellAttributes.blink, true)
                case 6: pen.attributes.set(CellAttributes.rapidBlink, true)
                case 7: pen.attributes.set(CellAttributes.inverse, true)
                case 8: pen.attributes.set(CellAttributes.invisible, true)
                case 9: pen.attributes.set(CellAttributes.strikethrough, true)
                case 21: pen.attributes.underline = .double
                case 22:
                    pen.attributes.set(CellAttributes.bold, false)
                    pen.attributes.set(CellAttributes.faint, false)
                case 23: pen.attributes.set(CellAttributes.italic, false)
                case 24: pen.attributes.underline = .none
                case 25:
                    pen.attributes.set(CellAttributes.blink, false)
                    pen.attributes.set(CellAttributes.rapidBlink, false)
                case 27: pen.attributes.set(CellAttributes.inverse, false)
                case 28: pen.attributes.set(CellAttributes.invisible, false)
                case 29: pen.attributes.set(CellAttributes.strikethrough, false)
                case 30...37: pen.foreground = .palette(UInt8(value - 30))
                case 39: pen.foreground = .default
                case 40...47: pen.background = .palette(UInt8(value - 40))
                case 49: pen.background = .default
                case 53: pen.attributes.set(CellAttributes.overline, true)
                case 55: pen.attributes.set(CellAttributes.overline, false)
                case 59: underlineColor = .default
                case 90...97: pen.foreground = .palette(UInt8(value - 90 + 8))
                case 100...107: pen.background = .palette(UInt8(value - 100 + 8))
                case 38, 48, 58:
                    let (color, end) = Self.extendedColor(values, at: index, subparameters: subparameters)
                    next = end
                    if let color {
                        switch value {
                        case 38: pen.foreground = color
                        case 48: pen.background = color
                        default: underlineColor = color
                        }
                    }
                default:
                    break
                }
                index = next
            }
        }
        cursor.pen = pen
        if underlineColor != penExtras.underlineColor {
            penExtras.underlineColor = underlineColor
            updatePenExtras()
        }
    }

    /// Reads the colour after 38, 48 or 58 at `index`; returns it (nil when malformed) and the
    /// index of the parameter after it.
    @inline(__always)
    private static func extendedColor(
        _ values: UnsafeBufferPointer<UInt16>, at index: Int, subparameters: Range<Int>
    ) -> (Color?, Int) {
        let count = values.count
        @inline(__always) func component(_ i: Int) -> UInt8? {
            i < count && values[i] <= 255 ? UInt8(values[i]) : nil
        }
        if !subparameters.isEmpty {
            // Colon form: 38:5:i, 38:2:cs:r:g:b, or the common 38:2:r:g:b without a colour space.
            let first = subparameters.lowerBound
            switch values[first] {
            case 5:
                return (component(first + 1).map(Color.palette), subparameters.upperBound)
            case 2:
                let rgbStart = subparameters.count >= 5 ? first + 2 : first + 1
                guard subparameters.count >= 4, let r = component(rgbStart), let g = component(rgbStart + 1),
                    let b = component(rgbStart + 2)
                else { return (nil, subparameters.upperBound) }
                return (.rgb(r, g, b), subparameters.upperBound)
            default:
                return (nil, subparameters.upperBound)
            }
        }
        // Semicolon form: 38;5;i or 38;2;r;g;b.
        guard index + 1 < count else { return (nil, index + 1) }
        switch values[index + 1] {
        case 5:
            return (component(index + 2).map(Color.palette), min(index + 3, count))
        case 2:
            guard let r = component(index + 2), let g = component(index + 3), let b = component(index + 4) else {
                return (nil, min(index + 5, count))
            }
            return (.rgb(r, g, b), index + 5)
        default:
            return (nil, index + 2)
        }
    }

    /// SGR 0 with no parameters: the default look (the hyperlink is not part of SGR and stays).
    mutating func resetPen() {
        let protected = cursor.pen.attributes.has(CellAttributes.protected)
        cursor.pen = .blank
        cursor.pen.attributes.set(CellAttributes.protected, protected)
        penExtras.underlineColor = .default
        updatePenExtras()
    }

    /// Points the pen at the extras table entry for `penExtras`.
    mutating func updatePenExtras() {
        if penExtras.isEmpty {
            cursor.pen.attributes.extrasIndex = 0
            return
        }
        if extras.index(of: penExtras) == nil { collectGarbage() }
        cursor.pen.attributes.extrasIndex = extras.index(of: penExtras) ?? 0
    }
}
