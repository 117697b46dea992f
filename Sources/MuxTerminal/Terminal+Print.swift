// Printing: autowrap with the pending-wrap flag, insert mode, character sets and wide characters
// (clusters are in Terminal+Clusters.swift). The ASCII path writes whole runs into a row without
// per-character checks.

import MuxUnicode

extension Terminal {
    /// Prints a run of bytes 0x20–0x7E. The hot path: one row access per row written, and a
    /// plain store per character.
    mutating func printASCIIRun(_ bytes: UnsafeBufferPointer<UInt8>) {
        if previousCellMayTakeASCII() && joinPreviousCell(Unicode.Scalar(bytes[0])) {
            charsets.singleShift = 0
            if bytes.count > 1 { printASCIIRun(UnsafeBufferPointer(rebasing: bytes[1...])) }
            return
        }
        guard charsets.isPlainASCII && !modes.insert else {
            for byte in bytes { printGraphic(byte) }
            return
        }
        var index = 0
        let count = bytes.count
        let template = cursor.pen.with(content: 0, shape: 0)
        while index < count {
            if cursor.pendingWrap && modes.autowrap { wrapToNextLine() }
            let x = cursor.x
            // Printing stops at the right margin from inside the margins, else at the last column.
            let edge = x <= rightMargin ? rightMargin &+ 1 : columns
            let n = min(edge &- x, count &- index)
            modifyRow(cursor.y) { row in
                row.splitWideCharacters(at: x..<(x &+ n))
                if !template.isPlain { row.mayHaveStyle = true }
                let blankFrom = row.extent
                if x &+ n > row.extent { row.extent = x &+ n }
                row.cells.withUnsafeMutableBufferPointer { cells in
                    let target = UnsafeMutableRawPointer(cells.baseAddress! + x)
                    let source = bytes.baseAddress! + index
                    let stride = MemoryLayout<Cell>.stride
                    var i = 0
                    if x >= blankFrom && template.isDefaultBlank {
                        // Default look onto blank cells (text streaming onto fresh lines): only
                        // the content words change.
                        while i < n {
                            target.storeBytes(of: UInt32(source[i]), toByteOffset: i &* stride, as: UInt32.self)
                            i &+= 1
                        }
                    } else {
                        // Otherwise two 8-byte stores per cell: the byte with the foreground, then
                        // the background and attributes (a 16-byte vector costs shuffles to build).
                        let foreground = Cell.wordPair(0, template.foreground.rawValue)
                        let rest = Cell.wordPair(template.background.rawValue, template.attributes.rawValue)
                        while i < n {
                            let cell = target + i &* stride
                            cell.storeBytes(of: foreground | Cell.wordPair(UInt32(source[i]), 0), as: UInt64.self)
                            cell.storeBytes(of: rest, toByteOffset: 8, as: UInt64.self)
                            i &+= 1
                        }
                    }
                }
            }
            index &+= n
            if x &+ n >= edge {
                cursor.x = edge &- 1
                cursor.pendingWrap = modes.autowrap
            } else {
                cursor.x = x &+ n
                cursor.pendingWrap = false
            }
        }
        lastPrinted = UInt32(bytes[count - 1])
    }

    /// The cell at column `x`, row `y` of the screen being shown (without copying the screen).
    @inline(__always)
    func cell(_ x: Int, _ y: Int) -> Cell {
        usingAlternateScreen ? alternate.rows[y].cells[x] : primary.rows[y].cells[x]
    }

    /// Runs `body` on row `y` of the screen being shown, with a single access to it.
    @inline(__always)
    mutating func modifyRow<R>(_ y: Int, _ body: (inout Row) -> R) -> R {
        if usingAlternateScreen {
            return body(&alternate.rows[y])
        }
        return body(&primary.rows[y])
    }

    /// Prints one byte 0x20–0x7E through the character set invoked into GL (or a single shift).
    mutating func printGraphic(_ byte: UInt8) {
        let slot = charsets.singleShift != 0 ? charsets.singleShift : charsets.gl
        charsets.singleShift = 0
        let content = charsets[slot].map(byte)
        printCell(content: content, width: 1)
    }

