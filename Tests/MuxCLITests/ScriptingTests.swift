// What scripts and agents rely on (issue 14), end to end on the real binary: one `mux send` is
// one ordered unit, a session gets its creator's environment, renaming and name prefixes, and a
// clear one-line error for each wrong request.

import Glibc
import MuxPTY
import Testing

/// The session's screen as text lines, without the blank rows at its end.
private func lines(_ server: TestServer, _ name: String) throws -> [String] {
    var lines = try server.captureText(name).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    while lines.last == "" { lines.removeLast() }
    return lines
}

@Suite struct SendTests {
    @Test func twentyParallelSendsArriveAsTwentyWholeLines() throws {
        let server = try TestServer()
        try server.newSession("c", size: "80x40", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "c") == ["ready"] })
        let script = """
            for i in $(seq 1 20); do "$MUX" send c -- "message-$i" Enter & done; wait
            """
        let run = try runProgram(
            ["/bin/sh", "-c", script], environment: server.environment + ["MUX=\(muxBinaryPath())"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = Set((1...20).map { "message-\($0)" })
        #expect(try eventually { try lines(server, "c").count == 21 })
        let arrived = try lines(server, "c").dropFirst()
        #expect(Set(arrived) == expected, "\(arrived)")
    }

    @Test func textAndKeysGoInTheOrderGiven() throws {
        let server = try TestServer()
        try server.newSession("c", size: "80x20", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "c") == ["ready"] })
        try server.ok(["send", "c", "one", "Enter", "two", "Space", "words", "Enter"])
        try server.ok(["send", "c", "--", "clear", "--key", "Enter"])
        try server.ok(["send", "c", "--key", "Tab", "--", "-v", "Enter"])
        try server.ok(["send", "c", "-l", "Enter", "C-c", "--key", "Enter"])
        try server.ok(["send", "c", "-l", "--", "--key", "Enter"])
        try server.ok(["send", "c", "Enter"])
        #expect(
            try eventually {
                try lines(server, "c") == [
                    "ready", "one", "two words", "clear", "        -v", "EnterC-c", "--keyEnter",
                ]
            })
    }

    @Test func aSendTooLargeForOneRequestIsRefusedWhole() throws {
        let server = try TestServer()
        try server.newSession("c", size: "80x20", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "c") == ["ready"] })
        // Nine words of 120,000 bytes: each fits an argument, together more than one frame.
        let words = Array(repeating: String(repeating: "y", count: 120_000), count: 9)
        let refused = try server.mux(["send", "c"] + words)
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "Error: one send is at most 1024 KiB; this one is 1054 KiB (split it into several sends)\n")
        try server.ok(["send", "c", "after", "Enter"])
        #expect(try eventually { try lines(server, "c") == ["ready", "after"] })
    }

    @Test func aSendThatFailsTypesNothing() throws {
        let server = try TestServer()
        try server.newSession("c", size: "80x20", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "c") == ["ready"] })
        let refused = try server.mux(["send", "c", "typed", "--key", "Hyper-q", "Enter"])
        #expect(refused.status != 0 && refused.stderr.contains("unknown key Hyper-q"))
        try server.ok(["send", "c", "after", "Enter"])
        #expect(try eventually { try lines(server, "c") == ["ready", "after"] })
    }

    @Test func pastesAreBracketedOnlyWhenTheProgramAskedForIt() throws {
        let server = try TestServer()
        // cat -v shows the brackets as ^[[200~ and ^[[201~.
        try server.newSession("p", size: "80x20", "stty -echo; printf '\\033[?2004hready\\n'; exec cat -v")
        #expect(try eventually { try lines(server, "p") == ["ready"] })
        try server.ok(["send", "p", "one line", "Enter"])
        try server.ok(["send", "p", "first\nsecond", "Enter"])
        #expect(try eventually { try lines(server, "p") == ["ready", "one line", "^[[200~first", "second^[[201~"] })
        let long = String(repeating: "x", count: 300)  // one line, but longer than a typed one
        try server.ok(["send", "p", long, "Enter"])
        #expect(try eventually { try server.captureText("p").contains("^[[200~" + long.prefix(73)) })

        try server.newSession("q", size: "80x20", "stty -echo; echo ready; exec cat -v")
        #expect(try eventually { try lines(server, "q") == ["ready"] })
        try server.ok(["send", "q", "first\nsecond", "Enter"])
        #expect(try eventually { try lines(server, "q") == ["ready", "first", "second"] })
    }
}

@Suite struct EnvironmentTests {
    static let show =
        "echo \"FOO=${FOO-unset} TMUX=${TMUX-unset} PANE=${TMUX_PANE-unset} TP=${TERM_PROGRAM-unset}"
        + " STY=${STY-unset} Z=${ZELLIJ-unset} TERM=$TERM BAR=${BAR-unset}\"; exec cat"

