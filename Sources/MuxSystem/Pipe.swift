// A pipe whose ends no started program inherits: both are close-on-exec from the start (pipe2),
// so a program another thread spawns meanwhile cannot take one along.

import CPTYShim
import Glibc

/// Creates a pipe with both ends close-on-exec; `nonblockingWrite` keeps a write into a full pipe
/// from blocking (for a pipe that only signals, where a full pipe has signalled enough).
public func makePipe(nonblockingWrite: Bool = false) throws(SystemError) -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    let code = mux_pipe_cloexec(&ends)
    guard code == 0 else { throw SystemError("create a pipe", errorNumber: code) }
    if nonblockingWrite { _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK) }
    return (ends[0], ends[1])
}
