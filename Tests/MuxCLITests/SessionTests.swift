// Sessions end to end: the real binary, a private server per test, real PTYs and sockets.

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import Testing

@Suite(.serialized) struct SessionTests {
    @Test func newListCaptureSendKill() throws {
        let server = try TestServer()
        try server.newSession("w", size: "60x10", "printf 'ready\\n'; exec cat")
        #expect(try eventually { try server.captureText("w").hasPrefix("ready\n") })
        let list = try server.ok(["ls", "--json"])
        #expect(list.contains("\"name\":\"w\""))
        #expect(list.contains("\"cols\":60,\"rows\":10,\"state\":\"running\""))
        try server.ok(["send", "w", "--", "hello", "--key", "Enter"])
        #expect(try eventually { try server.captureText("w").contains("hello\nhello\n") })
        try server.ok(["kill", "w"])
        #expect(try server.ok(["ls", "--json"]) == "[]\n")
    }

    @Test func sessionsGetTheirEnvironment() throws {
        let server = try TestServer()
        try server.newSession(
            "env", "echo \"$TERM $COLORTERM $MUX_SESSION\"; infocmp -x >/dev/null && echo found; exec cat")
        #expect(try eventually { try server.captureText("env").hasPrefix("mux-256color truecolor env\nfound\n") })
    }

    @Test func aBackgroundProcessHoldingTheTerminalDoesNotKeepTheSessionRunning() throws {
        let server = try TestServer()
        let pidFile = server.directory + "/sleeper"
        // The shell exits; the sleep it left behind keeps the terminal open for 30 s.
        try server.newSession("held", keep: true, "sleep 30 & echo $! > \(pidFile); echo last words; exit 5")
        let wait = try server.mux(["wait", "held", "--exit", "--timeout", "10"])
        #expect(wait.status == 5)
        #expect(try eventually { try server.ok(["ls"]).contains("exited (status 5)") })
        #expect(try server.captureText("held").hasPrefix("last words\n"))
        let sleeper = try runProgram(["/bin/cat", pidFile]).stdout.split(separator: "\n").first
        if let sleeper, let pid = Int32(sleeper) { kill(pid, SIGKILL) }
    }

