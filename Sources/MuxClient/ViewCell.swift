// One cell of the user's terminal as the diff renderer models it: text, width and look, with
// clusters and hyperlinks numbered by the renderer itself (a replica's own tables are renumbered
// and replaced on every resync; the model of the outer terminal must outlive them).

import MuxTerminal
import MuxUnicode

/// The look of a cell as SGR and OSC 8 set it.
struct Look: Hashable {
    var foreground = Color.default
    var background = Color.default
    /// `CellAttributes` bits 0–11: the SGR flags and the underline style, no shape, no extras.
    var flags: UInt32 = 0
    var underlineColor = Color.default
    /// The renderer's number for the cell's hyperlink; 0 links nowhere.
    var link: UInt32 = 0

    static let plain = Look()
    static let flagMask: UInt32 = 0xfff & ~(CellAttributes.wide | CellAttributes.spacer)
    /// The dim pattern of the area outside a session's screen.
    static let outside = Look(flags: CellAttributes.faint)

    /// What an erase (EL, ECH) leaves in a cell when the pen is `self` (xterm's BCE).
    var erased: Look { Look(background: background) }
}

/// A cell as shown: `text` is a scalar (a blank is a space, however it came to be blank), or
/// `clusterFlag` with the renderer's number of a multi-scalar cluster.
struct ViewCell: Hashable {
    var text: UInt32
    /// 1, or 2 for a wide character (the next cell is its spacer), or 0 for that spacer.
    var width: UInt8
    var look: Look

    static let clusterFlag: UInt32 = 1 << 31
    static let blank = ViewCell(text: 0x20, width: 1, look: .plain)
    /// A cell whose content is not known: it equals nothing the renderer wants to show.
    static let unknown = ViewCell(text: 0xffff_ffff, width: 1, look: .plain)
    /// What marks the area outside the session's screen.
    static let outside = ViewCell(text: 0xb7, width: 1, look: .outside)

    static func blank(_ look: Look) -> ViewCell { ViewCell(text: 0x20, width: 1, look: look) }

    var isBlank: Bool { text == 0x20 && width == 1 }
}

/// The renderer's numbers for clusters and hyperlinks.
struct ViewTables {
    private(set) var clusters: [[Unicode.Scalar]] = []
    private var clusterNumbers: [[Unicode.Scalar]: UInt32] = [:]
    private(set) var links: [Hyperlink] = [Hyperlink(id: "", uri: "")]
    private var linkNumbers: [Hyperlink: UInt32] = [:]

    mutating func number(cluster: [Unicode.Scalar]) -> UInt32 {
        if let known = clusterNumbers[cluster] { return known }
        let number = UInt32(clusters.count)
        clusters.append(cluster)
        clusterNumbers[cluster] = number
        return number
    }

    mutating func number(link: Hyperlink) -> UInt32 {
        if let known = linkNumbers[link] { return known }
        let number = UInt32(links.count)
        links.append(link)
        linkNumbers[link] = number
        return number
    }

    /// Whether the tables have grown enough to be worth starting over (with the model unknown).
    var isLarge: Bool { clusters.count > 1 << 16 || links.count > 1 << 12 }
}

extension ViewTables {
    /// The cell of the replica `terminal` as the renderer models it.
    mutating func viewCell(_ cell: Cell, in terminal: Terminal) -> ViewCell {
        let attributes = cell.attributes
        let width: UInt8 = attributes.has(CellAttributes.wide) ? 2 : attributes.has(CellAttributes.spacer) ? 0 : 1
        var look = Look(
            foreground: cell.foreground, background: cell.background, flags: attributes.rawValue & Look.flagMask)
        if attributes.extrasIndex != 0 {
            let extras = terminal.extras(of: cell)
            look.underlineColor = extras.underlineColor
            if let link = terminal.hyperlink(extras.hyperlink) { look.link = number(link: link) }
        }
        var text: UInt32
        if cell.content == 0 {
            text = 0x20
        } else if cell.isCluster {
            let scalars = terminal.scalars(of: cell)
            text = ViewCell.clusterFlag | number(cluster: scalars)
            if width == 1 && CharacterWidth.of(cluster: scalars) == 2 { text = Self.narrowed(scalars[0]) }
        } else {
            text = cell.content
            if width == 1 && text >= 0x300, let scalar = Unicode.Scalar(text), CharacterWidth.of(scalar) == 2 {
                text = 0x20
            }
        }
        return ViewCell(text: text, width: width, look: look)
    }

    /// A character the session shows in one cell that a terminal would print in two (a flag or
    /// an emoji with VS16 printed in the last column, where it did not fit) is shown by its first
    /// scalar when that is narrow, else as a blank: the view never gains a cell.
    static func narrowed(_ first: Unicode.Scalar) -> UInt32 {
        CharacterWidth.of(first) == 1 ? first.value : 0x20
    }

    /// Whether printing `cell` would join it to the cell on its left (a mark, a joiner, a second
    /// regional indicator standing alone), as the snapshot encoder also avoids.
    func startsWithJoiner(_ cell: ViewCell) -> Bool {
        guard cell.text >= 0x300 else { return false }
        let first: Unicode.Scalar
        if cell.text & ViewCell.clusterFlag != 0 {
            guard let scalar = clusters[Int(cell.text & ~ViewCell.clusterFlag)].first else { return false }
            first = scalar
        } else {
            guard let scalar = Unicode.Scalar(cell.text) else { return false }
            first = scalar
        }
        switch ScalarProperties(first).breakClass {
        case .extend, .zwj, .spacingMark, .hangulV, .hangulT, .regionalIndicator: return true
        default: return false
        }
    }
}
