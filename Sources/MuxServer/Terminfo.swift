// Installing the `mux-256color` entry: the source is written beside the socket and compiled
// with the system's `tic`, so sessions can use it through TERMINFO_DIRS.

import Glibc
import MuxSystem

enum Terminfo {
    enum Outcome {
        case success
        case failure(String)
    }

    static func install(into directory: String) -> Outcome {
        let candidates: [String] = ["/usr/bin/tic", "/bin/tic", "/usr/local/bin/tic"]
        guard let tic = candidates.first(where: { access($0, X_OK) == 0 })
        else { return .failure("tic is not installed (apt install ncurses-bin)") }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST {
            return .failure("cannot create \(directory): \(lastError())")
        }
        let source = directory + "/mux.terminfo"
        let fd = open(source, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return .failure("cannot write \(source): \(lastError())") }
        let written = (try? writeAll(fd, TerminfoSource.text)) != nil
        close(fd)
        guard written else { return .failure("cannot write \(source)") }

        let status: Int32
        do {
            status = try waitForProcess(spawnProgram([tic, "-x", "-o", directory, source]))
        } catch {
            return .failure("cannot run \(tic)")
        }
        return status == 0 ? .success : .failure("\(tic) failed on \(source) (status \(status))")
    }
}