    @Test func keptSessionStaysListedWithItsStatusAndScreen() throws {
        let server = try TestServer()
        try server.newSession("k", keep: true, "echo bye; exit 3")
        let wait = try server.mux(["wait", "k", "--exit", "--timeout", "10"])
        #expect(wait.status == 3)
        #expect(try server.ok(["ls"]).contains("exited (status 3)"))
        #expect(try server.captureText("k").hasPrefix("bye\n"))
        let send = try server.mux(["send", "k", "--", "x"])
        #expect(send.status != 0 && send.stderr.contains("has exited"))
        try server.ok(["kill", "k"])
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func aSessionWithoutKeepStaysListedUntilWaitCollectsItsStatus() throws {
        let server = try TestServer()
        try server.newSession("gone", "exit 0")
        #expect(try eventually { try server.ok(["ls"]).contains("gone: /bin/sh -c exit 0 [80x24] exited (status 0)") })
        #expect(try server.mux(["wait", "gone", "--exit"]).status == 0)
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func attachedNewExitsWithTheProgramsStatus() throws {
        let server = try TestServer()
        let client = try AttachedClient(
            server, ["new", "-s", "seven", "--", "/bin/sh", "-c", "echo hi; read x; exit 7"])
        #expect(try eventually { client.text.contains("hi") })
        try client.type(Array("\r".utf8))
        #expect(try client.waitForExit()?.shellStatus == 7)
        #expect(client.text.contains("exited with status 7"))
        // It collected its own session's status: nothing is left to collect.
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func holderAndObserverShowTheSessionsScreen() throws {
        let server = try TestServer()
        try server.newSession("s", "PS1='$ ' exec /bin/sh")
        let holder = try AttachedClient(server, ["attach", "s"])
        let observer = try AttachedClient(server, ["attach", "s", "--observe"])
        #expect(try eventually { try server.ok(["lease", "status", "s", "--json"]).contains("\"waiting\":[]") })
        // The holder types: a burst of colour, then the alternate screen with a title.
        try holder.type(
            Array(
                ("i=0; while [ $i -lt 300 ]; do printf '\\033[38;2;%d;20;%dmline %d \\033[1;4mbold\\033[0m\\n' "
                    + "$((i%256)) $((255-i%256)) $i; i=$((i+1)); done\r").utf8))
        #expect(try eventually { try server.captureText("s").contains("line 299 bold") })
        for client in [holder, observer] {
            #expect(try eventually { try client.screen == server.capture("s") }, "after the burst")
        }
        try holder.type(
            Array("printf '\\033[?1049h\\033]2;alt\\007\\033[5;5H\\033[7mon the alternate screen\\033[0m'\r".utf8))
        #expect(try eventually { try server.capture("s").contains("\"alternateScreen\":true") })
        let late = try AttachedClient(server, ["attach", "s", "--observe"])
        for client in [holder, observer, late] {
            #expect(try eventually { try client.screen == server.capture("s") }, "on the alternate screen")
        }
        #expect(late.terminal.terminal.title == "alt")
    }

    @Test func aViewerAttachingInTheMiddleOfASequenceShowsTheSessionsScreen() throws {
        // The program stops inside a control sequence that holds a line feed (executed at once,
        // as terminals do); a viewer attaches then, and the sequence ends later.
        let server = try TestServer()
        let go = server.directory + "/go"
        try server.newSession(
            "s",
            "printf 'top\\n\\033[1\\n'; while [ ! -e \(go) ]; do sleep 0.01; done; printf '2mX\\n'; exec sleep 100")
        #expect(try eventually { try server.capture("s").contains("\"cursor\":{\"x\":0,\"y\":2") })
        let viewer = try AttachedClient(server, ["attach", "s", "--observe"])
        #expect(try eventually { try server.ok(["ls", "--json"]).contains("\"clients\":1") })
        #expect(try eventually { viewer.screen.contains("top") })
        #expect(creat(go, 0o600) >= 0)
        #expect(try eventually { try server.captureText("s").contains("X") })
        #expect(try eventually { try viewer.screen == server.capture("s") })
    }

    @Test func leaseStackAndSizeFollowTheHolder() throws {
        let server = try TestServer()
        try server.newSession("l", "exec cat")
        let a = try AttachedClient(server, ["attach", "l", "--client", "A"], columns: 80, rows: 24)
        #expect(try eventually { try server.ok(["lease", "status", "l"]).contains("A holds") })
        let b = try AttachedClient(server, ["attach", "l", "--client", "B"], columns: 100, rows: 30)
        #expect(
            try eventually {
                try server.ok(["lease", "status", "l", "--json"])
                    == "{\"name\":\"l\",\"session\":\"l\",\"holder\":\"B\",\"waiting\":[\"A\"]}\n"
            })
        #expect(try server.ok(["ls"]).contains("[100x30]"))
        try b.type([0x02, UInt8(ascii: "d")])  // C-b d
        #expect(try b.waitForExit()?.shellStatus == 0)
        #expect(b.text.contains("[detached]"))
        #expect(try eventually { try server.ok(["lease", "status", "l"]).contains("A holds") })
        #expect(try server.ok(["ls"]).contains("[80x24]"))
        // From any shell: give it to a named client, then release back.
        let c = try AttachedClient(server, ["attach", "l", "--observe", "--client", "C"], columns: 90, rows: 20)
        #expect(try eventually { try server.ok(["ls"]).contains("clients=2") })
        #expect(try server.ok(["lease", "take", "l"]).contains("C holds the lease; then A"))
        #expect(try server.ok(["ls"]).contains("[90x20]"))
        try server.ok(["lease", "release", "l", "--client", "C"])
        #expect(try server.ok(["lease", "status", "l"]).contains("A holds"))
        _ = (a, c)
    }

    @Test func observersAndNonHoldersAreRefusedNotIgnored() throws {
        let server = try TestServer()
        try server.newSession("r", "exec cat")
        let holder = try server.connect(clientID: "holder")
        try holder.send(.attach(session: "r", asHolder: true, historyLines: 0, since: nil, lossy: true))
        _ = try holder.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })

        let observer = try server.connect(role: .observer)
        try observer.send(.attach(session: "r", asHolder: false, historyLines: 0, since: nil, lossy: true))
        _ = try observer.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        try observer.send(.input(Array("x".utf8)))
        #expect(try observer.nextErrorCode() == .roleForbidden)
        try observer.send(.resize(columns: 50, rows: 10))
        #expect(try observer.nextErrorCode() == .roleForbidden)

        let other = try server.connect()
        try other.send(.attach(session: "r", asHolder: false, historyLines: 0, since: nil, lossy: true))
        _ = try other.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        try other.send(.input(Array("x".utf8)))
        #expect(try other.nextErrorCode() == .leaseRequired)
        let send = try server.mux(["send", "r", "--", "typed"])
        #expect(send.status != 0 && send.stderr.contains("holds the lease"))
        try server.ok(["send", "r", "--force", "--", "forced"])
        #expect(try eventually { try server.captureText("r").contains("forced") })
        #expect(!(try server.captureText("r").contains("typed")))
    }

