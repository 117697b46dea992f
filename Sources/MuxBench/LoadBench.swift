// The load section of `mux bench` (docs/benchmarks.md, "Load"): many sessions, each with a holder
// and two observers attached in real PTYs, half of them printing bursts, and the echo of a key
// typed into a quiet one, for mux (and a baseline mux) and for tmux in one run, each on a server
// of its own: echo percentiles, the server's peak RSS and CPU time, clients lost, and, for mux,
// whether every client of a bursty session received every byte or was resynced.

import Glibc
import MuxClient
import MuxPTY
import MuxProtocol
import MuxSystem

/// What one system did under the load.
public struct LoadFigures: Sendable {
    public var system: String
    public var sessions: Int
    /// Seconds of measurement (after the clients attached and the bursts began).
    public var seconds: Double
    /// Keystroke to echo on the holder's terminal, in the quiet sessions.
    public var echo: LatencyFigures
    public var serverPeakRSS: Int
    /// The server's CPU seconds (user, system) during the measurement.
    public var serverUser: Double
    public var serverSystem: Double
    /// The attached clients' CPU seconds, all together, during the measurement.
    public var clientsCPU: Double
    /// Clients whose process ended or that the server no longer had, from the same connection.
    public var disconnected: Int
    /// Bursts each bursty session wrote, and the bytes its program wrote in all.
    public var bursts: Int
    public var burstBytes: Int
    /// mux only: clients of bursty sessions that received at least `burstBytes`, that the server
    /// resynced (so they skipped output, as an observer that falls behind does), and that did
    /// neither (a loss: must be 0). Nil for tmux, which renders instead of passing bytes on.
    public var complete: Int?
    public var resynced: Int?
    public var short: Int?
    /// Whether every bursty session wrote all its bursts before the bench stopped waiting.
    public var burstsFinished: Bool
}

extension BenchEnvironment {
    /// One burst: the bytes of `seq 1 20000` as a terminal passes them on (CR LF line ends).
    static let burstBytes: Int = (1...20000).reduce(0) { $0 + String($1).utf8.count + 2 }

    /// Runs the load against mux, the baseline mux (when there is one) and tmux (when installed),
    /// one after the other, `seconds` of measurement each.
    public func load(sessions: Int, seconds: Double) throws -> [LoadFigures] {
        var figures = [try load(.mux(mux, socket), sessions: sessions, seconds: seconds)]
        if let baseline {
            figures.append(try load(.baseline(baseline, baselineSocket), sessions: sessions, seconds: seconds))
        }
        if tmux != nil { figures.append(try load(.tmux, sessions: sessions, seconds: seconds)) }
        return figures
    }

    enum LoadSystem {
        case mux(String, String)
        case baseline(String, String)
        case tmux

        var name: String {
            switch self {
            case .mux: "mux"
            case .baseline: "baseline"
            case .tmux: "tmux"
            }
        }
    }

    /// A session of the load: its name, whether it bursts, and its three clients' terminals.
    private struct LoadSession {
        let name: String
        let bursty: Bool
        var clients: [(id: String, terminal: PTYProcess, drained: Int?)] = []
    }

