// How a session's summary prints, shared by `mux ls` and `mux status`: one JSON object with the
// same field names in both (docs/cli-json.md), `null` for every absent value; and the words of the
// text forms.

import MuxJSON
import MuxProtocol
import MuxSystem

extension SessionSummary {
    /// `running`, `starting`, or `exited N`.
    var stateText: String {
        switch state {
        case .exited: exitStatus.map { "exited (status \($0))" } ?? "exited"
        case .lost: "lost"
        default: "\(state)"
        }
    }

    /// `waiting-for-input` or `busy` while running and known; nil otherwise.
    var activityText: String? {
        state == .exited || state == .lost ? nil : "\(activity)"
    }

    /// The object docs/cli-json.md describes.
    var json: String {
        func number<T: BinaryInteger>(_ value: T?) -> String { value.map { "\($0)" } ?? "null" }
        func string(_ value: String?) -> String { value.map(jsonString) ?? "null" }
        func seconds(_ milliseconds: UInt64?) -> String {
            guard let milliseconds else { return "null" }
            let fraction = milliseconds % 1000
            return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - "\(fraction)".count) + "\(fraction)"
        }
        let fields: [(String, String)] = [
            ("name", jsonString(name)),
            ("command", jsonString(command)),
            ("pid", number(pid)),
            ("cols", "\(columns)"),
            ("rows", "\(rows)"),
            ("state", jsonString("\(state)")),
            ("exitStatus", number(exitStatus)),
            ("liveness", jsonString("\(liveness)")),
            ("activity", string(activityText)),
            ("foregroundPid", number(foregroundPID)),
            ("foregroundCommand", string(foregroundCommand)),
            ("cwd", string(workingDirectory)),
            ("lastOutput", seconds(lastOutput)),
            ("lastInput", seconds(lastInput)),
            ("title", string(title)),
            ("commandPhase", commandPhase == .unknown ? "null" : jsonString("\(commandPhase)")),
            ("lastCommandStatus", number(lastCommandStatus)),
            ("commandsFinished", "\(commandsFinished)"),
            ("clients", "\(clients)"),
            ("holder", holder.isEmpty ? "null" : jsonString(holder)),
            ("created", "\(created)"),
            (
                "labels",
                "{" + labelPairs.map { "\(jsonString($0.key)):\(jsonString($0.value))" }.joined(separator: ",") + "}"
            ),
            ("restore", restore == .serverDefault ? "null" : jsonString("\(restore)")),
            ("ended", number(ended)),
            ("endReason", string(endReason)),
            ("historyLines", "\(historyLines)"),
            ("historyBytes", "\(historyBytes)"),
        ]
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }

    /// The labels as (key, value), sorted by key.
    var labelPairs: [(key: String, value: String)] {
        labels.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// Whether every `KEY=VALUE` in `filters` is one of the session's labels.
    func hasLabels(_ filters: [String]) -> Bool {
        filters.allSatisfy { labels.contains($0) }
    }

    /// A time in milliseconds since 1970, as a person reads it here, or `-`.
    static func localTime(_ milliseconds: UInt64?) -> String {
        milliseconds.map { Timestamp(secondsSince1970: Int($0 / 1000)).local } ?? "-"
    }
}
