// The two small programs `mux bench` runs besides mux and tmux: the workload generator, and the
// floor: a plain copier between two PTYs, the physical limit of any multiplexer design.

import CPTYShim
import Glibc
import MuxPTY
import MuxWorkloads

public enum BenchPrograms {
    /// Writes `bytes` bytes of `workload` to standard output: a 4 MiB pattern, repeated.
    public static func emit(_ workload: Workload, bytes: Int) {
        let pattern = workload.generate(size: 4 << 20)
        var left = bytes
        while left > 0 {
            let count = min(left, pattern.count)
            guard writeAll(1, pattern[..<count]) else { return }
            left -= count
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
            _ = writeAll(2, Array("mux bench copy: \(error)\n".utf8)[...])
            return 127
        }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(child.masterDescriptor, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            guard writeAll(1, buffer[..<n]) else { break }
        }
        return (try? child.waitForExit().shellStatus) ?? 1
    }
}

/// Writes all of `bytes` to `fd`; false when it cannot.
@discardableResult
func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
    bytes.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
