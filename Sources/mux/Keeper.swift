// `mux keeper`: the process that holds every program and supervises the server (docs/lifecycle.md).
// Hidden: the commands that start a server start it. Also hidden, `mux keeper-stand-in`: a server
// that only hands its link and readiness descriptors to a test, which then plays the server.

import ArgumentParser
import CPTYShim
import Glibc
import MuxKeeper
import MuxSystem

struct Keeper: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper",
        abstract: "Hold the sessions' programs and supervise the server (started by the commands that start a server).",
        shouldDisplay: false)

    @Option(help: "The server's socket; the keeper logs to its .log.") var socket: String
    @Option(help: "Pass the first server's readiness line on to this descriptor.") var readyFd: Int32 = -1
    @Option(help: "Seconds a server started by a restart has to be ready.") var restartTimeout: Double = 20
    @Option(help: ArgumentHelp("Resume from a re-executed keeper's table.", visibility: .private)) var resume: Int32 =
        -1
    @Argument(parsing: .postTerminator, help: "The server's command line.") var serverArguments: [String] = []

    func validate() throws {
        guard !serverArguments.isEmpty else { throw ValidationError("no server command line after --") }
        guard restartTimeout > 0 else { throw ValidationError("--restart-timeout must be positive") }
    }

    func run() throws {
        var configuration = KeeperConfiguration(socketPath: socket, serverArguments: serverArguments)
        configuration.readyDescriptor = readyFd
        configuration.restartTimeout = restartTimeout
        configuration.resumeDescriptor = resume
        MuxKeeper.Keeper.run(configuration)
    }
}

struct KeeperStandIn: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keeper-stand-in",
        abstract: "A server for the keeper's tests: hands its descriptors over a socket and waits.",
        discussion: """
            Connects to --hand-to, sends its pid (4 bytes, little-endian) with the --keeper-fd and \
            --ready-fd descriptors, closes its own, then exits with the status in the first byte \
            it reads back (0 at end of stream).
            """,
        shouldDisplay: false)

    @Option(help: "The Unix socket of the test that plays the server.") var handTo: String
    @Option(help: "The keeper link.") var keeperFd: Int32
    @Option(help: "The readiness pipe.") var readyFd: Int32

    func run() throws {
        let connection = try UnixSocket.connect(to: handTo)
        var pid = UInt32(getpid()).littleEndian
        let descriptors = [keeperFd, readyFd]
        let code = withUnsafeBytes(of: &pid) { raw in
            descriptors.withUnsafeBufferPointer { mux_send_with_fds(connection, raw.baseAddress, 4, $0.baseAddress, 2) }
        }
        guard code == 0 else { throw SystemError("hand the descriptors over", errorNumber: code) }
        close(keeperFd)
        close(readyFd)
        var byte: UInt8 = 0
        while true {
            let n = read(connection, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            Glibc.exit(n == 1 ? Int32(byte) : 0)
        }
    }
}