    @Test(arguments: [0, 1, 3])
    func aQueryGetsExactlyOneAnswer(clients: Int) throws {
        let server = try TestServer()
        // The program waits for a key, asks where the cursor is, then counts the answers it got.
        try server.newSession(
            "q",
            "stty raw -echo; head -c 1 >/dev/null; printf '\\033[6n'; sleep 1; "
                + "n=$(dd bs=4096 count=1 iflag=nonblock 2>/dev/null | tr -cd R | wc -c); stty sane; "
                + "echo; echo \"answers=$n\"; exec sleep 600")
        var attached: [AttachedClient] = []
        for index in 0..<clients {
            attached.append(try AttachedClient(server, ["attach", "q"] + (index == 0 ? [] : ["--observe"])))
        }
        #expect(try eventually { try server.ok(["ls"]).contains("clients=\(clients)") })
        for client in attached { client.pump(wait: 50) }  // let each draw its snapshot first
        try server.ok(["send", "q", "--force", "--", "g"])
        #expect(try eventually { try server.captureText("q").contains("answers=") })
        #expect(try server.captureText("q").contains("answers=1"))
    }

    @Test func reattachSinceAnOffsetInTheRingGetsNoSnapshot() throws {
        let server = try TestServer()
        try server.newSession("o", "PS1='$ ' exec /bin/sh")
        let first = try server.connect()
        try first.send(.attach(session: "o", asHolder: false, historyLines: 0, since: nil, lossy: true))
        var end: UInt64 = 0
        _ = try first.receive(until: {
            if case .snapshot(let offset, true, _) = $0 {
                end = offset
                return true
            } else {
                return false
            }
        })
        try server.ok(["send", "o", "--", "one"])
        // Follow the stream (the prompt may still be on its way) until the echo of "one".
        _ = try first.receive(until: {
            guard case .output(let offset, let bytes) = $0 else { return false }
            #expect(offset == end, "offsets continue without a gap")
            end = offset + UInt64(bytes.count)
            return String(decoding: bytes, as: UTF8.self).hasSuffix("one")
        })
        try first.send(.detach)
        try server.ok(["send", "o", "--", "two"])
        #expect(try eventually { try server.captureText("o").contains("onetwo") })

        let again = try server.connect()
        try again.send(.attach(session: "o", asHolder: false, historyLines: 0, since: end, lossy: true))
        let resumed = try again.receive(until: { if case .output = $0 { true } else { false } })
        #expect(!resumed.contains { if case .snapshot = $0 { true } else { false } })
        #expect(resumed.last == .output(offset: end, bytes: Array("two".utf8)))

        // Push the offset out of the ring (1 MiB): the same request now gets a snapshot.
        try server.ok(["send", "o", "--key", "C-u"])
        try server.ok(["send", "o", "head -c 1100000 /dev/zero | tr '\\0' x; echo; echo done", "Enter"])
        #expect(try eventually(timeout: 20) { try server.captureText("o").contains("\ndone\n") })
        let late = try server.connect()
        try late.send(.attach(session: "o", asHolder: false, historyLines: 0, since: end, lossy: true))
        let fresh = try late.receive(until: { if case .snapshot(_, true, _) = $0 { true } else { false } })
        #expect(fresh.contains { if case .snapshot = $0 { true } else { false } })
    }

    @Test func serverStopTellsClientsAndRemovesTheSocket() throws {
        let server = try TestServer()
        try server.newSession("x", "exec cat")
        let client = try AttachedClient(server, ["attach", "x"])
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") })
        try server.ok(["server", "stop"])
        #expect(try client.waitForExit()?.shellStatus == 1)
        #expect(client.text.contains("shutting down"))
        #expect(access(server.socket, F_OK) != 0)
        #expect(access(server.socket + ".pid", F_OK) != 0)
        let status = try server.mux(["server", "status"])
        #expect(status.status != 0 && status.stderr.contains("no server is running"))
    }
}

@Suite(.serialized) struct MoreSessionTests {
    @Test func attachingToTheSessionYouAreInIsRefused() throws {
        let server = try TestServer()
        try server.newSession("inside", "\(muxBinaryPath()) attach inside; echo \"rc=$?\"; exec cat")
        #expect(try eventually { try server.captureText("inside").contains("rc=1") })
        #expect(try server.captureText("inside").contains("you are inside session inside"))
    }

