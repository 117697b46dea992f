// SystemError: one line naming what was tried and why it failed, and the errno to act on.

import Glibc
import MuxSystem
import Testing

@Suite struct SystemErrorTests {
    @Test func theDescriptionIsTheOperationAndTheCLibrarysReason() {
        let error = SystemError("connect to /tmp/mux/default.sock", errorNumber: ECONNREFUSED)
        #expect(error.description == "connect to /tmp/mux/default.sock: Connection refused")
        #expect(error.reason == "Connection refused")
        #expect("\(SystemError("create a pipe", errorNumber: EMFILE))" == "create a pipe: Too many open files")
    }

    @Test func theErrnoIsTheLastFailedCallsByDefault() {
        guard open("/nonexistent/mux-system-test", O_RDONLY) < 0 else {
            Issue.record("opened a file that should not exist")
            return
        }
        let error = SystemError("open")
        #expect(error.errorNumber == ENOENT)
        #expect(error.description == "open: No such file or directory")
    }
}
