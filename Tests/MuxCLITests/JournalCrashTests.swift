// The journal's promise under a crash at a random moment (docs/journal.md, "Promises"): a script
// creates, types into, labels and kills sessions while `kill -9` hits the server somewhere in the
// middle, maybe during a command. Then a new server starts: every session a command reported
// created (and no command reported killed) is listed, with its labels; none reported killed is;
// and a session whose screen the journal had before the crash shows that screen. Seeds are
// fixed, so a failure is a regression case: its seed replays it.

import Glibc
import MuxSystem
import Testing

/// SplitMix64: small, and the same on every machine, so a seed names one script.
struct SeededRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

@Suite struct JournalCrashTests {
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func whatCommandsReportedSurvivesAKill9AtARandomMoment(seed: UInt64) throws {
        var random = SeededRandom(state: seed)
        let server = try TestServer()
        var created: [String] = []
        var killed: Set<String> = []
        var labels: [String: [String: String]] = [:]
        /// Text the journal was seen holding in a session's screen before the crash.
        var saved: [String: String] = [:]
        let steps = 10 + random.below(8)
        let crashAt = 3 + random.below(steps - 3)
        var killer: pid_t?
        for step in 0..<steps {
            if step == crashAt {
                // The kill lands during this step's command, or just before or after it.
                let pid = try #require(server.serverPID)
                let delay = "0.0\(random.below(6))"
                killer = try spawnProgram(["/bin/sh", "-c", "sleep \(delay); kill -9 \(pid)"])
            }
            let live = created.filter { !killed.contains($0) }
            let choice = live.isEmpty ? 0 : random.below(10)
            switch choice {
            case 0..<4:
                let name = "s\(step)"
                let result = try server.mux(
                    ["new", "-d", "-s", name, "--", "/bin/sh", "-c", "echo born-\(name); exec cat"])
                if result.status == 0 { created.append(name) }
            case 4..<6:
                let name = live[random.below(live.count)]
                _ = try server.mux(["send", name, "typed-\(step)", "Enter"])
            case 6..<8:
                let name = live[random.below(live.count)]
                let value = "v\(step)"
                if try server.mux(["label", name, "k\(step % 3)=\(value)"]).status == 0 {
                    labels[name, default: [:]]["k\(step % 3)"] = value
                }
            case 8:
                let name = live[random.below(live.count)]
                if try server.mux(["kill", name]).status == 0 {
                    killed.insert(name)
                    labels[name] = nil
                }
            default:
                let name = live[random.below(live.count)]
                if killer == nil, try server.waitForSavedScreen(name, containing: "born-\(name)") {
                    saved[name] = "born-\(name)"
                }
            }
            if let pid = killer {
                _ = try waitForProcess(pid)
                break
            }
        }
        if killer == nil { try server.crash() }
        // Whatever killed it, it is gone before the next server starts.
        try? server.crash()

        let listed = try server.mux(["ls"])
        // What the failure messages show: the listing, how `mux ls` ended when it failed, and what
        // the servers logged above info (once, every session was missing: seed 7, under load).
        let listing =
            listed.stdout + (listed.status == 0 ? "" : " (mux ls: status \(listed.status), \(listed.stderr))")
            + "\nlogged: \(server.logLines(containing: "warning") + server.logLines(containing: "notice"))"
        let names = Set(listed.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) })
        for name in created where !killed.contains(name) {
            #expect(names.contains(name), "seed \(seed): \(name) was reported created; listed: \(listing)")
        }
        for name in killed {
            #expect(!names.contains(name), "seed \(seed): \(name) was reported killed; listed: \(listing)")
        }
        for (name, pairs) in labels where !killed.contains(name) {
            for (key, value) in pairs {
                let matching = try server.ok(["ls", "--label", "\(key)=\(value)"])
                #expect(matching.contains("\(name): "), "seed \(seed): \(name) lost its label \(key)=\(value)")
            }
        }
        for (name, text) in saved where !killed.contains(name) {
            #expect(try server.captureText(name).contains(text), "seed \(seed): \(name)'s saved screen")
        }
    }
}
