// A program's exit status is kept until someone collects it (issue 14): listed as exited, returned
// by `mux wait --exit` (which collects it unless the session was created with --keep), and bounded
// by the server so that uncollected statuses cannot pile up.

import Glibc
import MuxClient
import MuxProtocol
import Testing

@Suite struct ExitStatusTests {
    @Test func aFastExitsStatusIsReturnedByWaitAndCollected() throws {
        let server = try TestServer()
        // The program may well be gone before `mux wait` attaches: its status is still there.
        try server.ok(["new", "-d", "-s", "x", "--", "/bin/sh", "-c", "echo out; exit 5"])
        let wait = try server.mux(["wait", "x", "--exit"])
        #expect(wait.status == 5, "\(wait.stderr)")
        #expect(wait.stdout == "")
        #expect(try server.ok(["ls"]) == "no sessions\n", "collected")
        let again = try server.mux(["wait", "x", "--exit"])
        #expect(again.status == 1 && again.stderr == "Error: no session named x\n")
    }

    @Test func anExitedSessionIsListedWithItsStatusAndScreenUntilCollected() throws {
        let server = try TestServer()
        try server.newSession("x", "echo out; exit 5")
        #expect(
            try eventually {
                try server.ok(["ls"]).contains("x: /bin/sh -c echo out; exit 5 [80x24] exited (status 5)")
            })
        #expect(try server.ok(["ls", "--json"]).contains("\"state\":\"exited\",\"exitStatus\":5"))
        #expect(try server.captureText("x").hasPrefix("out\n"))
        // Attaching says it has exited, with its status, and leaves it listed.
        let attach = try server.connect()
        try attach.send(.attach(session: "x", asHolder: false, historyLines: 0, since: nil, lossy: true))
        guard case .error(.sessionExited, let refusal) = try attach.receive() else {
            Issue.record("attaching to an exited session was not refused as exited")
            return
        }
        #expect(refusal.contains("session x has exited (status 5)"))
        #expect(try server.mux(["wait", "x", "--exit"]).status == 5)
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func aKeptSessionStaysListedAfterWaitCollectsItsStatusUntilKilled() throws {
        let server = try TestServer()
        try server.newSession("k", keep: true, "exit 4")
        #expect(try server.mux(["wait", "k", "--exit"]).status == 4)
        #expect(try server.mux(["wait", "k", "--exit"]).status == 4, "still there to ask again")
        #expect(try server.ok(["ls"]).contains("k: /bin/sh -c exit 4 [80x24] exited (status 4)"))
        try server.ok(["kill", "k"])
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func killRemovesAnExitedSessionWithoutWaiting() throws {
        let server = try TestServer()
        try server.newSession("x", "exit 2")
        #expect(try eventually { try server.ok(["ls"]).contains("exited (status 2)") })
        try server.ok(["kill", "x"])
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func pastTheLimitTheServerCollectsTheOldestExitedSession() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--exited-limit", "2"])
        try server.newSession("kept", keep: true, "exit 9")  // not counted, never collected by the bound
        #expect(try eventually { try server.ok(["ls"]).contains("kept: /bin/sh -c exit 9 [80x24] exited") })
        for name in ["e1", "e2", "e3"] {
            try server.newSession(name, "exit 1")
            #expect(try eventually { try server.ok(["ls"]).contains("\(name): /bin/sh -c exit 1 [80x24] exited") })
        }
        let names = try server.ok(["ls"]).split(separator: "\n").map { $0.prefix { $0 != ":" } }
        #expect(names.sorted() == ["e2", "e3", "kept"])
        #expect(try server.mux(["wait", "e1", "--exit"]).stderr == "Error: no session named e1\n")
    }

    @Test func pastTheAgeLimitTheServerCollectsAnExitedSessionByItself() throws {
        let server = try TestServer()
        try server.ok(["server", "start", "--exited-max-age", "3"])
        try server.newSession("old", "exit 3")
        try server.newSession("kept", keep: true, "exit 3")
        #expect(try eventually { try server.ok(["ls"]).contains("old: /bin/sh -c exit 3 [80x24] exited") })
        #expect(try eventually(timeout: 15) { !(try server.ok(["ls"]).contains("old:")) })
        #expect(try server.ok(["ls"]).contains("kept:"))
    }
}
