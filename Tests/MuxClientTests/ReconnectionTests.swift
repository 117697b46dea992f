// The reconnection plan (docs/client.md, "Reconnecting") on a clock the test moves by hand:
// which endings are worth connecting again, the backoff, when the status line shows, when the
// client gives up.

import MuxClient
import MuxProtocol
import Testing

/// A plan driven as the client drives it: every `.connect` is an attempt that fails at once
/// unless `answers` says it succeeds; time moves only through `.wait`.
private struct Drive {
    var plan: Reconnection
    var now: Double
    var attempts: [Double] = []
    var statusAt: [Double] = []

    init(limit: Double, start: Double = 1000) {
        plan = Reconnection(now: start, limit: limit)
        now = start
    }

    /// Runs until the plan gives up, or until the attempt `succeedsAt` (its index) is made.
    mutating func run(succeedsAt success: Int? = nil) -> Reconnection.Step? {
        for _ in 0..<10_000 {
            let step = plan.next(now: now)
            switch step {
            case .connect:
                attempts.append(now)
                if attempts.count - 1 == success { return nil }
                plan.attemptFailed(now: now)
            case .showStatus:
                statusAt.append(now)
            case .wait(let seconds):
                #expect(seconds > 0)
                now += seconds
            case .giveUp:
                return step
            }
        }
        Issue.record("the plan never ended")
        return nil
    }
}

/// Whether `step` is a wait of `seconds` (to the nanosecond: the plan's times are sums).
private func isWait(_ step: Reconnection.Step, _ seconds: Double) -> Bool {
    guard case .wait(let waited) = step else { return false }
    return abs(waited - seconds) < 1e-9
}

private func near(_ a: Double?, _ b: Double) -> Bool {
    a.map { abs($0 - b) < 1e-9 } ?? false
}

@Suite struct ReconnectionTests {
    @Test func onlyAServerThatVanishedWithoutAWordIsWorthReconnectingTo() {
        #expect(Reconnection.reconnects(after: .vanished, limit: 30))
        #expect(!Reconnection.reconnects(after: .vanished, limit: 0), "MUX_RECONNECT_SECONDS=0 turns it off")
        for code in Reconnection.closingCodes {
            #expect(!Reconnection.reconnects(after: .closedAfterError(code, "why"), limit: 30), "\(code)")
        }
        #expect(Reconnection.closingCodes.contains(.shuttingDown), "mux server stop ends the client")
        #expect(!Reconnection.closingCodes.contains(.leaseRequired), "a refused key leaves the connection open")
        #expect(Disconnection.vanished.reason == "the connection closed")
        #expect(
            Disconnection.closedAfterError(.shuttingDown, "the server is shutting down").reason.contains("shutting"))
    }

    @Test func theFirstAttemptIsAtOnceThenTheWaitsGrowFrom20msTo500ms() {
        var drive = Drive(limit: 30)
        _ = drive.run(succeedsAt: 12)
        let waits = zip(drive.attempts.dropFirst(), drive.attempts).map { $0 - $1 }
        let expected = [0.02, 0.03, 0.045, 0.0675, 0.10125, 0.151875, 0.2278125, 0.34171875, 0.5, 0.5, 0.5, 0.5]
        #expect(drive.attempts.first == 1000)
        #expect(waits.count == expected.count)
        #expect(zip(waits, expected).allSatisfy { near($0, $1) }, "\(waits)")
        #expect(Reconnection.delay(afterFailures: 100) == 0.5)
    }

    @Test func aReconnectionQuickerThanHalfASecondShowsNoStatusLine() {
        var drive = Drive(limit: 30)
        // Attempts at 0, 20, 50, 95, 163, 264, 416 ms: the seventh succeeds.
        _ = drive.run(succeedsAt: 6)
        #expect(drive.now - 1000 < 0.5)
        #expect(drive.statusAt.isEmpty)
        #expect(!drive.plan.statusShown)
    }

    @Test func aSlowerOneShowsItOnceAtHalfASecondExactly() {
        var drive = Drive(limit: 30)
        _ = drive.run(succeedsAt: 9)
        #expect(drive.statusAt.count == 1, "shown once")
        #expect(near(drive.statusAt.first, 1000.5), "when 500 ms have passed, not at the next attempt")
    }

    @Test func itGivesUpAfterALastAttemptAtTheLimit() {
        var drive = Drive(limit: 3)
        #expect(drive.run() == .giveUp)
        #expect(near(drive.attempts.last, 1003), "the last attempt is at the limit, not after it")
        #expect(drive.attempts.allSatisfy { $0 <= 1003 + 1e-9 })
        #expect(near(drive.now, 1003))
        #expect(drive.statusAt.count == 1 && near(drive.statusAt.first, 1000.5))
        // At 0 s, then after waits of 20 to 342 ms (at 0.985 s), then every 500 ms (2.985 s), then
        // one at 3 s.
        #expect(drive.attempts.count == 14)
        #expect(near(drive.attempts[12], 1002.98515625))
    }

    @Test func anAttemptUnderWayHasUntilTheLimitToBeAnswered() {
        var plan = Reconnection(now: 0, limit: 2)
        #expect(plan.next(now: 0) == .connect)
        // The server accepted but has not answered yet (a restarting one): no new attempt starts.
        #expect(isWait(plan.next(now: 0.1), 0.4), "until the status line is due")
        #expect(plan.next(now: 0.5) == .showStatus)
        #expect(isWait(plan.next(now: 0.5), 1.5), "then until the limit")
        #expect(isWait(plan.next(now: 1.9), 0.1))
        #expect(plan.next(now: 2) == .giveUp)
    }

    @Test func anAttemptThatFailsJustBeforeTheLimitIsFollowedByOneAtTheLimit() {
        var plan = Reconnection(now: 0, limit: 1)
        #expect(plan.next(now: 0) == .connect)
        plan.attemptFailed(now: 0.99)
        #expect(plan.next(now: 0.99) == .showStatus)
        #expect(isWait(plan.next(now: 0.99), 0.01), "not 20 ms: the limit comes first")
        #expect(plan.next(now: 1) == .connect)
        plan.attemptFailed(now: 1.2)
        #expect(plan.next(now: 1.2) == .giveUp)
    }
}
