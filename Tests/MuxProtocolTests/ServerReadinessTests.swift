// The line a starting server writes on --ready-fd: each readiness comes back as it was written,
// and the starter tells a failure's kind by its code, whatever its words.

import MuxProtocol
import Testing

@Suite struct ServerReadinessTests {
    static let written: [ServerReadiness] =
        [.ready]
        + ServerStartFailure.Kind.allCases.map {
            .failed(ServerStartFailure($0, "a reason: with colons, and  spaces"))
        }

    @Test(arguments: written) func eachReadinessIsReadBackAsWritten(_ readiness: ServerReadiness) {
        #expect(ServerReadiness(received: Array(readiness.line.utf8)) == readiness)
        #expect(readiness.line.hasSuffix("\n") && readiness.line.filter { $0 == "\n" }.count == 1)
    }

    @Test func readyIsAnEmptyLineAndAFailureLeadsWithItsKind() {
        #expect(ServerReadiness.ready.line == "\n")
        let failure = ServerStartFailure(.alreadyRunning, "a server is already running on /tmp/s.sock")
        #expect(ServerReadiness.failed(failure).line == "already-running a server is already running on /tmp/s.sock\n")
        #expect(failure.description == "a server is already running on /tmp/s.sock", "the user sees no code")
    }

    @Test func theKindIsTheCodeNotTheWords() {
        let line = "unusable-path a server is already running, or so it says\n"
        #expect(
            ServerReadiness(received: Array(line.utf8))
                == .failed(ServerStartFailure(.unusablePath, "a server is already running, or so it says")))
    }

    @Test func nothingReceivedMeansTheServerEndedFirst() {
        #expect(ServerReadiness(received: []) == nil)
    }

    @Test func aLineWithoutAKindIsShownWhole() {
        #expect(
            ServerReadiness(received: Array("something broke\n".utf8))
                == .failed(ServerStartFailure(.system, "something broke")))
    }
}
