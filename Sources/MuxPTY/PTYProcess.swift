// A program running in its own pseudo-terminal: the master side's descriptor plus the child's pid.
// Spawning happens in the C shim (CPTYShim); this type adds Swift errors and the small set of
// operations a session needs: read, write, resize, signal, reap.

import CPTYShim
import Glibc
import MuxSystem

/// How a child process ended.
public enum ExitStatus: Hashable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// The status a shell would report: the exit code, or 128 + the signal number.
    public var shellStatus: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }

    /// The status `waitpid` gives, decoded.
    public init(waitStatus status: Int32) {
        // The W* macros are not imported into Swift; these are their glibc definitions.
        if status & 0x7f == 0 {
            self = .exited((status >> 8) & 0xff)
        } else {
            self = .signaled(status & 0x7f)
        }
    }
}

/// A program started as a session leader whose controlling terminal is a new PTY.
///
/// The master descriptor belongs to this object until `takeMasterDescriptor()` hands it on (for
/// example to an event loop); `close()` releases it. Reaping is explicit: `waitForExit()` blocks,
/// so call it from a dedicated thread, never from a shared concurrency pool.
public final class PTYProcess: @unchecked Sendable {
    public let pid: pid_t
    private var master: Int32

    private init(pid: pid_t, master: Int32) {
        self.pid = pid
        self.master = master
    }

    /// A program someone else started (the keeper, docs/lifecycle.md): this object owns `master`
    /// from now on. The program is not our child: `waitForExit()` and `pollExit()` do not apply
    /// (its exit comes from whoever reaps it); everything else does.
    public init(adopting pid: pid_t, master: Int32) {
        self.pid = pid
        self.master = master
    }

    deinit {
        if master >= 0 { Glibc.close(master) }
    }

    /// Starts `arguments[0]` with `arguments` in a new PTY of `size`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment as `NAME=value` strings; its `PATH` is the
    ///     one searched when `arguments[0]` has no slash.
    ///   - workingDirectory: the child's directory, or nil to inherit ours.
    public static func spawn(
        _ arguments: [String],
        environment: [String],
        workingDirectory: String? = nil,
        size: TerminalSize
    ) throws(SpawnError) -> PTYProcess {
        guard let program = arguments.first else {
            throw SpawnError(cause: .emptyCommand, errorNumber: 0)
        }
        var fd: Int32 = -1
        var pid: pid_t = 0
        var errorNumber: Int32 = 0
        let stage = withCStringArray(arguments) { argv in
            withCStringArray(environment) { envp in
                withOptionalCString(workingDirectory) { cwd in
                    mux_pty_spawn(argv, envp, cwd, size.columns, size.rows, &fd, &pid, &errorNumber)
                }
            }
        }
        guard stage == MUX_SPAWN_OK else {
            throw SpawnError(
                stage: Int32(stage.rawValue), errorNumber: errorNumber, program: program,
                workingDirectory: workingDirectory)
        }
        return PTYProcess(pid: pid, master: fd)
    }

    /// The master descriptor, or -1 once closed or handed on.
    public var masterDescriptor: Int32 { master }

    /// Gives up ownership of the master descriptor; the caller must close it.
    public func takeMasterDescriptor() -> Int32 {
        defer { master = -1 }
        return master
    }

    /// Reads what the program wrote, blocking until something is there.
    /// Returns an empty array once the program's side is gone (Linux reports that as EIO).
    public func read(maxCount: Int = 65536) throws(SystemError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, maxCount) }
            if n >= 0 {
                buffer.removeLast(maxCount - n)
                return buffer
            }
            switch errno {
            case EINTR: continue
            case EIO: return []
            case let code: throw SystemError("read from the terminal", errorNumber: code)
            }
        }
    }

    /// Writes all of `bytes` to the program's input.
    public func write(_ bytes: some Sequence<UInt8>) throws(SystemError) {
        do {
            try writeAll(master, Array(bytes))
        } catch {
            throw SystemError("write to the terminal", errorNumber: error.errorNumber)
        }
    }

    /// Changes the PTY's size (in pixels too); the program's foreground process group receives
    /// SIGWINCH.
    public func resize(to size: TerminalSize) throws(SystemError) {
        let rc = mux_pty_set_winsize(master, size.columns, size.rows, size.pixelWidth, size.pixelHeight)
        if rc != 0 { throw SystemError("resize the terminal", errorNumber: rc) }
    }

    /// The PTY's current size as the kernel holds it.
    public func size() throws(SystemError) -> TerminalSize {
        var cols: UInt16 = 0
        var rows: UInt16 = 0
        var xpixel: UInt16 = 0
        var ypixel: UInt16 = 0
        let rc = mux_pty_get_winsize(master, &cols, &rows, &xpixel, &ypixel)
        if rc != 0 { throw SystemError("read the terminal size", errorNumber: rc) }
        return TerminalSize(columns: cols, rows: rows, pixelWidth: xpixel, pixelHeight: ypixel)
    }

    /// Sends `signal` to the program's whole process group (the child leads it).
    public func signal(_ signal: Int32) throws(SystemError) {
        if Glibc.kill(-pid, signal) != 0 {
            throw SystemError("signal process group \(pid)", errorNumber: errno)
        }
    }

    /// Blocks until the child exits, and reaps it.
    public func waitForExit() throws(SystemError) -> ExitStatus {
        ExitStatus(waitStatus: try waitForProcess(pid))
    }

    /// Reaps the child if it has exited, without blocking.
    public func pollExit() throws(SystemError) -> ExitStatus? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        if rc < 0 { throw SystemError("wait for process \(pid)", errorNumber: errno) }
        return rc == 0 ? nil : ExitStatus(waitStatus: status)
    }

    /// Closes the master descriptor; the program then sees a hang-up.
    public func close() {
        if master >= 0 {
            Glibc.close(master)
            master = -1
        }
    }
}

private func withCStringArray<R>(
    _ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R
) -> R {
    let copies = strings.map { strdup($0) }
    defer { for copy in copies { free(copy) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { UnsafePointer($0) } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

private func withOptionalCString<R>(_ string: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
    guard let string else { return body(nil) }
    return string.withCString { body($0) }
}
