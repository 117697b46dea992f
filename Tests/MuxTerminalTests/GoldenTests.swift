// Golden cases from real programs (vim, less, htop, top, dialog, nano, curses, ls, git, readline,
// tmux): recorded bytes, the size they were recorded at, and the screen a reference terminal
// (tmux) showed for them, checked by eye. See Golden/*/source.md for how each was made.

import Glibc
import MuxTerminal
import Testing

/// The directory holding the golden cases, found from this file's path.
let goldenDirectory: String = {
    let file = #filePath
    return String(file[..<file.lastIndex(of: "/")!]) + "/Golden"
}()

func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var result: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { break }
        result += buffer[0..<n]
    }
    return result
}

func goldenCases() -> [String] {
    guard let directory = opendir(goldenDirectory) else { return [] }
    defer { closedir(directory) }
    var names: [String] = []
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        if !name.hasPrefix(".") { names.append(name) }
    }
    return names.sorted()
}

@Suite struct GoldenTests {
    @Test func thereAreGoldenCases() {
        #expect(goldenCases().count >= 10)
    }

    @Test(arguments: goldenCases()) func screenMatchesTheReference(name: String) throws {
        let base = goldenDirectory + "/" + name
        let input = try #require(readFile(base + "/input.bin"))
        let sizeText = String(decoding: try #require(readFile(base + "/size")), as: UTF8.self)
        let size = sizeText.split(whereSeparator: { $0 == "x" || $0.isNewline }).compactMap { Int($0) }
        try #require(size.count == 2)
        let expected = String(decoding: try #require(readFile(base + "/expected.txt")), as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var emulator = Emulator(columns: size[0], rows: size[1])
        emulator.feed(input)
        let actual = emulator.terminal.visibleLines
        let wanted = Array(expected.prefix(size[1])).map { line in
            String(line.reversed().drop(while: { $0 == " " }).reversed())
        }
        for row in 0..<size[1] where actual[row] != wanted[row] {
            Issue.record("\(name) row \(row):\n  mux:      \(actual[row])\n  expected: \(wanted[row])")
        }
    }

    @Test func goldenInputsSurviveEverySplitAtAPTYReadSize() throws {
        // Real reads arrive in arbitrary pieces: feed each recording in 7-byte and 4096-byte chunks.
        for name in goldenCases() {
            let base = goldenDirectory + "/" + name
            guard let input = readFile(base + "/input.bin") else { continue }
            var whole = Emulator(columns: 80, rows: 24)
            whole.feed(input)
            for chunk in [7, 4096] {
                var pieces = Emulator(columns: 80, rows: 24)
                var offset = 0
                while offset < input.count {
                    pieces.feed(Array(input[offset..<min(offset + chunk, input.count)]))
                    offset += chunk
                }
                #expect(pieces.terminal.differences(from: whole.terminal) == [], "\(name) in \(chunk)-byte reads")
            }
        }
    }
}
