// Commands whose machinery has not been built yet say so and fail; none pretends to work.

import ArgumentParser

/// The error a not-yet-built command exits with.
struct NotAvailable: Error, CustomStringConvertible {
    let command: String
    let arrivesWith: String
    var description: String { "mux \(command): not available yet (arrives with \(arrivesWith))" }
}

/// A command that exists in the tree and in --help, and fails clearly when run.
protocol PlannedCommand: ParsableCommand {
    static var arrivesWith: String { get }
}

extension PlannedCommand {
    func run() throws {
        throw NotAvailable(command: Self.configuration.commandName ?? "", arrivesWith: Self.arrivesWith)
    }
}