    @Test func aSessionGetsItsCreatorsEnvironmentWithoutOtherMultiplexers() throws {
        let server = try TestServer()
        // The first command starts the server with BAR set: later sessions must not get it.
        let first = try runMux(
            ["new", "-d", "-s", "first", "--", "/bin/sh", "-c", "exec cat"],
            environment: server.environment + ["BAR=server"])
        #expect(first.status == 0, "\(first.stderr)")
        let outer = [
            "FOO=x", "TMUX=/tmp/tmux-1/default,1,0", "TMUX_PANE=%3", "TERM_PROGRAM=tmux", "STY=1.pts", "ZELLIJ=0",
        ]
        let created = try runMux(
            ["new", "-d", "-s", "e", "--size", "120x10", "--", "/bin/sh", "-c", Self.show],
            environment: server.environment + outer)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(
            try eventually {
                try lines(server, "e") == [
                    "FOO=x TMUX=unset PANE=unset TP=unset STY=unset Z=unset TERM=mux-256color BAR=unset"
                ]
            })
    }

    @Test func termProgramStaysWhenItNamesATerminal() throws {
        let server = try TestServer()
        let created = try runMux(
            ["new", "-d", "-s", "e", "--", "/bin/sh", "-c", "echo \"TP=$TERM_PROGRAM\"; exec cat"],
            environment: server.environment + ["TERM_PROGRAM=vscode"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try eventually { try lines(server, "e") == ["TP=vscode"] })
    }

    @Test func clearEnvStartsEmptyAndEnvAddsLast() throws {
        let server = try TestServer()
        let created = try runMux(
            [
                "new", "-d", "-s", "e", "--size", "80x20", "--keep", "--clear-env", "--env", "A=b", "--env",
                "TERM=dumb", "--", "/usr/bin/env",
            ],
            environment: server.environment + ["FOO=x"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try eventually { try lines(server, "e").contains("A=b") })
        let names = Set(try lines(server, "e").map { String($0.prefix { $0 != "=" }) })
        #expect(
            names.isSubset(of: ["A", "TERM", "COLORTERM", "MUX_SESSION", "MUX_SOCKET", "TERMINFO_DIRS"]), "\(names)")
        #expect(try lines(server, "e").contains("TERM=dumb"))
    }
}

@Suite struct ConvenienceTests {
    @Test func renameKeepsTheSessionAndFreesTheOldName() throws {
        let server = try TestServer()
        try server.newSession("old", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "old") == ["ready"] })
        try server.ok(["rename", "old", "new"])
        #expect(try server.ok(["ls"]).hasPrefix("new: "))
        try server.ok(["send", "new", "still", "Enter"])
        #expect(try eventually { try lines(server, "new") == ["ready", "still"] })
        #expect(try server.mux(["capture", "old"]).stderr.contains("no session named old"))
        try server.newSession("old", "exec cat")  // the old name is free again
        #expect(try server.ok(["ls"]).contains("old: "))
    }

    @Test func aUniquePrefixNamesASession() throws {
        let server = try TestServer()
        try server.newSession("alpha", "stty -echo; echo ready; exec cat")
        try server.newSession("alps", "exec cat")
        try server.newSession("beta", "stty -echo; echo ready; exec cat")
        #expect(try eventually { try lines(server, "be") == ["ready"] })
        try server.ok(["send", "b", "typed", "Enter"])
        #expect(try eventually { try lines(server, "beta") == ["ready", "typed"] })
        try server.ok(["send", "alph", "typed", "Enter"])  // alpha, not alps
        #expect(try eventually { try lines(server, "alpha") == ["ready", "typed"] })
        let ambiguous = try server.mux(["capture", "al"])
        #expect(ambiguous.status == 1)
        #expect(
            ambiguous.stderr == "Error: al is the start of several sessions' names (alpha, alps): give more of it\n")
    }

    @Test func captureHistoryComesFirstInEveryFormat() throws {
        let server = try TestServer()
        try server.newSession("h", size: "20x5", "seq 1 30; exec cat")
        #expect(try eventually { try server.captureText("h").hasPrefix("27\n28\n29\n30\n") })
        #expect(try server.ok(["capture", "h", "--history", "3"]) == "24\n25\n26\n27\n28\n29\n30\n\n")
        #expect(
            try server.ok(["capture", "h", "--history", "3", "--format", "ansi"]) == "24\n25\n26\n27\n28\n29\n30\n\n")
        #expect(
            try server.ok(["capture", "h", "--format", "json", "--history", "3"]).contains(
                "\"history\":[\"24\",\"25\",\"26\"]"))
        #expect(try server.ok(["capture", "h"]) == "27\n28\n29\n30\n\n")
    }

    @Test func aliasesTmuxUsersReachFor() throws {
        let server = try TestServer()
        try server.newSession("w", "exec cat")
        #expect(try server.ok(["ls"]).hasPrefix("w: "))
        #expect(try server.ok(["list"]).hasPrefix("w: "))
        for alias in ["a", "at", "attach"] {
            #expect(try server.mux([alias, "w"]).stderr.contains("standard input is not a terminal"), "\(alias)")
        }
        try server.ok(["kill-server"])
        #expect(access(server.socket, F_OK) != 0, "the server stopped and removed its socket")
        // The journal keeps what the stopped server had: the next `mux ls` starts a server that
        // lists it as lost (docs/journal.md).
        let listing = try server.ok(["ls"])
        #expect(listing.hasPrefix("w: ") && listing.contains(" lost "), "\(listing)")
        #expect(listing.contains("the server was stopped (mux server stop)"))
    }

    @Test func completionsCompleteSessionNames() throws {
        let server = try TestServer()
        try server.newSession("build", "exec cat")
        try server.newSession("bench", "exec cat")
        try server.newSession("work", "exec cat")
        for shell in ["bash", "zsh", "fish"] {
            let script = try server.mux(["--generate-completion-script", shell])
            #expect(script.status == 0 && script.stdout.contains("---completion attach"), "\(shell)")
        }
        // What the scripts run when a session's name is being completed (`mux attach b<TAB>`).
        let completed = try server.mux([
            "---completion", "attach", "--", "positional@0", "2", "1", "mux", "attach", "b",
        ])
        #expect(completed.status == 0, "\(completed.stderr)")
        #expect(Set(completed.stdout.split(separator: "\n").map(String.init)) == ["build", "bench"])
        let none = try runMux(
            ["---completion", "send", "--", "positional@0", "2", "0", "mux", "send", ""],
            environment: ["MUX_SOCKET=\(server.directory)/nothing.sock"])
        #expect(none.status == 0 && none.stdout == "", "no server: nothing to offer, and none started")
    }

    @Test func listSaysWhenThereAreNoSessions() throws {
        let server = try TestServer()
        try server.newSession("w", "exit 0")
        #expect(try server.mux(["wait", "w", "--exit"]).status == 0)  // collects it
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func eachWrongRequestGetsOneClearLine() throws {
        let server = try TestServer()
        try server.newSession("e", "exec cat")
        try server.newSession("ab1", "exec cat")
        try server.newSession("ab2", "exec cat")
        let cases: [([String], String)] = [
            (["lst"], "Error: unknown command 'lst'; did you mean 'list' or 'ls'? (see `mux --help`)"),
            (["atach", "e"], "Error: unknown command 'atach'; did you mean 'attach'? (see `mux --help`)"),
            (["frobnicate"], "Error: unknown command 'frobnicate' (see `mux --help`)"),
            (["--bogus"], "Error: unknown option '--bogus' (see `mux --help`)"),
            (
                ["--socket", server.socket, "lst"],
                "Error: unknown command 'lst'; did you mean 'list' or 'ls'? (see `mux --help`)"
            ),
            (
                ["attach", "e"],
                "Error: standard input is not a terminal: attaching needs one (scripts use `mux send` and `mux capture`)"
            ),
            (
                ["kill", "e", "--signal", "BOGUS"],
                "Error: unknown signal BOGUS: give a name such as TERM, INT, KILL or a number from 1 to 64"
            ),
            (
                ["new", "-d", "-s", "", "--", "cat"],
                "Error: -s needs a session name (leave -s out for the next free number)"
            ),
            (
                ["send", "e", "--bogus"],
                "Error: unknown option --bogus for send (to type it, put -- before it: `mux send NAME -- --bogus`)"
            ),
            (["send", "e"], "Error: nothing to send: give text or key names after the session's name"),
            (["send", "e", "--key"], "Error: --key needs a value"),
            (
                ["rename", "e", "bad name"],
                "Error: a session name is 1 to 64 letters, digits, '-', '_' or '.', not starting with '-' or '.'"
            ),
            (["rename", "e", "ab1"], "Error: a session named ab1 exists"),
            (["rename", "nope", "x"], "Error: no session named nope"),
            (["capture", "ab"], "Error: ab is the start of several sessions' names (ab1, ab2): give more of it"),
        ]
        for (arguments, message) in cases {
            let result = try server.mux(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(
                result.stderr.split(separator: "\n").first.map(String.init) == message, "\(arguments): \(result.stderr)"
            )
            #expect(!result.stderr.contains("mux default"), "\(arguments): \(result.stderr)")
        }
        #expect(
            try server.ok(["ls"]).contains("e: /bin/sh -c exec cat"), "the session the bad requests named is untouched")
    }
}
