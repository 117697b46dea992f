// `mux wait` as scripts use it: conditions combined (the first that holds ends the wait, and the
// exit status says which), and `--match` on rows as displayed, so the examples in its help work.

import Glibc
import Testing

@Suite struct WaitTests {
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
