// What a terminal keeps is bounded (docs/server.md, "Bounds"): history in bytes as well as lines,
// counted as lines come and go; titles, OSC 7 and hyperlinks; and OSC 52 never reaches viewers.

import Testing

@testable import MuxTerminal

/// The bytes the history's lines hold, found by walking them (what `storedBytes` keeps running).
private func walkedBytes(_ scrollback: Scrollback) -> Int {
    scrollback.allLines.reduce(0) { $0 + $1.heapBytes + Scrollback.slotBytes }
}

private func numberedLines(_ range: Range<Int>, styled: Bool = false) -> [UInt8] {
    var text = ""
    for index in range {
        text +=
            styled && index % 3 == 0
            ? "\u{1b}[31mline \(index)\u{1b}[0m" : index % 3 == 1 ? "行 \(index)" : "line \(index)"
        text += "\r\n"
    }
    return Array(text.utf8)
}

@Suite struct HistoryByteBoundTests {
    @Test func theHistoryKeepsWithinItsBytesByDroppingTheOldestLines() {
        var emulator = Emulator(columns: 80, rows: 4, scrollbackLimit: 1_000_000, scrollbackBytes: 64 << 10)
        emulator.feed(numberedLines(0..<20_001, styled: true))
        let history = emulator.terminal.scrollback
        #expect(history.storedBytes <= 64 << 10)
        #expect(history.storedBytes > 60 << 10, "it fills up to the bound, not far below it")
        #expect(history.storedBytes == walkedBytes(history))
        let lines = emulator.terminal.historyLines
        #expect(lines.last == "line 19997", "the newest line stays")
        #expect(lines.first != "line 0", "the oldest lines went")
        // Every line kept is one of the newest, in order.
        let first = Int(lines.first!.split(separator: " ").last!)!
        #expect(lines.count == 19_998 - first)
    }

    @Test func theRunningCountMatchesAWalkThroughEveryChange() {
        var emulator = Emulator(columns: 40, rows: 3, scrollbackLimit: 50, scrollbackBytes: 8 << 10)
        func check(_ step: String) {
            let history = emulator.terminal.scrollback
            #expect(history.storedBytes == walkedBytes(history), "\(step)")
            #expect(history.storedBytes <= 8 << 10 || history.count == 1, "\(step)")
            #expect(history.count <= 50, "\(step)")
        }
        emulator.feed(numberedLines(0..<30))
        check("filling")
        emulator.feed(numberedLines(30..<400, styled: true))
        check("full by lines and bytes")
        emulator.resize(columns: 25, rows: 5)
        check("reflowed narrower")
        emulator.resize(columns: 60, rows: 2)
        check("reflowed wider")
        emulator.trimHistory(toBytes: 1000)
        check("trimmed")
        #expect(emulator.terminal.scrollback.storedBytes <= 1000)
        emulator.feed(numberedLines(400..<420))
        check("refilled after a trim")
        emulator.feed("\u{1b}[3J")
        #expect(emulator.terminal.scrollback.storedBytes == 0)
        emulator.feed(numberedLines(420..<500))
        check("after ED 3")
        emulator.feed("\u{1b}c")
        #expect(emulator.terminal.scrollback.storedBytes == 0)
        #expect(emulator.terminal.scrollback.byteLimit == 8 << 10, "RIS keeps the bound")
        emulator.limitHistory(toBytes: 2048)
        emulator.feed(numberedLines(500..<600))
        check("a lower bound")
        #expect(emulator.terminal.scrollback.storedBytes <= 2048)
    }

    @Test func aLineLargerThanTheBoundIsKeptAlone() {
        var emulator = Emulator(columns: 200, rows: 2, scrollbackLimit: 100, scrollbackBytes: 100)
        emulator.feed(numberedLines(0..<10, styled: true))
        #expect(emulator.terminal.scrollback.count == 1)
        #expect(emulator.terminal.historyLines == ["line 8"])
    }

    @Test func theLineBoundStillHoldsAndTheRingReusesItsLines() {
        var emulator = Emulator(columns: 80, rows: 2, scrollbackLimit: 100)
        emulator.feed(numberedLines(0..<1000))
        #expect(emulator.terminal.scrollback.count == 100)
        #expect(emulator.terminal.historyLines.first == "line 899")
        #expect(emulator.terminal.scrollback.storedBytes == walkedBytes(emulator.terminal.scrollback))
    }
}

@Suite struct StringBoundTests {
    @Test func aLongTitleIsCutOnACharacterBoundary() {
        // 2-byte characters after one ASCII byte: the bound falls inside a character.
        let long = "x" + String(repeating: "é", count: 5000)
        let emulator = makeTerminal(feeding: "⎋]2;\(long)⎋\\")
        let title = emulator.terminal.title
        #expect(title.utf8.count == Terminal.maximumTitleBytes - 1)
        #expect(long.hasPrefix(title))
        let icon = makeTerminal(feeding: "⎋]1;\(long)⎋\\").terminal.iconName
        #expect(icon.utf8.count <= Terminal.maximumTitleBytes)
        #expect(makeTerminal(feeding: "⎋]2;short⎋\\").terminal.title == "short")
    }

