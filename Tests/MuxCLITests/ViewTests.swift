// Windows of every size on one session, end to end: `mux attach` in real PTYs of other sizes than
// the session's, a shell printing long lines and a full-screen program drawing with escape
// sequences, before and after the lease moves and after resizes; each client's drawing (its PTY's
// screen, read through an emulator) compared with `mux capture`, cropped (docs/client.md).

import Glibc
import MuxClient
import MuxTerminal
import Testing

private let prefix: UInt8 = 0x02  // C-b

/// A program that draws a full screen on the alternate screen with escape sequences, leaves the
/// cursor at row 26, column 86 and waits (keys are not echoed).
private let fullScreenProgram = """
    stty -echo; printf '\\033[?1049h\\033[H\\033[2J'; i=1
    while [ $i -le 30 ]; do printf '\\033[%d;1H%02d %s|' $i $i "$(printf '%094d' 0 | tr 0 =)"; i=$((i+1)); done
    printf '\\033[26;86H'; exec cat >/dev/null
    """

/// A shell that printed 60 lines of 96 characters.
private let longLinesShell = """
    i=0; while [ $i -lt 60 ]; do i=$((i+1)); printf 'line %03d %s\\n' $i "$(printf '%087d' $i)"; done
    PS1='$ ' exec /bin/sh
    """

private func ready(_ client: AttachedClient, _ server: TestServer, _ name: String) throws -> Bool {
    // The client has drawn (every frame and pass-through snapshot is a synchronized update), and
    // what it shows is the session: a blank window before the first frame would otherwise match a
    // blank part of the session's screen.
    try eventually {
        try client.viewMismatch(SessionScreen(server, name)) == nil
            && client.received.contains(Array("\u{1b}[?2026h".utf8))
    }
}

/// What is wrong with the client's view, for a failure's message.
private func why(_ client: AttachedClient, _ server: TestServer, _ name: String) -> String {
    guard let session = try? SessionScreen(server, name) else { return "no capture" }
    return client.viewMismatch(session) ?? "(shows the session now)"
}

@Suite(.serialized) struct ViewTests {
    @Test func aSmallerObserverShowsTheCropHoldingTheCursorAndKeepsTheLinesAboveIt() throws {
        let server = try TestServer()
        try server.newSession("s", size: "100x30", longLinesShell)
        #expect(try eventually { try server.captureText("s").contains("line 060") })
        let observer = try AttachedClient(server, ["attach", "s", "--observe"], columns: 60, rows: 20)
        #expect(try ready(observer, server, "s"), "\(why(observer, server, "s"))")
        // The screen's lines above the crop and the history went to the terminal's scrollback,
        // cut to its width, in order.
        let session = try SessionScreen(server, "s")
        let history = try server.ok(["capture", "s", "--history", "1000"]).split(
            separator: "\n", omittingEmptySubsequences: false
        ).map(String.init)
        let above = history.count - 1 - session.rows + (session.cursorY - observer.terminal.terminal.cursor.y)
        let expected = history[0..<above].map { trimmed(String($0.prefix(60))) }
        #expect(observer.terminal.terminal.historyLines.map(trimmed) == Array(expected))

        // More lines: the crop follows the prompt, and what scrolled away is in the scrollback.
        try server.ok(["send", "s", "--", "seq 1000 1040", "Enter"])
        #expect(try eventually { try server.captureText("s").hasSuffix("1040\n$\n") })
        #expect(try ready(observer, server, "s"))
        let lines = observer.terminal.terminal.historyLines.map(trimmed)
        // The crop shows the session's rows 10-29; row 9 (1021) is the last line that left it.
        #expect(lines.suffix(10) == (1012...1021).map(String.init), "\(lines.suffix(12))")
    }

