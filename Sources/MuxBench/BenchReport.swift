// The figures of one `mux bench` run as a table for people, JSON for programs, Markdown for the
// docs, and an SVG chart of the throughput ratios.

public struct BenchReport: Sendable {
    public var throughput: [ThroughputRow] = []
    public var muxInterrupt: LatencyFigures?
    public var tmuxInterrupt: LatencyFigures?
    public var attach: [(lines: Int, seconds: Double)] = []
    public var floodBytes = 0
    public var floodMemory: (before: Int, peak: Int)?
    public var memoryPerTenThousandLines: Int?
    public var rawEcho: LatencyFigures?
    public var muxEcho: LatencyFigures?
    public var tmuxEcho: LatencyFigures?
    public var muxRoundTrip: Double?
    public var tmuxRoundTrip: Double?
    /// The load section: mux, the baseline when there is one, and tmux, in that order.
    public var load: [LoadFigures] = []
    /// The runaway section: mux, then tmux.
    public var runaway: [RunawayFigures] = []

    public init() {}

    private func mbps(_ bytes: Int, _ seconds: Double?) -> String {
        seconds.map { fixed(Double(bytes) / $0 / 1e6, 0) } ?? "-"
    }
    private func ms(_ seconds: Double?) -> String { seconds.map { fixed($0 * 1000, 2) } ?? "-" }
    private func ratio(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, b > 0 else { return "-" }
        return fixed(a / b, 2)
    }
    private func ratio(_ value: Double?) -> String { value.map { fixed($0, 2) } ?? "-" }

