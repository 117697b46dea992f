// A pipe whose ends are not inherited by programs the server starts.

import Glibc

/// Creates a pipe with both ends close-on-exec; `nonblockingWrite` keeps a write into a full pipe
/// from blocking (for a pipe that only signals, where a full pipe has signalled enough).
public func makePipe(nonblockingWrite: Bool = false) throws(PTYError) -> (read: Int32, write: Int32) {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw PTYError(operation: "create a pipe", errorNumber: errno) }
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    if nonblockingWrite { _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK) }
    return (ends[0], ends[1])
}
