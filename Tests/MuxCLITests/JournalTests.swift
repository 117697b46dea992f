// The journal end to end, on the real binary (docs/journal.md): what `mux new`, `mux kill` and
// `mux label` reported survives a `kill -9` of the server and `server stop`; lost sessions are
// captured, attached and killed; each restore policy; labels across a restart.

import Glibc
import MuxJournal
import MuxProtocol
import Testing

@Suite struct JournalTests {
    @Test func aSessionsScreenSurvivesAKill9OfTheServerAsLost() throws {
        let server = try TestServer()
        try server.newSession("work", "printf 'hello journal\\n'; exec sleep 100")
        #expect(try server.waitForSavedScreen("work", containing: "hello journal"))
        try server.crash()
        // `mux ls` starts the next server, which reads the journal before it listens.
        let listing = try server.ok(["ls"])
        #expect(listing.contains("work: /bin/sh -c printf"))
        #expect(listing.contains(" lost "))
        #expect(listing.contains("the server died"))
        #expect(try server.captureText("work").contains("hello journal"))
        #expect(try server.ok(["ls", "--json"]).contains(#""state":"lost""#))
        #expect(try server.ok(["server", "status"]).contains("at start 1 session(s) were lost, 0 relaunched"))
        // A lost session keeps its name until it is killed.
        #expect(try server.mux(["new", "-d", "-s", "work", "--", "true"]).stderr.contains("a lost session named work"))
        try server.ok(["kill", "work"])
        #expect(try server.ok(["ls"]) == "no sessions\n")
        try server.crash()
        #expect(try server.ok(["ls"]) == "no sessions\n")
    }

    @Test func whatNewAndKillReportedIsThereAfterACrashAtOnce() throws {
        let server = try TestServer()
        try server.newSession("kept", "exec sleep 100")
        try server.newSession("killed", "exec sleep 100")
        try server.ok(["kill", "killed"])
        try server.newSession("last", "exec sleep 100")
        // No waiting: each command returned, so its change was committed.
        try server.crash()
        let names = try server.ok(["ls"]).split(separator: "\n").map { $0.prefix { $0 != ":" } }
        #expect(names == ["kept", "last"])
    }

    @Test func aRebootIsToldApartFromACrashByTheBootID() throws {
        let server = try TestServer()
        try server.newSession("b", "printf 'before the reboot'; exec sleep 100")
        #expect(try server.waitForSavedScreen("b", containing: "before the reboot"))
        try server.crash()
        // As after a reboot: the journal says the session ran in another boot of the machine.
        let store = try JournalStore(path: server.journalPath)
        var row = try #require(try store.sessions().first)
        row.bootID = "a boot before this one"
        try store.apply([.insert(row)])
        let listing = try server.ok(["ls"])
        #expect(listing.contains("reason=\"the machine restarted\""), "\(listing)")
        #expect(try server.captureText("b").contains("before the reboot"))
    }

    @Test func serverStopKeepsEverySessionAsLostWithItsScreenAndTheReason() throws {
        let server = try TestServer()
        try server.newSession("a", "printf 'before the stop'; exec sleep 100")
        #expect(try eventually { try server.captureText("a").contains("before the stop") })
        try server.ok(["server", "stop"])
        let listing = try server.ok(["ls"])
        #expect(listing.contains("a: ") && listing.contains(" lost "))
        #expect(listing.contains("the server was stopped (mux server stop)"))
        #expect(try server.captureText("a").contains("before the stop"))
    }