    /// The rows of the report's tables, shared by the text and Markdown forms.
    private var sections: [(title: String, header: [String], rows: [[String]])] {
        var result: [(String, [String], [[String]])] = []
        if !throughput.isEmpty {
            let withBaseline = throughput.contains { !$0.baselineRuns.isEmpty }
            result.append(
                (
                    "Throughput (MB/s, median of the clean repeats; time ratios, median of each repeat's: "
                        + "mux/floor lower is better, tmux/mux and baseline/mux higher is better)",
                    [
                        "workload", "MB", "clean runs", "floor", "mux", "tmux", "mux/floor", "tmux/mux",
                        "server user s", "server sys s",
                    ] + (withBaseline ? ["baseline", "baseline/mux"] : []),
                    throughput.map { row in
                        [
                            row.workload, "\(row.bytes / 1_000_000)", cleanRuns(row),
                            mbps(row.bytes, row.floor), mbps(row.bytes, row.mux),
                            mbps(row.bytes, row.tmux), ratio(row.muxOverFloor),
                            ratio(row.tmuxOverMux),
                            row.serverUser.map { fixed($0, 2) } ?? "-", row.serverSystem.map { fixed($0, 2) } ?? "-",
                        ] + (withBaseline ? [mbps(row.bytes, row.baseline), ratio(row.baselineOverMux)] : [])
                    }
                ))
        }
        var latency: [[String]] = []
        if let muxInterrupt {
            latency.append([
                "interrupt under flood, stalled observer", ms(muxInterrupt.p50), ms(muxInterrupt.p99),
                ms(tmuxInterrupt?.p50), ms(tmuxInterrupt?.p99), ms(nil), "\(muxInterrupt.samples.count) trials",
            ])
        }
        if let muxEcho {
            latency.append([
                "keystroke echo", ms(muxEcho.p50), ms(muxEcho.p99), ms(tmuxEcho?.p50), ms(tmuxEcho?.p99),
                ms(rawEcho?.p50), "\(muxEcho.samples.count) keys",
            ])
        }
        if let muxRoundTrip {
            latency.append([
                "CLI round trip (ls)", ms(muxRoundTrip), "-", ms(tmuxRoundTrip), "-", "-",
                "ratio \(ratio(muxRoundTrip, tmuxRoundTrip))",
            ])
        }
        if !latency.isEmpty {
            result.append(
                (
                    "Latency (ms)", ["what", "mux p50", "mux p99", "tmux p50", "tmux p99", "raw PTY p50", "note"],
                    latency
                ))
        }
        if !attach.isEmpty {
            result.append(
                (
                    "Attach: until the whole snapshot has arrived", ["history lines", "ms (median)"],
                    attach.map { ["\($0.lines)", ms($0.seconds)] }
                ))
        }
        var memory: [[String]] = []
        if let floodMemory {
            memory.append(["server RSS before the flood", mib(floodMemory.before)])
            memory.append([
                "server RSS growth over \(floodBytes / 1_000_000) MB with a stalled observer",
                mib(floodMemory.peak - floodMemory.before),
            ])
        }
        if let memoryPerTenThousandLines {
            memory.append(["server RSS per 10,000 lines of scrollback", mib(memoryPerTenThousandLines)])
        }
        if !memory.isEmpty { result.append(("Memory (MiB)", ["what", "MiB"], memory)) }
        if let first = load.first {
            let tmux = load.first { $0.system == "tmux" }
            result.append(
                (
                    "Load: \(first.sessions) sessions × 3 clients, half bursty (seq 1 20000 every 0.5 s); "
                        + "keystroke echo in a quiet session (ms; /tmux: lower is better)",
                    [
                        "system", "seconds", "keys", "echo p50", "echo p99", "echo max", "p50/tmux", "p99/tmux",
                        "server peak RSS MiB", "server CPU s (user+sys)", "clients CPU s", "disconnected",
                        "bursty clients complete/resynced/short",
                    ],
                    load.map { figures in
                        [
                            figures.system, fixed(figures.seconds, 1), "\(figures.echo.samples.count)",
                            ms(figures.echo.p50), ms(figures.echo.p99), ms(figures.echo.samples.max()),
                            figures.system == "tmux" ? "-" : ratio(figures.echo.p50, tmux?.echo.p50),
                            figures.system == "tmux" ? "-" : ratio(figures.echo.p99, tmux?.echo.p99),
                            mib(figures.serverPeakRSS),
                            "\(fixed(figures.serverUser + figures.serverSystem, 2)) (\(fixed(figures.serverUser, 2))+\(fixed(figures.serverSystem, 2)))",
                            fixed(figures.clientsCPU, 2), "\(figures.disconnected)",
                            (figures.complete.map { "\($0)/\(figures.resynced ?? 0)/\(figures.short ?? 0)" } ?? "-")
                                + (figures.burstsFinished ? "" : " (bursts unfinished)"),
                        ]
                    }
                ))
        }
        if let first = runaway.first, let end = first.samples.last {
            let quarters = [0.0, 0.25, 0.5, 0.75, 1.0]
            result.append(
                (
                    "Runaway output: \(first.rate) bytes/s of coloured lines for \(fixed(end.seconds, 0)) s, one "
                        + "attached holder; server RSS (MiB) as it goes, flat once the history is full",
                    ["system", "history bound", "written MB", "delivered MB"]
                        + quarters.map { "RSS at \(Int($0 * 100)) %" } + [
                            "history MiB at the end", "RSS growth, 2nd half",
                        ],
                    runaway.map { figures in
                        [figures.system, figures.bound, fixed(Double(figures.written) / 1e6, 1)]
                            + [figures.delivered.map { fixed(Double($0) / 1e6, 1) } ?? "-"]
                            + quarters.map { figures.sample(at: $0).map { mib($0.serverRSS) } ?? "-" }
                            + [figures.samples.last?.historyBytes.map(mib) ?? "-", mib(figures.secondHalfGrowth)]
                    }
                ))
        }
        return result
    }

    /// Aligned columns for a terminal.
    public func table() -> String {
        var text = ""
        for section in sections {
            text += "\n\(section.title)\n"
            let all = [section.header] + section.rows
            let widths = section.header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
            for (index, row) in all.enumerated() {
                text +=
                    row.enumerated().map { column, cell in
                        column == 0
                            ? cell + String(repeating: " ", count: widths[column] - cell.count)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
                    }.joined(separator: "  ") + "\n"
                if index == 0 {
                    text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
                }
            }
        }
        return text
    }

    public func markdown() -> String {
        var text = "# mux bench\n"
        for section in sections {
            text += "\n## \(section.title)\n\n"
            text += "| " + section.header.joined(separator: " | ") + " |\n"
            text += "|" + section.header.map { _ in " --- |" }.joined() + "\n"
            for row in section.rows { text += "| " + row.joined(separator: " | ") + " |\n" }
        }
        return text
    }

