// What the system says about a PTY's program, for `mux ls`/`mux status`: whether a pid is alive,
// and the terminal's foreground process (`tcgetpgrp` on the master) with its command line and
// working directory (/proc/PID/cmdline, /proc/PID/cwd), and whether it is blocked reading the
// terminal (/proc/PID/stat's state and /proc/PID/syscall). Linux only; read on request, never on
// the output path. A read that fails gives "unknown", never a guess.

import Glibc

/// Whether a process exists, as far as the check could tell.
public enum Liveness: UInt8, Equatable, Sendable, CustomStringConvertible {
    /// The check itself failed: never reported as dead.
    case unknown = 0
    case alive, dead

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .alive: "alive"
        case .dead: "dead"
        }
    }

    /// `kill(pid, 0)`: it exists unless the kernel says there is no such process; a zombie (not yet
    /// reaped) is dead.
    public static func of(_ pid: pid_t) -> Liveness {
        guard pid > 0 else { return .unknown }
        if kill(pid, 0) != 0 {
            switch errno {
            case ESRCH: return .dead
            case EPERM: return .alive
            default: return .unknown
            }
        }
        guard let stat = readProcFile(pid, "stat"), let state = ForegroundProcess.state(fromStat: stat) else {
            return .alive
        }
        return state == "Z" || state == "X" ? .dead : .alive
    }
}

/// Whether a terminal's foreground program waits for the user.
public enum Activity: UInt8, Equatable, Sendable, CustomStringConvertible {
    case unknown = 0
    /// Blocked reading the terminal (or waiting in select/poll with the terminal as its input).
    case waitingForInput
    case busy

    public var description: String {
        switch self {
        case .unknown: "unknown"
        case .waitingForInput: "waiting-for-input"
        case .busy: "busy"
        }
    }
}

/// The process leading a terminal's foreground process group.
public struct ForegroundProcess: Equatable, Sendable {
    public var pid: pid_t
    /// Its arguments joined by spaces; nil when /proc could not tell.
    public var command: String?
    public var workingDirectory: String?
    public var activity: Activity

    public init(pid: pid_t, command: String?, workingDirectory: String?, activity: Activity) {
        self.pid = pid
        self.command = command
        self.workingDirectory = workingDirectory
        self.activity = activity
    }

    /// Linux's TIOCGPTN, which Glibc does not export to Swift: the number of a master's pts device.
    private static let askPTYNumber: UInt = 0x8004_5430

    /// The foreground process of the terminal whose master is `master`, or nil when there is none
    /// or the system would not say.
    public static func of(terminal master: Int32) -> ForegroundProcess? {
        guard master >= 0 else { return nil }
        let group = tcgetpgrp(master)
        guard group > 0 else { return nil }
        var number: UInt32 = 0
        let terminal = ioctl(master, askPTYNumber, &number) == 0 ? "/dev/pts/\(number)" : nil
        return read(group, terminal: terminal)
    }

    /// The facts about `pid` (a group leader), its activity judged against the terminal at the
    /// path `terminal`.
    public static func read(_ pid: pid_t, terminal: String?) -> ForegroundProcess {
        let command = readProcFile(pid, "cmdline").map { text in
            text.split(separator: "\0", omittingEmptySubsequences: false).dropLast(text.hasSuffix("\0") ? 1 : 0)
                .joined(separator: " ")
        }
        return ForegroundProcess(
            pid: pid, command: command, workingDirectory: readLink("/proc/\(pid)/cwd"),
            activity: activity(of: pid, terminal: terminal))
    }

    /// Waiting for input when sleeping (`S`) in a read of the terminal, or in select/poll with the
    /// terminal as standard input (readline, editors, REPLs wait so); busy otherwise.
    static func activity(of pid: pid_t, terminal: String?) -> Activity {
        guard let stat = readProcFile(pid, "stat"), let state = state(fromStat: stat) else { return .unknown }
        guard state == "S" else { return .busy }
        guard let text = readProcFile(pid, "syscall"), let terminal else { return .unknown }
        guard let call = syscall(from: text) else { return .busy }  // "running": between calls
        func isTerminal(_ fd: UInt64) -> Bool { readLink("/proc/\(pid)/fd/\(fd)") == terminal }
        if readCalls.contains(call.number), let fd = call.arguments.first {
            return isTerminal(fd) ? .waitingForInput : .busy
        }
        if waitCalls.contains(call.number) { return isTerminal(0) ? .waitingForInput : .busy }
        return .busy
    }

    /// The state letter of a /proc/PID/stat line (after the command name, which may hold spaces
    /// and parentheses).
    public static func state(fromStat text: String) -> Character? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].first { $0 != " " }
    }

    /// /proc/PID/syscall: the call's number and arguments; nil when the process is running (or
    /// the text says nothing else parseable).
    public static func syscall(from text: String) -> (number: Int, arguments: [UInt64])? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let first = fields.first, let number = Int(first), number >= 0 else { return nil }
        let arguments = fields.dropFirst().prefix(6).map { field -> UInt64 in
            UInt64(field.hasPrefix("0x") ? field.dropFirst(2) : field, radix: 16) ?? 0
        }
        return (number, arguments)
    }

    #if arch(x86_64)
        /// read, readv.
        static let readCalls: Set<Int> = [0, 19]
        /// poll, select, epoll_wait, pselect6, ppoll, epoll_pwait.
        static let waitCalls: Set<Int> = [7, 23, 232, 270, 271, 281]
    #else
        /// read, readv (the generic table, as aarch64 uses).
        static let readCalls: Set<Int> = [63, 65]
        /// epoll_pwait, pselect6, ppoll.
        static let waitCalls: Set<Int> = [22, 72, 73]
    #endif
}

/// A small file under /proc/PID/, or nil when it cannot be read.
func readProcFile(_ pid: pid_t, _ name: String) -> String? {
    let fd = open("/proc/\(pid)/\(name)", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 16 {
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n >= 0 else { return nil }
        if n == 0 { break }
        bytes += buffer[..<n]
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Where a symbolic link points, or nil.
func readLink(_ path: String) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink(path, &buffer, buffer.count - 1)
    guard n >= 0 else { return nil }
    return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
