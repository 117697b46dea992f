// Starting a helper program with posix_spawn (the server from a client, `tic` from the server,
// mux and tmux from `mux bench`): nothing of ours runs between fork and exec, every signal starts
// at its default, and the descriptors it gets are named. A program in a PTY is started by the C
// shim instead (MuxPTY's `PTYProcess.spawn`).

import Glibc

/// What a started program finds on one of its descriptors.
public enum ChildDescriptor: Sendable, Equatable {
    /// /dev/null: for reading on 0, for writing on any other.
    case null
    /// A duplicate of this descriptor of ours.
    case duplicate(Int32)
    /// The file at this path, opened with these `open` flags.
    case file(String, flags: Int32)

    var isDuplicate: Bool {
        if case .duplicate = self { return true }
        return false
    }
}

// From spawn.h. Swift's Glibc module hides POSIX_SPAWN_SETSID without _GNU_SOURCE.
private let spawnSetSignalDefaults: Int16 = 0x04
private let spawnSetSignalMask: Int16 = 0x08
private let spawnSetSID: Int16 = 0x80

/// Starts `arguments[0]` (a path: the PATH is not searched) with `arguments`, and returns its pid;
/// reap it with `waitForProcess`.
///
/// - Parameters:
///   - environment: the program's whole environment as `NAME=value`; nil for ours.
///   - descriptors: what the program has on each descriptor named; 0, 1 and 2 get /dev/null
///     unless named. A `.duplicate` source is ours as it was before any was replaced; it must not
///     be the target of another `.duplicate`. Of ours, only these reach the program if the rest
///     are close-on-exec, as ours are.
///   - newSession: puts the program in a session of its own (setsid), away from our terminal and
///     its hang-up, so that it can outlive us.
public func spawnProgram(
    _ arguments: [String], environment: [String]? = nil, descriptors: [Int32: ChildDescriptor] = [:],
    newSession: Bool = false
) throws(SystemError) -> pid_t {
    precondition(!arguments.isEmpty, "no program to start")
    var plan = descriptors
    for standard: Int32 in 0...2 where plan[standard] == nil { plan[standard] = .null }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // Duplicates first, so that a source among 0...2 (ours can be closed when we start) is taken
    // before /dev/null replaces it.
    let duplicatesFirst = plan.sorted {
        ($0.value.isDuplicate ? 0 : 1, $0.key) < ($1.value.isDuplicate ? 0 : 1, $1.key)
    }
    for (target, source) in duplicatesFirst {
        switch source {
        case .null:
            posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
        case .duplicate(let descriptor):
            precondition(
                descriptor == target || !(plan[descriptor]?.isDuplicate ?? false),
                "descriptor \(descriptor) is replaced by another duplicate")
            posix_spawn_file_actions_adddup2(&actions, descriptor, target)
        case .file(let path, let flags):
            posix_spawn_file_actions_addopen(&actions, target, path, flags, 0o600)
        }
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // A program must not inherit what this process blocks or ignores (the server blocks its stop
    // signals for all threads but one; NIO ignores SIGPIPE).
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(
        &attributes, spawnSetSignalMask | spawnSetSignalDefaults | (newSession ? spawnSetSID : 0))
    let cArguments = arguments.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    let cEnvironment = environment.map { $0.map { strdup($0) } + [nil] }
    defer { for entry in cEnvironment ?? [] { free(entry) } }
    var pid: pid_t = 0
    let rc =
        if let cEnvironment {
            posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, cEnvironment)
        } else {
            posix_spawn(&pid, arguments[0], &actions, &attributes, cArguments, environ)
        }
    guard rc == 0 else { throw SystemError("spawn", errorNumber: rc) }
    return pid
}

/// Blocks until process `pid` (a child of ours) ends, reaps it and returns its wait status.
public func waitForProcess(_ pid: pid_t) throws(SystemError) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        if errno != EINTR { throw SystemError("wait for process \(pid)") }
    }
    return status
}
