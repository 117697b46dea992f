// The server's pure decisions about its bounds: which history the budget trims, and which session
// names are refused (none may lead out of a directory).

import Testing

@testable import MuxServer

@Suite struct HistoryBudgetTests {
    typealias Entry = HistoryBudget.Entry
    typealias Trim = HistoryBudget.Trim

    @Test func withinTheBudgetNothingIsTrimmed() {
        let budget = HistoryBudget(bytes: 1000)
        #expect(budget.trims([]).isEmpty)
        #expect(budget.trims([Entry(serial: 1, bytes: 600), Entry(serial: 2, bytes: 400)]).isEmpty)
    }

    @Test func theLargestIsTrimmedFirstAndAloneWhenThatIsEnough() {
        let budget = HistoryBudget(bytes: 1000)  // cut to 875
        let trims = budget.trims([
            Entry(serial: 1, bytes: 100), Entry(serial: 2, bytes: 900), Entry(serial: 3, bytes: 100),
        ])
        #expect(trims == [Trim(serial: 2, toBytes: 675)])
    }

    @Test func severalLargeOnesAreCutToOneLevelAndSmallOnesKeepEverything() {
        let budget = HistoryBudget(bytes: 1000)
        let sizes = [
            Entry(serial: 1, bytes: 800), Entry(serial: 2, bytes: 700), Entry(serial: 3, bytes: 50),
            Entry(serial: 4, bytes: 600),
        ]
        let trims = budget.trims(sizes)
        #expect(Set(trims.map(\.serial)) == [1, 2, 4])
        let level = trims[0].toBytes
        #expect(trims.allSatisfy { $0.toBytes == level })
        #expect(level >= 50, "never below a session left alone")
        let total = sizes.reduce(0) { sum, entry in
            sum + (trims.contains { $0.serial == entry.serial } ? level : entry.bytes)
        }
        #expect(total <= budget.target)
        #expect(total > budget.target - 3, "no more than needed")
    }

    @Test func aTinyBudgetEmptiesEverything() {
        let trims = HistoryBudget(bytes: 0).trims([Entry(serial: 1, bytes: 10), Entry(serial: 2, bytes: 20)])
        #expect(trims.count == 2 && trims.allSatisfy { $0.toBytes == 0 })
    }
}

@Suite struct SessionNameTests {
    @Test(arguments: [
        "../x", "a/b", "/etc", ".", "..", ".hidden", "-x", "", "a b", "a\u{1b}[2J", "é",
        String(repeating: "a", count: 65),
    ])
    func namesThatCouldLeaveADirectoryOrActOnATerminalAreRefused(name: String) {
        #expect(!SessionName.isValid(name))
    }

    @Test(arguments: ["0", "work", "build-2", "a.b", "x_y", "a..b", String(repeating: "a", count: 64)])
    func ordinaryNamesAreAccepted(name: String) {
        #expect(SessionName.isValid(name))
    }
}