    @Test func labelsAreJournaledFilterTheListAndSurviveACrash() throws {
        let server = try TestServer()
        try server.newSession("a", "exec sleep 100")
        try server.newSession("b", "exec sleep 100")
        try server.ok(["label", "a", "team=core", "owner=me", "gone=soon"])
        try server.ok(["label", "b", "team=core"])
        try server.ok(["label", "a", "--remove", "gone"])
        func names(_ filters: [String]) throws -> [Substring] {
            try server.ok(["ls"] + filters.flatMap { ["--label", $0] }).split(separator: "\n").map {
                $0.prefix { $0 != ":" }
            }
        }
        #expect(try names(["team=core"]) == ["a", "b"])
        #expect(try names(["team=core", "owner=me"]) == ["a"])
        #expect(try server.mux(["label", "a", "bad key=1"]).status != 0)
        try server.crash()
        #expect(try names(["team=core", "owner=me"]) == ["a"])
        #expect(try server.ok(["status", "a", "--json"]).contains(#""labels":{"owner":"me","team":"core"}"#))
        // A lost session takes labels too, and keeps them across the next crash.
        try server.ok(["label", "b", "note=lost"])
        try server.crash()
        #expect(try names(["note=lost"]) == ["b"])
    }

    @Test func relaunchStartsTheCommandAgainBelowItsSavedScreen() throws {
        let server = try TestServer()
        // Counts its runs in a file in its working directory; prints what its environment holds.
        let script =
            "n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; "
            + "echo \"run $n tok=$OTHER_TOKEN given=$MY_TOKEN\"; exec cat"
        let created = try runMux(
            [
                "new", "-d", "-s", "r", "--restore", "relaunch", "--size", "70x20", "--cwd", server.directory,
                "--env", "MY_TOKEN=yes", "--", "/bin/sh", "-c", script,
            ], environment: server.environment + ["OTHER_TOKEN=hidden"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(try server.waitForSavedScreen("r", containing: "run 1 tok=hidden given=yes"))
        try server.crash()
        #expect(try server.ok(["ls"]).contains("r: /bin/sh -c"))
        #expect(try eventually { try server.captureText("r").contains("run 2") })
        let screen = try server.mux(["capture", "r", "--history", "100"]).stdout
        let first = try #require(lineIndex(of: "run 1 tok=hidden given=yes", in: screen))
        let marker = try #require(lineIndex(of: "[mux] restored", in: screen))
        // A secret from the creator's environment is not journaled; one given with --env is.
        let second = try #require(lineIndex(of: "run 2 tok= given=yes", in: screen))
        #expect(first < marker && marker < second)
        #expect(try server.ok(["ls", "--json"]).contains(#""cols":70,"rows":20,"state":"running""#))
        #expect(try server.ok(["server", "status"]).contains("1 relaunched"))
        // The marker line is dim.
        #expect(try server.mux(["capture", "r", "--format", "ansi"]).stdout.contains("2m[mux] restored"))
    }

    @Test func screenPolicyAttachShowsTheSavedScreenReadOnlyWithWhyItEnded() throws {
        let server = try TestServer()
        try server.newSession("s", "printf 'saved text\\n'; exec sleep 100")
        #expect(try server.waitForSavedScreen("s", containing: "saved text"))
        try server.crash()
        try server.ok(["ls"])
        let client = try AttachedClient(server, ["attach", "s"])
        #expect(
            try eventually { client.text.contains("saved text") && client.text.contains("[mux] ended ") },
            "the attached terminal shows: \(client.text)")
        #expect(client.text.contains("the server died"))
        try client.type(Array("typed".utf8))
        try client.type([0x02, UInt8(ascii: "d")])  // C-b d
        #expect(try client.waitForExit() == .exited(0))
        #expect(!client.text.contains("typed"))
        #expect(try server.captureText("s").contains("saved text"))
    }

    @Test func nonePolicyRefusesAttachButCaptures() throws {
        let server = try TestServer()
        try server.ok(["new", "-d", "-s", "n", "--restore", "none", "--", "/bin/sh", "-c", "echo kept; exec sleep 100"])
        #expect(try server.waitForSavedScreen("n", containing: "kept"))
        try server.crash()
        try server.ok(["ls"])
        let connection = try server.connect()
        try connection.send(.attach(session: "n", asHolder: true, historyLines: 0, since: nil, lossy: false))
        #expect(try connection.nextErrorCode() == .sessionExited)
        #expect(try server.captureText("n").contains("kept"))
        #expect(try server.mux(["send", "n", "x"]).stderr.contains("session n was lost"))
    }
}