    @Test func theHoldersTerminalSizeFollowsSIGWINCH() throws {
        let server = try TestServer()
        try server.newSession("winch", "exec cat")
        let holder = try AttachedClient(server, ["attach", "winch"], columns: 80, rows: 24)
        #expect(try eventually { try server.ok(["ls"]).contains("[80x24]") && server.ok(["ls"]).contains("clients=1") })
        try holder.process.resize(to: TerminalSize(columns: 120, rows: 40))
        #expect(
            try eventually {
                holder.pump()
                return try server.ok(["ls"]).contains("[120x40]")
            })
        // `mux resize` from another shell needs --force while the holder holds the lease.
        let refused = try server.mux(["resize", "winch", "100x30"])
        #expect(refused.status != 0 && refused.stderr.contains("holds the lease"))
        try server.ok(["resize", "winch", "100x30", "--force"])
        #expect(try server.ok(["ls"]).contains("[100x30]"))
    }

    @Test func aProgramAskingPixelSizesGetsTheHoldersTerminals() throws {
        let server = try TestServer()
        // Each line typed asks XTWINOPS 14 and 16 and prints the replies without their ESC.
        let ask =
            "stty -echo -icanon min 1 time 0; while read x; do printf '\\033[14t\\033[16t'; r=; n=0; "
            + "while [ $n -lt 2 ]; do c=$(dd bs=1 count=1 2>/dev/null); [ \"$c\" = t ] && n=$((n+1)); "
            + "[ \"$c\" = \"$(printf '\\033')\" ] || r=\"$r$c\"; done; echo \"got=$r\"; done"
        try server.newSession("px", ask)
        let holder = try AttachedClient(server, ["attach", "px"], columns: 80, rows: 24)
        #expect(try eventually { try server.ok(["ls"]).contains("clients=1") })
        // Unknown pixels answer zeros, as before.
        try server.ok(["send", "px", "--force", "a", "Enter"])
        #expect(try eventually { try server.captureText("px").contains("got=[4;0;0t[6;0;0t") })
        // The holder's terminal says 800x480 pixels for 80x24 cells: cells of 10x20.
        try holder.process.resize(to: TerminalSize(columns: 80, rows: 24, pixelWidth: 800, pixelHeight: 480))
        #expect(
            try eventually {
                holder.pump()
                try server.ok(["send", "px", "--force", "b", "Enter"])
                return try server.captureText("px").contains("got=[4;480;800t[6;20;10t")
            })
    }

    @Test func waitForAMatchForQuietAndGiveUpOnTime() throws {
        let server = try TestServer()
        try server.newSession("w", "read x; echo \"got $x\"; exec cat")
        try server.ok(["send", "w", "ready", "Enter"])
        let matched = try server.mux(["wait", "w", "--match", "got re.dy", "--timeout", "10"])
        #expect(matched.status == 0, "\(matched.stderr)")
        let quiet = try server.mux(["wait", "w", "--idle", "100", "--timeout", "10"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        let never = try server.mux(["wait", "w", "--match", "never shown", "--timeout", "0.3"])
        #expect(never.status == 124)
        #expect(never.stderr.contains("gave up after 0.3 s"))
        let bad = try server.mux(["wait", "w", "--match", "(unclosed"])
        #expect(bad.status != 0 && bad.stderr.contains("--match"))
    }

    @Test func clearErrorsForWrongRequests() throws {
        let server = try TestServer()
        try server.newSession("e", "exec cat")
        let cases: [([String], String)] = [
            (["capture", "nope"], "no session named nope"),
            (["new", "-d", "-s", "e"], "a session named e exists"),
            (["new", "-d", "-s", "bad name"], "a session name is"),
            (["new", "-d", "--", "/no/such/program"], "/no/such/program"),
            (["send", "e", "--key", "Hyper-q"], "unknown key Hyper-q"),
            (["kill", "e", "--signal", "NOPE"], "unknown signal NOPE"),
            (["new", "-d", "--cwd", "/no/such/dir", "--", "sh"], "/no/such/dir"),
        ]
        for (arguments, message) in cases {
            let result = try server.mux(arguments)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count <= 3, "\(arguments): \(result.stderr)")
        }
        #expect(
            try server.ok(["ls"]).contains("e: /bin/sh -c exec cat"), "the session the bad requests named is untouched")
    }
}