    @Test func aWorkingDirectoryLongerThanAPathIsIgnored() {
        let emulator = makeTerminal(
            feeding: "⎋]7;file:///home⎋\\⎋]7;file:///\(String(repeating: "a", count: 5000))⎋\\")
        #expect(emulator.terminal.workingDirectory == "file:///home")
    }

    @Test func pastTheHyperlinkBoundNewLinksAreDroppedAndCounted() {
        // Every link stays on a line of the history, so none can be collected.
        var emulator = Emulator(columns: 40, rows: 2, scrollbackLimit: 100_000)
        var text = ""
        let count = Terminal.maximumHyperlinks + 100
        for index in 0..<count { text += "⎋]8;;http://x/\(index)⎋\\link⎋]8;;⎋\\\r\n" }
        emulator.feed(Array(text.replacingOccurrences(of: "⎋", with: "\u{1b}").utf8))
        let effects = emulator.takeEffects()
        #expect(effects.hyperlinksDropped >= 100)
        #expect(emulator.terminal.hyperlinks.count <= Terminal.maximumHyperlinks + 1)
        // The text of a dropped link is still printed.
        #expect(emulator.terminal.historyLines.last == "link")
        // Once the lines holding links are gone, new links are kept again.
        emulator.feed("⎋[3J⎋[2J⎋[H".replacingOccurrences(of: "⎋", with: "\u{1b}"))
        for _ in 0..<256 { emulator.feed("\u{1b}]8;;http://y/\u{1b}\\") }
        emulator.feed("\u{1b}]8;;http://z/\u{1b}\\z")
        #expect(emulator.cell(0, 0).hyperlink == Hyperlink(id: "", uri: "http://z/"))
    }

    @Test func anOverlongHyperlinkIsIgnored() {
        let emulator = makeTerminal(
            feeding: "⎋]8;;http://\(String(repeating: "a", count: Terminal.maximumHyperlinkBytes))⎋\\x")
        #expect(emulator.cell(0, 0).hyperlink == nil)
    }
}

@Suite struct ClipboardForwardingTests {
    private func forwarded(_ text: String, allow: Bool = true) -> (String, Effects) {
        var emulator = Emulator()
        emulator.environment.allowClipboardWrite = allow
        var forward: [UInt8] = []
        emulator.feedForwarding(Array(text.replacingOccurrences(of: "⎋", with: "\u{1b}").utf8), into: &forward)
        return (String(decoding: forward, as: UTF8.self), emulator.takeEffects())
    }

    /// (The NUL stands in for the cut string's end of what REP repeats: see ForwardingTests.)
    @Test func clipboardWritesAndReadsNeverReachViewers() {
        let (write, effects) = forwarded("a⎋]52;c;aGk=⎋\\b")
        #expect(write == "a\u{0}b")
        #expect(effects.clipboardWrites == [ClipboardWrite(selections: "c", base64: "aGk=")])
        let (read, readEffects) = forwarded("a⎋]52;c;?\u{7}b")
        #expect(read == "a\u{0}b")
        #expect(readEffects.clipboardWrites.isEmpty && readEffects.replies.isEmpty)
        let (refused, refusedEffects) = forwarded("a⎋]52;c;aGk=⎋\\b", allow: false)
        #expect(refused == "a\u{0}b")
        #expect(refusedEffects.clipboardWrites.isEmpty)
    }

    @Test func aClipboardWriteTooLongToHoldBackReachesViewersDisarmed() {
        var emulator = Emulator()
        var forward: [UInt8] = []
        let payload = String(repeating: "QUJD", count: 40_000)  // 160 KB: more than is held back
        emulator.feedForwarding(Array("a\u{1b}]52;c;".utf8), into: &forward)
        for chunk in stride(from: 0, to: payload.utf8.count, by: 4096) {
            let end = min(chunk + 4096, payload.utf8.count)
            emulator.feedForwarding(Array(Array(payload.utf8)[chunk..<end]), into: &forward)
        }
        emulator.feedForwarding(Array("\u{1b}\\b".utf8), into: &forward)
        let text = String(decoding: forward, as: UTF8.self)
        #expect(!text.contains("\u{1b}]52;"))
        #expect(text.hasPrefix("a\u{1b}]5!;c;"))
        #expect(emulator.takeEffects().clipboardWrites.count == 1, "the holder still gets it, from the server")
        // A viewer replaying what was forwarded ends with the same screen.
        var viewer = Emulator()
        viewer.feed(forward)
        #expect(viewer.terminal.visibleLines == emulator.terminal.visibleLines)
    }
}
