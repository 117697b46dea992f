// Installing the `mux-256color` entry: the source is written beside the socket and compiled
// with the system's `tic`, so sessions can use it through TERMINFO_DIRS.

import Glibc

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
        var text = TerminfoSource.text
        let written = text.withUTF8 { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == TerminfoSource.text.utf8.count else { return .failure("cannot write \(source)") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for target: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = [tic, "-x", "-o", directory, source]
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for arg in cArgs { free(arg) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, tic, &actions, nil, cArgs, environ) == 0 else {
            return .failure("cannot run \(tic)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status == 0 ? .success : .failure("\(tic) failed on \(source) (status \(status))")
    }
}
