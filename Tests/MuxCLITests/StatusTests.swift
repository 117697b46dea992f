// `mux status` and `mux ls --json` end to end: what a script acts on (pid, waiting for input or
// busy, foreground command and directory, title, activity times, null where absent), and
// `mux wait --command-done` with a bash whose prompt sends OSC 133 marks.

import Glibc
import MuxPTY
import Testing

/// The raw JSON value of `field` in a one-line object (`null`, a number, or a quoted string).
private func field(_ name: String, in json: String) -> String? {
    guard let start = json.firstRange(of: "\"\(name)\":") else { return nil }
    var rest = json[start.upperBound...]
    if rest.hasPrefix("\"") {
        rest = rest.dropFirst()
        var value = "\""
        var escaped = false
        for c in rest {
            value.append(c)
            if c == "\"" && !escaped { return value }
            escaped = c == "\\" && !escaped
        }
        return nil
    }
    return String(rest.prefix { $0 != "," && $0 != "}" })
}

/// bash with the FinalTerm marks in its prompt: D with the last status before each prompt, A and
/// B around it, C (PS0) when a command starts.
private let bashWithMarks = #"""
    export PROMPT_COMMAND='printf "\033]133;D;%s\007" $?' PS0='\e]133;C\a' \
        PS1='\[\e]133;A\a\]$ \[\e]133;B\a\]'; exec bash --norc --noprofile -i
    """#

extension TestServer {
    func status(_ name: String) throws -> String { try ok(["status", name, "--json"]) }

    /// `mux wait ARGS` started in the background (in a PTY of its own), once it is attached.
    func waitInBackground(_ session: String, _ arguments: [String]) throws -> PTYProcess {
        let process = try PTYProcess.spawn(
            [muxBinaryPath(), "wait", session] + arguments, environment: ["PATH=/usr/bin:/bin"] + environment,
            size: TerminalSize(columns: 80, rows: 24))
        #expect(try eventually { try field("clients", in: status(session)) == "1" }, "the waiter attached")
        return process
    }
}

@Suite(.serialized) struct StatusTests {
    @Test func aShellAtItsPromptWaitsForInputAndIsBusyDuringSleep() throws {
        let server = try TestServer()
        try server.newSession("s", "PS1='$ ' exec /bin/sh")
        #expect(try eventually { try field("activity", in: server.status("s")) == "\"waiting-for-input\"" })
        try server.ok(["send", "s", "--", "sleep 5", "Enter"])
        #expect(try eventually { try field("foregroundCommand", in: server.status("s")) == "\"sleep 5\"" })
        let busy = try server.status("s")
        #expect(field("activity", in: busy) == "\"busy\"")
        #expect(field("foregroundPid", in: busy) != field("pid", in: busy))
        #expect(try server.ok(["ls"]).contains("running busy"))
        try server.ok(["send", "s", "--key", "C-c"])
        #expect(try eventually { try field("activity", in: server.status("s")) == "\"waiting-for-input\"" })
        #expect(try server.ok(["ls"]).contains("running waiting-for-input"))
    }

    @Test func fieldsFollowTheProgram() throws {
        let server = try TestServer()
        try server.newSession("f", "echo pid=$$; PS1='$ ' exec /bin/sh")
        #expect(try eventually { try server.captureText("f").contains("\n$") })
        let first = try server.status("f")
        let pid = try #require(field("pid", in: first))
        #expect(try server.captureText("f").hasPrefix("pid=\(pid)\n"))
        #expect(field("foregroundPid", in: first) == pid)  // the shell itself, at its prompt
        #expect(field("liveness", in: first) == "\"alive\"")
        #expect(field("state", in: first) == "\"running\"")
        for absent in ["exitStatus", "title", "holder", "lastInput", "commandPhase", "lastCommandStatus"] {
            #expect(field(absent, in: first) == "null", "\(absent) in \(first)")
        }
        #expect(field("lastOutput", in: first) != "null")

        try server.ok(["send", "f", "--", #"cd /tmp && printf '\033]2;hi there\007'"#, "Enter"])
        #expect(try eventually { try field("cwd", in: server.status("f")) == "\"/tmp\"" })
        #expect(try eventually { try field("title", in: server.status("f")) == "\"hi there\"" })
        #expect(try field("lastInput", in: server.status("f")) != "null")
        // `ls --json` lists the same object, field for field.
        #expect(try eventually { try server.ok(["ls", "--json"]) == "[" + server.status("f").dropLast() + "]\n" })
        let text = try server.ok(["status", "f"])
        #expect(text.contains("pid: \(pid) (alive)\n"))
        #expect(text.contains("cwd: /tmp\n"))
        #expect(text.contains("title: hi there\n"))
    }

    @Test func anExitedSessionIsDeadWithItsStatus() throws {
        let server = try TestServer()
        try server.newSession("x", keep: true, "exit 3")
        #expect(try eventually { try field("state", in: server.status("x")) == "\"exited\"" })
        let json = try server.status("x")
        #expect(field("exitStatus", in: json) == "3")
        #expect(field("liveness", in: json) == "\"dead\"")
        #expect(field("activity", in: json) == "null")
        #expect(field("foregroundPid", in: json) == "null")
        #expect(try server.ok(["ls"]).contains(" exited (status 3) "))
        let missing = try server.mux(["status", "nosuch"])
        #expect(missing.status == 1 && missing.stderr.contains("no session named nosuch"))
    }

    @Test func commandDoneExitsWithTheCommandsStatus() throws {
        let server = try TestServer()
        try server.newSession("b", bashWithMarks)
        #expect(try eventually { try field("commandPhase", in: server.status("b")) == "\"input\"" })
        let waiter = try server.waitInBackground("b", ["--command-done", "--timeout", "20"])
        try server.ok(["send", "b", "--", "false", "Enter"])
        #expect(try waiter.waitForExit() == .exited(1))
        #expect(try eventually { try field("lastCommandStatus", in: server.status("b")) == "1" })
        #expect(try server.ok(["status", "b"]).contains("last command: exited 1\n"))
    }

    @Test func commandDoneWatchesACommandThatStartedBeforeIt() throws {
        let server = try TestServer()
        try server.newSession("r", bashWithMarks)
        #expect(try eventually { try field("commandPhase", in: server.status("r")) == "\"input\"" })
        try server.ok(["send", "r", "--", "read line; (exit 3)", "Enter"])
        #expect(try eventually { try field("commandPhase", in: server.status("r")) == "\"running\"" })
        // Attached mid-command: the snapshot tells the waiter a command runs.
        let waiter = try server.waitInBackground("r", ["--command-done", "--timeout", "20"])
        try server.ok(["send", "r", "--key", "Enter"])
        #expect(try waiter.waitForExit() == .exited(3))
    }

    @Test func commandDoneAfterACountSeesACommandThatEndedBeforeTheWait() throws {
        let server = try TestServer()
        try server.newSession("c", bashWithMarks)
        #expect(try eventually { try field("commandPhase", in: server.status("c")) == "\"input\"" })
        let before = try #require(UInt64(field("commandsFinished", in: server.status("c")) ?? ""))
        try server.ok(["send", "c", "--", "(exit 4)", "Enter"])
        #expect(try eventually { try field("commandsFinished", in: server.status("c")) == "\(before + 1)" })
        // The command is over before the wait starts: the count tells it so.
        let wait = try server.mux(["wait", "c", "--command-done", "--after", "\(before)", "--timeout", "10"])
        #expect(wait.status == 4, "\(wait.stderr)")
        #expect(try field("lastCommandStatus", in: server.status("c")) == "4")
    }

    @Test func leaseStatusNamesTheSessionAsLsDoes() throws {
        let server = try TestServer()
        try server.newSession("l", "exec cat")
        let lease = try server.ok(["lease", "status", "l", "--json"])
        #expect(field("name", in: lease) == "\"l\"")
        #expect(field("holder", in: lease) == "null")
    }
}