    private func load(_ system: LoadSystem, sessions count: Int, seconds: Double) throws -> LoadFigures {
        let burstCount = max(1, Int((seconds / 0.5).rounded(.up)))
        // The bursts wait for a key, so that they start once every client is attached; the quiet
        // sessions echo each key at once (raw mode: no line discipline in the way).
        let bursty =
            "read go; i=0; while [ $i -lt \(burstCount) ]; do seq 1 20000; sleep 0.5; i=$((i+1)); done; "
            + "echo LOAD-DONE; exec sleep 1000000"
        let quiet = "stty raw -echo; exec cat"
        let measured = min(3, count - count / 2)
        var loadSessions = (0..<count).map { LoadSession(name: "load-\($0)", bursty: $0 < count / 2) }
        let label = system.name
        try? writeAll(2, "mux bench: load: \(count) sessions on \(label), \(count * 3) clients\n")

        let drainer = try Drainer()
        defer { drainer.stop() }
        let watcher: ServerConnection?
        let serverPID: pid_t
        switch system {
        case .mux(let binary, let socket), .baseline(let binary, let socket):
            let connection = try ServerConnection.open(
                socket: socket, identity: ClientIdentity(role: .observer, columns: columns, rows: rows), start: false)
            _ = try connection.identify()
            watcher = connection
            serverPID = pid_t(connection.serverPID)
            for session in loadSessions {
                try runQuietly([
                    binary, "new", "-d", "-s", session.name, "--socket", socket, "--", "/bin/sh", "-c",
                    session.bursty ? bursty : quiet,
                ])
            }
            for index in loadSessions.indices {
                let name = loadSessions[index].name
                for (suffix, role) in [("h", []), ("o1", ["--observe"]), ("o2", ["--observe"])] {
                    let id = "\(name)-\(suffix)"
                    let terminal = try self.terminal(
                        [binary, "attach", name, "--socket", socket, "--client", id] + role)
                    loadSessions[index].clients.append((id, terminal, nil))
                }
            }
        case .tmux:
            watcher = nil
            for session in loadSessions {
                try runQuietly(
                    tmuxCommand([
                        "new-session", "-d", "-s", session.name, "-x", "\(columns)", "-y", "\(rows)",
                        "/bin/sh -c '\(session.bursty ? bursty : quiet)'",
                    ]))
            }
            guard let pid = pid_t(try output(tmuxCommand(["display-message", "-p", "#{pid}"])).filter(\.isNumber))
            else { throw BenchError("cannot find the tmux server's pid") }
            serverPID = pid
            for index in loadSessions.indices {
                for suffix in ["h", "o1", "o2"] {
                    let terminal = try self.terminal(tmuxCommand(["attach-session", "-t", loadSessions[index].name]))
                    loadSessions[index].clients.append(("\(loadSessions[index].name)-\(suffix)", terminal, nil))
                }
            }
        }
        defer {
            for session in loadSessions {
                for client in session.clients { try? client.terminal.signal(SIGKILL) }
            }
            for session in loadSessions {
                switch system {
                case .mux(let binary, let socket), .baseline(let binary, let socket):
                    _ = try? runQuietly([binary, "kill", session.name, "--socket", socket, "--signal", "KILL"])
                case .tmux:
                    _ = try? runQuietly(tmuxCommand(["kill-session", "-t", session.name]))
                }
            }
            for session in loadSessions {
                for client in session.clients {
                    _ = try? client.terminal.waitForExit()
                    client.terminal.close()
                }
            }
        }
        // Every terminal is drained but the holders of the measured quiet sessions, which the
        // echo measurement reads itself.
        let measuredSessions = Array(loadSessions.indices.filter { !loadSessions[$0].bursty }.prefix(measured))
        for index in loadSessions.indices {
            for client in loadSessions[index].clients.indices {
                if client == 0 && measuredSessions.contains(index) { continue }
                loadSessions[index].clients[client].drained = drainer.add(
                    loadSessions[index].clients[client].terminal.masterDescriptor)
            }
        }
        let attachedIDs = Set(loadSessions.flatMap { $0.clients.map(\.id) })
        try waitFor("\(count * 3) clients to attach", timeout: 120, every: 100_000) {
            switch system {
            case .mux, .baseline:
                guard case .serverStatus(let status) = try watcher!.request(.status) else { return false }
                return attachedIDs.isSubset(of: status.clients.map(\.clientID))
            case .tmux:
                return try output(tmuxCommand(["list-clients"])).split(separator: "\n").count >= count * 3
            }
        }
        for index in measuredSessions { try settle(loadSessions[index].clients[0].terminal) }

        // Measure: the bursts start, and keys are typed one at a time into the measured sessions.
        let clientPIDs = loadSessions.flatMap { $0.clients.map(\.terminal.pid) }
        let cpuBefore = cpuSeconds(of: serverPID)
        let clientsBefore = clientPIDs.compactMap { cpuSeconds(of: $0) }.reduce(0) { $0 + $1.user + $1.system }
        for session in loadSessions where session.bursty { try session.clients[0].terminal.write([0x0d]) }
        let start = MonotonicClock.seconds()
        var peak = residentBytes(of: serverPID) ?? 0
        var lastSample = start
        var samples: [Double] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while MonotonicClock.seconds() - start < seconds {
            let holder = loadSessions[measuredSessions[samples.count % measuredSessions.count]].clients[0].terminal
            let key = UInt8(ascii: "a") + UInt8(samples.count % 26)
            samples.append(
                try typeAndTimeEcho(
                    key, echo: key, on: holder, within: 10, buffer: &buffer,
                    what: "\(label): the measured holder's terminal"))
            let now = MonotonicClock.seconds()
            if now - lastSample >= 0.1 {
                peak = max(peak, residentBytes(of: serverPID) ?? 0)
                lastSample = now
            }
            // 10 to 30 ms between keys, spread over the bursts' cycle.
            usleep(useconds_t(10_000 + (samples.count * 7919) % 20_000))
        }
        let elapsed = MonotonicClock.seconds() - start
        let cpuAfter = cpuSeconds(of: serverPID)
        let clientsAfter = clientPIDs.compactMap { cpuSeconds(of: $0) }.reduce(0) { $0 + $1.user + $1.system }
        peak = max(peak, residentBytes(of: serverPID) ?? 0)

        // The rest of the bursts, then what is still on its way to the terminals.
        let finished =
            (try? waitFor("the bursts to end", timeout: max(30, seconds), every: 200_000) {
                try loadSessions.filter(\.bursty).allSatisfy { session in
                    switch system {
                    case .mux, .baseline: try capture(watcher!, session.name).contains("LOAD-DONE")
                    case .tmux:
                        try output(tmuxCommand(["capture-pane", "-p", "-t", session.name])).contains("LOAD-DONE")
                    }
                }
            }) != nil
        var delivered = drainer.allDelivered
        var quietSince = MonotonicClock.seconds()
        while MonotonicClock.seconds() - quietSince < 0.5 {
            usleep(100_000)
            let now = drainer.allDelivered
            if now != delivered { (delivered, quietSince) = (now, MonotonicClock.seconds()) }
        }
        peak = max(peak, residentBytes(of: serverPID) ?? 0)

        // Lost clients: a client process that ended, or (mux) a client the server no longer has.
        var disconnected = loadSessions.reduce(0) { sum, session in
            sum + session.clients.filter { (try? $0.terminal.pollExit()) != nil }.count
        }
        var figures = LoadFigures(
            system: label, sessions: count, seconds: elapsed, echo: LatencyFigures(samples: samples),
            serverPeakRSS: peak, serverUser: (cpuAfter?.user ?? 0) - (cpuBefore?.user ?? 0),
            serverSystem: (cpuAfter?.system ?? 0) - (cpuBefore?.system ?? 0), clientsCPU: clientsAfter - clientsBefore,
            disconnected: 0, bursts: burstCount, burstBytes: burstCount * Self.burstBytes, burstsFinished: finished)
        switch system {
        case .mux, .baseline:
            guard case .serverStatus(let status) = try watcher!.request(.status) else {
                throw BenchError("\(label): no server status")
            }
            let byID = Dictionary(status.clients.map { ($0.clientID, $0) }, uniquingKeysWith: { first, _ in first })
            disconnected = max(disconnected, attachedIDs.filter { byID[$0] == nil }.count)
            var (complete, resynced, short) = (0, 0, 0)
            for session in loadSessions where session.bursty {
                for client in session.clients {
                    guard let index = client.drained else { continue }
                    if delivered[index] >= figures.burstBytes {
                        complete += 1
                    } else if (byID[client.id]?.resyncs ?? 0) > 0 {
                        resynced += 1
                    } else {
                        short += 1
                    }
                }
            }
            (figures.complete, figures.resynced, figures.short) = (complete, resynced, short)
        case .tmux:
            let listed = try output(tmuxCommand(["list-clients"])).split(separator: "\n").count
            disconnected = max(disconnected, count * 3 - listed)
        }
        figures.disconnected = disconnected
        return figures
    }
}
