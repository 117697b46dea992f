// `mux wait` as scripts use it: conditions combined (the first that holds ends the wait, and the
// exit status says which), and `--match` on rows as displayed, so the examples in its help work.

import Glibc
import Testing

@Suite struct WaitTests {
    @Test func aPromptEndingInASpaceMatchesAsTheHelpShows() throws {
        let server = try TestServer()
        try server.ok(["new", "-d", "-s", "sh", "--size", "80x24", "--", "/usr/bin/env", "PS1=$ ", "/bin/sh"])
        // The example in `mux wait --help`: the shell is back at its prompt `$ `.
        let prompt = try server.mux(["wait", "sh", "--match", #"\$ $"#, "--timeout", "10"])
        #expect(prompt.status == 0, "\(prompt.stderr)")
        #expect(prompt.stdout == "")
        try server.ok(["send", "sh", "--", "echo done-$((6*7))", "Enter"])
        #expect(try server.mux(["wait", "sh", "--match", "^done-42$", "--timeout", "10"]).status == 0)
        #expect(try eventually { try server.captureText("sh").contains("done-42\n$\n") })
        #expect(try server.mux(["wait", "sh", "--match", #"^\$ $"#, "--timeout", "10"]).status == 0)
        // Blanks are kept only up to the cursor: the row is `$ `, not `$ ` and 78 more spaces.
        let past = try server.mux(["wait", "sh", "--match", #"^\$  "#, "--timeout", "0.3"])
        #expect(past.status == 124)
    }

    @Test func matchOrExitWhicheverComesFirstAndTheStatusSaysWhich() throws {
        let server = try TestServer()
        try server.newSession("ready", "echo listening; exec cat")
        let matched = try server.mux(["wait", "ready", "--match", "listening", "--exit", "--timeout", "10"])
        #expect(matched.status == 0 && matched.stdout == "matched\n", "\(matched.stderr)")
        try server.newSession("dies", "echo starting; exit 4")
        let died = try server.mux(["wait", "dies", "--match", "listening", "--exit", "--timeout", "10"])
        #expect(died.status == 4 && died.stdout == "exited 4\n", "\(died.stderr)")
        #expect(!(try server.ok(["ls"]).contains("dies:")), "its status was collected")
    }

    @Test func idleAlongsideAnotherConditionExitsWithThree() throws {
        let server = try TestServer()
        try server.newSession("quiet", "echo hello; exec cat")
        let idle = try server.mux(["wait", "quiet", "--match", "never shown", "--idle", "200", "--timeout", "10"])
        #expect(idle.status == 3 && idle.stdout == "idle\n", "\(idle.stderr)")
        let alone = try server.mux(["wait", "quiet", "--idle", "200", "--timeout", "10"])
        #expect(alone.status == 0 && alone.stdout == "")
        let none = try server.mux(["wait", "quiet"])
        #expect(none.status != 0 && none.stderr.contains("give one or more of --exit, --match REGEX, --idle MS"))
    }
}
