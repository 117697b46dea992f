// The two small programs `mux bench` runs besides mux and tmux: the workload generator, and the
// floor: a plain copier between two PTYs, the physical limit of any multiplexer design.

import CPTYShim
import Glibc
import MuxPTY
import MuxSystem
import MuxWorkloads

public enum BenchPrograms {
    /// Writes `bytes` bytes of `workload` to standard output: a 4 MiB pattern, repeated; with a
    /// `rate`, at that many bytes a second (a tenth of a second's worth at a time, on the
    /// monotonic clock's schedule, so that a slow write is caught up).
    public static func emit(_ workload: Workload, bytes: Int, rate: Int? = nil) {
        let pattern = workload.generate(size: 4 << 20)
        let slice = rate.map { max($0 / 10, 1) } ?? pattern.count
        let start = MonotonicClock.seconds()
        var written = 0
        var offset = 0
        while written < bytes {
            if let rate {
                let due = start + Double(written) / Double(rate)
                let wait = due - MonotonicClock.seconds()
                if wait > 0 { usleep(useconds_t(wait * 1_000_000)) }
            }
            let count = min(bytes - written, slice, pattern.count - offset)
            guard (try? writeAll(1, pattern[offset..<(offset + count)])) != nil else { return }
            written += count
            offset = (offset + count) % pattern.count
        }
    }

    /// Runs `arguments` in a PTY the size of this terminal and copies its output to standard
    /// output, byte for byte, until it ends; this terminal is put in raw mode as `mux attach`
    /// does. Returns the child's shell status.
    public static func copy(_ arguments: [String]) -> Int32 {
        var columns: UInt16 = 80
        var rows: UInt16 = 24
        _ = mux_pty_get_size(0, &columns, &rows)
        var mode = termios()
        if tcgetattr(0, &mode) == 0 {
            cfmakeraw(&mode)
            tcsetattr(0, TCSANOW, &mode)
        }
        let child: PTYProcess
        do {
            child = try PTYProcess.spawn(
                arguments, environment: ProcessEnvironment.current, size: TerminalSize(columns: columns, rows: rows))
        } catch {
            try? writeAll(2, "mux bench copy: \(error)\n")
            return 127
        }
        // Ends with EIO once the program's side closes. Output that cannot be written is dropped,
        // and the program still read, so that it never blocks on a full terminal.
        try? readUntilEnd(child.masterDescriptor) { chunk in try? writeAll(1, chunk) }
        return (try? child.waitForExit().shellStatus) ?? 1
    }
}
