// The terminfo entry in terminfo/ compiles with the system's tic and reads back with infocmp.

import Glibc
import Testing

/// The repository's root, found from this file's path.
func repositoryRoot(file: String = #filePath) -> String {
    var path = file
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}

@Suite struct TerminfoTests {
    @Test func entryCompilesAndReadsBack() throws {
        var template = Array("/tmp/mux-terminfo-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else { throw POSIXFailure(what: "mkdtemp") }
        let directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        defer { _ = try? runProgram(["/bin/rm", "-rf", directory]) }

        let compile = try runProgram([
            "/usr/bin/tic", "-x", "-o", directory, repositoryRoot() + "/terminfo/mux.terminfo",
        ])
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