    @Test func aStatusLinePushesNothingIntoTheScrollback() throws {
        let server = try TestServer()
        try server.newSession("st", size: "100x30", longLinesShell)
        #expect(try eventually { try server.captureText("st").contains("line 060") })
        for (columns, rows) in [(60, 20), (100, 30), (120, 40)] {
            let observer = try AttachedClient(
                server, ["attach", "st", "--observe"], columns: UInt16(columns), rows: UInt16(rows))
            #expect(try ready(observer, server, "st"), "\(columns)x\(rows)")
            let before = observer.terminal.terminal.historyLines
            // Keys typed by an observer are refused on the status line, three times.
            for _ in 0..<3 {
                try observer.type(Array("x".utf8))
                #expect(try eventually { observer.text.contains("you are watching st") })
            }
            #expect(try eventually(timeout: 10) { !observer.text.contains("you are watching") })
            #expect(try ready(observer, server, "st"), "\(columns)x\(rows)")
            #expect(observer.terminal.terminal.historyLines == before, "\(columns)x\(rows)")
        }
    }

    @Test func aFullScreenProgramInSmallerAndLargerWindowsAsTheLeaseMoves() throws {
        let server = try TestServer()
        try server.ok(["new", "-d", "-s", "f", "--size", "100x30", "--", "/bin/sh", "-c", fullScreenProgram])
        #expect(try eventually { try server.captureText("f").contains("30 ====") })
        let big = try AttachedClient(server, ["attach", "f", "--client", "big"], columns: 100, rows: 30)
        #expect(try ready(big, server, "f"))
        let small = try AttachedClient(
            server, ["attach", "f", "--observe", "--client", "small"], columns: 60, rows: 20)
        #expect(try ready(small, server, "f"), "\(why(small, server, "f"))")
        // The crop holds the cursor (row 26, column 86 of 100x30): its origin is (27, 10).
        #expect(small.text(row: 0, from: 0, to: 60).hasPrefix("==="))
        #expect(small.terminal.terminal.usingAlternateScreen)

        // The small window takes the lease: the session takes its size, the big one is larger.
        try small.type([prefix, UInt8(ascii: "t")])
        #expect(try eventually { try SessionScreen(server, "f").columns == 60 })
        #expect(try ready(small, server, "f"), "\(why(small, server, "f"))")
        #expect(try ready(big, server, "f"), "\(why(big, server, "f"))")
        #expect(big.text(row: 25, from: 0, to: 100).hasSuffix("·······"))

        // And gives it back: both views follow again.
        try small.type([prefix, UInt8(ascii: "r")])
        #expect(try eventually { try SessionScreen(server, "f").columns == 100 })
        #expect(try ready(big, server, "f"), "\(why(big, server, "f"))")
        #expect(try ready(small, server, "f"), "\(why(small, server, "f"))")
    }

