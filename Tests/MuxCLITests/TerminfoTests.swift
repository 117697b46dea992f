// The terminfo entry the server installs compiles with the system's tic and reads back with infocmp.

import Glibc
import Testing

@Suite struct TerminfoTests {
    @Test func entryCompilesAndReadsBack() throws {
        var template = Array("/tmp/mux-terminfo-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw POSIXFailure(what: "mkdtemp") }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { _ = try? runProgram(["/bin/rm", "-rf", directory]) }

        let source = try runMux(["server", "terminfo"])
        #expect(source.status == 0)
        let file = try TemporaryFile(contents: Array(source.stdout.utf8))
        let compile = try runProgram(["/usr/bin/tic", "-x", "-o", directory, file.path])
        #expect(compile.status == 0, "tic: \(compile.stderr)")
        #expect(compile.stderr.isEmpty, "tic warned: \(compile.stderr)")

        let read = try runProgram([
            "/usr/bin/env", "TERMINFO_DIRS=\(directory)", "/usr/bin/infocmp", "-x", "mux-256color",
        ])
        #expect(read.status == 0, "infocmp: \(read.stderr)")
        #expect(read.stdout.contains("mux-256color|"))
        // Capabilities programs rely on to pick truecolor, styled underlines and bracketed paste.
        for capability in ["colors#0x100", "RGB", "Smulx=", "BE=", "smcup=\\E[?1049h", "Sync="] {
            #expect(read.stdout.contains(capability), "missing \(capability)")
        }
    }
}