    /// Prints a run of scalars. Each goes through `printScalar`, except that after one has been
    /// placed, the following ones that need nothing special (no join, no wrap, no wide character
    /// cut, no insert mode or character set) are written straight into the row.
    mutating func printScalars(_ scalars: UnsafeBufferPointer<Unicode.Scalar>) {
        var index = printSimpleScalars(scalars, from: 0)
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar.value < 0x80 {
                if previousCellMayTakeASCII() && joinPreviousCell(scalar) {
                    charsets.singleShift = 0
                } else {
                    printGraphic(UInt8(scalar.value))
                }
            } else {
                printScalar(scalar)
            }
            index += 1
            if index < scalars.count { index = printSimpleScalars(scalars, from: index) }
        }
    }

    /// Writes scalars from `start` on into the cursor's row while each is the simple case;
    /// returns the index of the first it left for `printScalar`.
    private mutating func printSimpleScalars(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, from start: Int) -> Int {
        guard !cursor.pendingWrap, !modes.insert, charsets.isPlainASCII else { return start }
        // What the next scalar must not join: the cell before the cursor, by the class of its
        // last scalar. A cluster ending in ZWJ may also take an emoji (GB11), which needs the
        // stateful check: such an emoji is left to printScalar too.
        var previousClass = ScalarProperties.BreakClass.control.rawValue
        var alsoStopAt: UInt16 = 0
        if cursor.x > 0 {
            var previousX = cursor.x - 1
            if cell(previousX, cursor.y).isSpacer && previousX > 0 { previousX -= 1 }
            let previous = cell(previousX, cursor.y)
            if previous.isCluster {
                let scalars = clusters[Int(previous.content & ~Cell.clusterFlag)]
                let last = ScalarProperties(scalars[scalars.count - 1]).breakClass
                previousClass = last.rawValue
                if last == .zwj { alsoStopAt = 1 << ScalarProperties.BreakClass.extendedPictographic.rawValue }
            } else if previous.content != 0 {
                previousClass = ScalarProperties(Unicode.Scalar(previous.content) ?? " ").breakClass.rawValue
            }
        }
        let template = cursor.pen.with(content: 0, shape: 0)
        // A cell is four words, content first (see `Cell`): each is written with two 8-byte
        // stores, content and foreground, then background and attributes.
        let foreground = Cell.wordPair(0, template.foreground.rawValue)
        let narrowRest = Cell.wordPair(template.background.rawValue, template.attributes.rawValue)
        let wideRest = Cell.wordPair(template.background.rawValue, template.attributes.rawValue | CellAttributes.wide)
        let spacerRest = Cell.wordPair(
            template.background.rawValue, template.attributes.rawValue | CellAttributes.spacer)
        let columns = cursor.x <= rightMargin ? rightMargin + 1 : columns  // the edge printing stops at
        var x = cursor.x
        var index = start
        ScalarProperties.withTables { table, joinMasks in
            // The classes the next scalar must not have: those that join the previous one.
            var stopMask = joinMasks[Int(previousClass)] | alsoStopAt
            modifyRow(cursor.y) { row in
                // From here on the row is blank: no wide character to cut (the common case when
                // output streams onto fresh lines).
                let blankFrom = row.extent
                row.cells.withUnsafeMutableBufferPointer { cells in
                    let stride = MemoryLayout<Cell>.stride
                    let base = UnsafeMutableRawPointer(cells.baseAddress!)
                    let values = UnsafeRawPointer(scalars.baseAddress!)
                    let count = scalars.count
                    while index < count {
                        let value = values.load(fromByteOffset: index &* 4, as: UInt32.self)
                        // Width 0 covers C0 and C1 controls, DEL and marks: all left to printScalar.
                        let packed = ScalarProperties.packed(value, table: table)
                        let width = Int(packed & 0b11)
                        let breakClass = packed >> 2
                        guard width > 0 else { break }
                        guard stopMask >> breakClass & 1 == 0 else { break }
                        guard x &+ width <= columns else { break }
                        if x < blankFrom {
                            let shapes =
                                cells[x].attributes.rawValue | (width == 2 ? cells[x &+ 1].attributes.rawValue : 0)
                            guard shapes & CellAttributes.shapeMask == 0 else { break }
                        }
                        let target = base + x &* stride
                        target.storeBytes(of: foreground | Cell.wordPair(value, 0), as: UInt64.self)
                        if width == 2 {
                            target.storeBytes(of: wideRest, toByteOffset: 8, as: UInt64.self)
                            target.storeBytes(of: foreground, toByteOffset: stride, as: UInt64.self)
                            target.storeBytes(of: spacerRest, toByteOffset: stride &+ 8, as: UInt64.self)
                        } else {
                            target.storeBytes(of: narrowRest, toByteOffset: 8, as: UInt64.self)
                        }
                        x &+= width
                        index &+= 1
                        stopMask = joinMasks[Int(breakClass)]
                        if x == columns { break }
                    }
                }
                if index > start {
                    row.mayHaveStyle = true
                    if x > row.extent { row.extent = x }
                }
            }
        }
        guard index > start else { return start }
        lastPrinted = scalars[index - 1].value
        advanceCursor(from: x - 1, by: 1)
        return index
    }

    /// Prints a non-ASCII scalar: it joins the previous cell's cluster or begins a cell. A mark
    /// (a combining or joining scalar of no width) with nothing to join is dropped, as xterm,
    /// tmux and libvterm do.
    mutating func printScalar(_ scalar: Unicode.Scalar) {
        charsets.singleShift = 0
        if scalar.value < 0xa0 { return }  // C1 controls arrive as scalars in UTF-8; never printed
        if joinPreviousCell(scalar) { return }
        let properties = ScalarProperties(scalar)
        let joiner =
            properties.breakClass == .extend || properties.breakClass == .zwj || properties.breakClass == .spacingMark
        if joiner && properties.width == 0 {
            lastPrinted = 0
            return
        }
        printCell(content: scalar.value, width: max(properties.width, 1))
    }

    /// Writes one character of `width` cells at the cursor and moves the cursor past it.
    mutating func printCell(content: UInt32, width: Int) {
        if width > columns { return }  // a wide character cannot be shown in one column
        if cursor.pendingWrap && modes.autowrap { wrapToNextLine() }
        let last = wrapColumn
        if width == 2 && cursor.x == last {
            if modes.autowrap {
                wrapToNextLine()
            } else if last >= 1 {
                cursor.x = last - 1  // xterm keeps a wide character whole at the margin
            } else {
                return
            }
        }
        let x = cursor.x
        if modes.insert { insertBlankCells(count: width) }
        let end = min(x + width, columns)
        let pen = cursor.pen
        modifyRow(cursor.y) { row in
            row.splitWideCharacters(at: x..<end)
            row.set(x, pen.with(content: content, shape: width == 2 ? CellAttributes.wide : 0))
            if width == 2 { row.set(x + 1, pen.with(content: 0, shape: CellAttributes.spacer)) }
        }
        lastPrinted = content
        advanceCursor(from: x, by: width)
    }

    @inline(__always)
    mutating func advanceCursor(from x: Int, by width: Int) {
        let edge = x <= rightMargin ? rightMargin + 1 : columns
        if x + width >= edge {
            cursor.x = edge - 1
            cursor.pendingWrap = modes.autowrap
        } else {
            cursor.x = x + width
            cursor.pendingWrap = false
        }
    }

    /// Autowrap: marks the row as continuing (when the wrap is at the screen's last column),
    /// returns the carriage to the left margin and moves down a line.
    @inline(__always)
    mutating func wrapToNextLine() {
        if cursor.x == columns - 1 { screen.rows[cursor.y].wrapped = true }
        cursor.x = leftMargin
        cursor.pendingWrap = false
        index()
    }

    /// REP: prints the last graphic character `count` more times.
    mutating func repeatLastCharacter(_ count: Int) {
        guard lastPrinted != 0 else { return }
        let content = lastPrinted
        let width: Int
        if content & Cell.clusterFlag != 0 {
            width = CharacterWidth.of(cluster: clusters[Int(content & ~Cell.clusterFlag)])
        } else {
            width = max(1, CharacterWidth.of(Unicode.Scalar(content) ?? " "))
        }
        for _ in 0..<min(count, columns * rows) { printCell(content: content, width: width) }
    }
}