    public func json() -> String {
        func number(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "null" }
            return fixed(value, 6)
        }
        func list(_ values: [Double]) -> String { values.map { number($0) }.joined(separator: ",") }
        func latency(_ figures: LatencyFigures?) -> String {
            guard let figures else { return "null" }
            return "{\"p50\":\(number(figures.p50)),\"p99\":\(number(figures.p99)),\"trials\":\(figures.samples.count)}"
        }
        var parts: [String] = []
        parts.append(
            "\"throughput\":["
                + throughput.map { row in
                    "{\"workload\":\"\(row.workload)\",\"bytes\":\(row.bytes),\"floorSeconds\":\(number(row.floor)),"
                        + "\"muxSeconds\":\(number(row.mux)),\"tmuxSeconds\":\(number(row.tmux)),"
                        + "\"muxOverFloor\":\(number(row.muxOverFloor)),\"tmuxOverMux\":\(number(row.tmuxOverMux)),"
                        + "\"floorRuns\":[\(list(row.floorRuns))],\"muxRuns\":[\(list(row.muxRuns))],"
                        + "\"tmuxRuns\":[\(list(row.tmuxRuns))],"
                        + "\"floorDelivered\":\(row.floorDelivered),\"muxDelivered\":\(row.muxDelivered),"
                        + "\"muxResyncs\":\(row.muxResyncs),\"cleanRepeats\":\(row.cleanRepeats.count),"
                        + "\"baselineRuns\":[\(list(row.baselineRuns))],\"baselineDelivered\":\(row.baselineDelivered),"
                        + "\"baselineResyncs\":\(row.baselineResyncs),\"baselineOverMux\":\(number(row.baselineOverMux)),"
                        + "\"serverUserSeconds\":\(number(row.serverUser)),\"serverSystemSeconds\":\(number(row.serverSystem))}"
                }.joined(separator: ",") + "]")
        parts.append("\"interrupt\":{\"mux\":\(latency(muxInterrupt)),\"tmux\":\(latency(tmuxInterrupt))}")
        parts.append("\"echo\":{\"raw\":\(latency(rawEcho)),\"mux\":\(latency(muxEcho)),\"tmux\":\(latency(tmuxEcho))}")
        parts.append(
            "\"attach\":["
                + attach.map { "{\"historyLines\":\($0.lines),\"seconds\":\(number($0.seconds))}" }
                .joined(separator: ",") + "]")
        let flood =
            floodMemory.map {
                "{\"bytes\":\(floodBytes),\"rssBefore\":\($0.before),\"rssPeak\":\($0.peak),\"growth\":\($0.peak - $0.before)}"
            } ?? "null"
        parts.append(
            "\"memory\":{\"flood\":\(flood),\"perTenThousandLines\":\(memoryPerTenThousandLines.map(String.init) ?? "null")}"
        )
        parts.append(
            "\"load\":["
                + load.map { figures in
                    "{\"system\":\"\(figures.system)\",\"sessions\":\(figures.sessions),\"seconds\":\(number(figures.seconds)),"
                        + "\"echo\":\(latency(figures.echo)),\"echoMax\":\(number(figures.echo.samples.max())),"
                        + "\"serverPeakRSS\":\(figures.serverPeakRSS),\"serverUserSeconds\":\(number(figures.serverUser)),"
                        + "\"serverSystemSeconds\":\(number(figures.serverSystem)),\"clientsCPUSeconds\":\(number(figures.clientsCPU)),"
                        + "\"disconnected\":\(figures.disconnected),\"bursts\":\(figures.bursts),\"burstBytes\":\(figures.burstBytes),"
                        + "\"burstsFinished\":\(figures.burstsFinished),\"complete\":\(figures.complete.map(String.init) ?? "null"),"
                        + "\"resynced\":\(figures.resynced.map(String.init) ?? "null"),\"short\":\(figures.short.map(String.init) ?? "null")}"
                }.joined(separator: ",") + "]")
        parts.append(
            "\"runaway\":["
                + runaway.map { figures in
                    "{\"system\":\"\(figures.system)\",\"rate\":\(figures.rate),\"written\":\(figures.written),"
                        + "\"delivered\":\(figures.delivered.map(String.init) ?? "null"),\"bound\":\"\(figures.bound)\","
                        + "\"secondHalfGrowth\":\(figures.secondHalfGrowth),\"samples\":["
                        + figures.samples.map { sample in
                            "{\"seconds\":\(number(sample.seconds)),\"serverRSS\":\(sample.serverRSS),"
                                + "\"historyBytes\":\(sample.historyBytes.map(String.init) ?? "null")}"
                        }.joined(separator: ",") + "]}"
                }.joined(separator: ",") + "]")
        parts.append("\"roundTrip\":{\"muxSeconds\":\(number(muxRoundTrip)),\"tmuxSeconds\":\(number(tmuxRoundTrip))}")
        return "{" + parts.joined(separator: ",") + "}\n"
    }

    /// "3/3", or which repeats were not clean and why: "2/3 (not clean: run 2: 1 resync(s), mux got 3.1 of 5.0 MB)".
    private func cleanRuns(_ row: ThroughputRow) -> String {
        let clean = row.cleanRepeats.count
        var text = "\(clean)/\(row.muxRuns.count)"
        let left = row.muxRuns.indices.filter { !row.cleanRepeats.contains($0) }.map { index in
            var why: [String] = []
            if row.muxResyncs[index] > 0 { why.append("\(row.muxResyncs[index]) resync(s)") }
            if !row.baselineResyncs.isEmpty, row.baselineResyncs[index] > 0 {
                why.append("baseline \(row.baselineResyncs[index]) resync(s)")
            }
            var delivered = [("floor", row.floorDelivered[index]), ("mux", row.muxDelivered[index])]
            if !row.baselineDelivered.isEmpty { delivered.append(("baseline", row.baselineDelivered[index])) }
            for (name, got) in delivered where got < row.bytes {
                why.append("\(name) got \(fixed(Double(got) / 1e6, 1)) of \(fixed(Double(row.bytes) / 1e6, 1)) MB")
            }
            return "run \(index + 1): " + why.joined(separator: ", ")
        }
        if !left.isEmpty { text += " (not clean: " + left.joined(separator: "; ") + ")" }
        return text
    }

    /// Horizontal bars: mux's time over the floor's (target 1.4) and tmux's over mux's (target 5).
    public func svg() -> String {
        let rowHeight = 22
        let left = 130
        let scale = 60.0  // pixels per unit of ratio
        var bars = ""
        var y = 40
        for row in throughput {
            guard let overFloor = row.muxOverFloor else { continue }
            bars += "<text x=\"4\" y=\"\(y + 15)\">\(row.workload)</text>"
            bars +=
                "<rect x=\"\(left)\" y=\"\(y + 2)\" width=\"\(Int(overFloor * scale))\" height=\"8\" fill=\"#3b7dd8\"/>"
            bars +=
                "<text x=\"\(left + Int(overFloor * scale) + 4)\" y=\"\(y + 10)\" font-size=\"10\">\(fixed(overFloor, 2))× floor</text>"
            if let faster = row.tmuxOverMux {
                let width = Int(min(faster, 12) * scale / 2)
                bars += "<rect x=\"\(left)\" y=\"\(y + 11)\" width=\"\(width)\" height=\"8\" fill=\"#d8823b\"/>"
                bars +=
                    "<text x=\"\(left + width + 4)\" y=\"\(y + 19)\" font-size=\"10\">tmux takes \(fixed(faster, 1))×</text>"
            }
            y += rowHeight
        }
        let target = left + Int(1.4 * scale)
        let height = y + 20
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="720" height="\(height)" font-family="sans-serif" font-size="12">
            <text x="4" y="16" font-size="14">mux bench: time ratios (blue: mux / floor; orange: tmux / mux, half scale)</text>
            <line x1="\(target)" y1="30" x2="\(target)" y2="\(y)" stroke="#888" stroke-dasharray="4 3"/>
            <text x="\(target + 3)" y="34" font-size="10" fill="#555">1.4× floor</text>
            \(bars)
            </svg>

            """
    }
}

/// `value` with `digits` decimals, without Foundation's formatter.
func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let rounded = (value * scale).rounded() / scale
    var text = "\(rounded)"
    if let dot = text.firstIndex(of: ".") {
        let decimals = text.distance(from: dot, to: text.endIndex) - 1
        if digits == 0 {
            text = String(text[..<dot])
        } else if decimals < digits {
            text += String(repeating: "0", count: digits - decimals)
        }
    }
    return text
}

func mib(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 2) }