    @Test func resizingAnObserverSwitchesBetweenCropPassThroughAndLarger() throws {
        let server = try TestServer()
        try server.newSession("r", size: "100x30", longLinesShell)
        #expect(try eventually { try server.captureText("r").contains("line 060") })
        let observer = try AttachedClient(server, ["attach", "r", "--observe"], columns: 60, rows: 20)
        #expect(try ready(observer, server, "r"))
        for (columns, rows) in [(100, 30), (120, 40), (50, 10), (100, 30)] {
            try observer.resize(columns: columns, rows: rows)
            #expect(
                try ready(observer, server, "r"),
                "\(columns)x\(rows): \(why(observer, server, "r"))")
            try server.ok(["send", "r", "--", "echo \(columns)x\(rows)", "Enter"])
            #expect(try eventually { try server.captureText("r").contains("\n\(columns)x\(rows)\n") })
            #expect(try ready(observer, server, "r"), "after output at \(columns)x\(rows)")
        }
    }

    @Test func aHolderInASmallerWindowTypesIntoTheCropItSees() throws {
        let server = try TestServer()
        try server.newSession("h", size: "100x30", longLinesShell)
        #expect(try eventually { try server.captureText("h").contains("line 060") })
        let holder = try AttachedClient(server, ["attach", "h"], columns: 60, rows: 20)
        #expect(try eventually { try SessionScreen(server, "h").columns == 60 })
        // The session is pinned at another size than the holder's window: the holder renders.
        try server.ok(["resize", "h", "100x30", "--force"])
        #expect(try eventually { try SessionScreen(server, "h").columns == 100 })
        #expect(try ready(holder, server, "h"), "\(why(holder, server, "h"))")
        try holder.type(Array("echo typed-$((6 * 7))\r".utf8))
        #expect(try eventually { try server.captureText("h").contains("\ntyped-42\n$") })
        #expect(try ready(holder, server, "h"), "\(why(holder, server, "h"))")
        #expect(holder.text.contains("typed-42"))
    }

    /// A window of the session's size passes a flood on without parsing it; past a megabyte the
    /// client drops its replica, and a snapshot brings one back when the status line, a resize or
    /// the closing line needs it (docs/client.md, "The replica").
    @Test func aPassThroughWindowThatLetAFloodByStillDrawsTheStatusLineAndEverySize() throws {
        let server = try TestServer()
        try server.newSession("fl", size: "100x30", "PS1='$ ' exec /bin/sh")
        let observer = try AttachedClient(server, ["attach", "fl", "--observe"], columns: 100, rows: 30)
        #expect(try ready(observer, server, "fl"))
        /// Runs `command` (a flood of about 2.1 MB, then `echo marker`), draining the window as
        /// the bytes come; then the window must show the session.
        func flood(_ command: String, marker: String) throws {
            try server.ok(["send", "fl", "--", "\(command); echo \(marker)", "Enter"])
            #expect(
                try eventually(timeout: 60) {
                    observer.pump()
                    return try server.captureText("fl").contains("\n\(marker)\n$")
                })
            #expect(try eventually(timeout: 30) { try ready(observer, server, "fl") }, "\(why(observer, server, "fl"))")
        }
        try flood("seq 1 300000; printf '\\033[4h'", marker: "insert-on")
        // The status line puts back the bottom row and the session's insert mode.
        try observer.type(Array("x".utf8))
        #expect(try eventually { observer.text.contains("you are watching fl") })
        #expect(try eventually(timeout: 10) { !observer.text.contains("you are watching") })
        #expect(try ready(observer, server, "fl"), "\(why(observer, server, "fl"))")
        #expect(observer.terminal.terminal.modes.insert)
        // Another flood, then windows of other sizes.
        try flood("printf '\\033[4l'; seq 1 300000", marker: "again")
        for (columns, rows) in [(60, 20), (100, 30)] {
            try observer.resize(columns: columns, rows: rows)
            #expect(try ready(observer, server, "fl"), "\(columns)x\(rows): \(why(observer, server, "fl"))")
        }
    }

    @Test func detachingLeavesTheClosingLineBelowTheSessionsLastRow() throws {
        let server = try TestServer()
        try server.newSession("d", size: "80x24", "printf 'one\\ntwo\\nthree\\n'; stty -echo; exec cat")
        #expect(try eventually { try server.captureText("d").contains("three") })
        for (columns, rows) in [(80, 24), (60, 10), (100, 30)] {
            let client = try AttachedClient(
                server, ["attach", "d", "--observe"], columns: UInt16(columns), rows: UInt16(rows))
            #expect(try ready(client, server, "d"))
            try client.type([prefix, UInt8(ascii: "d")])
            _ = try client.waitForExit()
            let lines = client.terminal.terminal.visibleLines
            #expect(
                Array(lines.prefix(5)) == ["one", "two", "three", "", "[detached]"],
                "\(columns)x\(rows): \(client.terminal.terminal.historyLines) \(lines) \(String(decoding: client.received, as: UTF8.self).debugDescription)"
            )
        }
    }
}
