// Starting a server from a command: what the server says on the ready descriptor decides, by
// its kind, whether the starter goes on or shows the user why. And a command that must not start
// one, told by the kind of its error that none runs.

import Glibc
import MuxClient
import MuxProtocol
import Testing

@Suite struct LauncherTests {
    @Test func aStarterThatFindsAServerAlreadyRunningUsesIt() throws {
        // As when two commands race to start one: the second's server finds the first's.
        let server = try TestServer()
        try server.newSession("first", "exec cat")
        let pid = try server.ok(["server", "status", "--json"]).split(separator: ",").first
        try ServerLauncher.start(socket: server.socket, executable: muxBinaryPath())
        #expect(try server.ok(["server", "status", "--json"]).split(separator: ",").first == pid)
        #expect(try server.ok(["ls"]).contains("first"))
    }

    @Test func aServerThatCannotStartSaysWhyInItsOwnWords() throws {
        let server = try TestServer()
        let path = server.directory + "/file.sock"
        close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600))
        #expect {
            try ServerLauncher.start(socket: path, executable: muxBinaryPath())
        } throws: { error in
            "\(error)" == "\(path) exists and is not a socket; not touching it"
        }
    }

    @Test func listingWithNoServerSaysSoAndStartsNone() throws {
        let server = try TestServer()
        let plain = try server.mux(["ls"])
        #expect(plain.status == 1 && plain.stdout == "")
        #expect(plain.stderr == "Error: no server running on \(server.socket)\n")
        let json = try server.mux(["ls", "--json"])
        #expect(json.status == 0 && json.stdout == "[]\n")
        #expect(access(server.socket, F_OK) != 0, "no server was started")
        let status = try server.mux(["server", "status"])
        #expect(status.status == 1 && status.stderr == "Error: no server is running on \(server.socket)\n")
    }
}
