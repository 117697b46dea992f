// The keeper replacing itself (SIGUSR2): its table goes into a memfd, the descriptors it must keep
// lose FD_CLOEXEC, and it execve's its own binary with `--resume FD`. The pid, the children (the
// server and every program) and those descriptors survive; the server notices nothing.

import CPTYShim
import Glibc
import MuxPTY
import MuxSystem

extension KeeperProcess {
    private static let tableVersion: UInt8 = 1

    /// Re-executes this keeper in place; on failure logs why and carries on as it was.
    func reexec() {
        reexecRequested = false
        let memfd = mux_memfd("mux-keeper-table")
        guard memfd >= 0 else {
            return log("cannot re-execute: memfd_create: \(SystemError("", errorNumber: -memfd).reason)")
        }
        do {
            try writeAll(memfd, table())
        } catch {
            close(memfd)
            return log("cannot re-execute: writing the table: \(error)")
        }
        lseek(memfd, 0, SEEK_SET)
        let kept = [memfd] + keptDescriptors()
        for fd in kept { _ = fcntl(fd, F_SETFD, 0) }
        let arguments = configuration.commandLine(executable: ownExecutable(), resume: memfd)
        log("re-executing \(arguments[0]) (pid \(getpid()), \(order.count) program(s))")
        let cArguments = arguments.map { strdup($0) } + [nil]
        execv(arguments[0], cArguments)
        let failure = SystemError("execv")
        for argument in cArguments { free(argument) }
        for fd in kept { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        close(memfd)
        log("cannot re-execute \(arguments[0]): \(failure.reason)")
    }

    /// Every descriptor the table names.
    private func keptDescriptors() -> [Int32] {
        var fds = programs.values.map(\.master) + [listener]
        for child in [server].compactMap({ $0 }) + retiring { fds.append(child.link) }
        return fds.filter { $0 >= 0 }
    }

    /// The table: servers (the current one and those retiring), the listener, the programs in order.
    private func table() -> [UInt8] {
        var out = WireWriter()
        out.u8(Self.tableVersion)
        out.u32(nextGeneration)
        out.u64(backoff.bitPattern)
        out.u8(everReady ? 1 : 0)
        out.i32(listener)
        let servers = [server].compactMap { $0 } + retiring
        out.u8(server == nil ? 0 : 1)
        out.u32(UInt32(servers.count))
        for child in servers {
            out.i32(child.pid)
            out.u32(child.generation)
            out.i32(child.link)
            out.u64(child.startedAt.bitPattern)
            out.u8(child.stopping ? 1 : 0)
        }
        out.u32(UInt32(order.count))
        for pid in order {
            let program = programs[pid]!
            out.i32(pid)
            out.i32(program.master)
            out.bytes(program.tag)
            out.optionalI32(program.exit)
            out.u8(program.released ? 1 : 0)
            out.u32(program.owner)
        }
        return out.buffer
    }

    /// Takes over the table a re-executing keeper left in `descriptor` (and closes it).
    func resume(from descriptor: Int32) {
        let bytes = (try? readAll(descriptor)) ?? []
        close(descriptor)
        do {
            try load(bytes)
        } catch {
            log("cannot resume: the table is unreadable (\(error)); starting afresh")
            return
        }
        for fd in keptDescriptors() { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        log("resumed (pid \(getpid()), \(order.count) program(s), server pid \(server.map { "\($0.pid)" } ?? "none"))")
    }

    private func load(_ bytes: [UInt8]) throws(KeeperWireError) {
        var input = WireReader(bytes)
        guard try input.u8() == Self.tableVersion else { throw .unknownType(bytes[0]) }
        nextGeneration = try input.u32()
        backoff = Double(bitPattern: try input.u64())
        everReady = try input.u8() == 1
        listener = try input.i32()
        let hasCurrent = try input.u8() == 1
        let count = try input.u32()
        for index in 0..<count {
            let child = ServerChild(
                pid: try input.i32(), generation: try input.u32(), link: try input.i32(), readiness: -1,
                startedAt: Double(bitPattern: try input.u64()))
            child.stopping = try input.u8() == 1
            if index == 0 && hasCurrent { server = child } else { retiring.append(child) }
        }
        for _ in 0..<(try input.u32()) {
            let pid = try input.i32()
            programs[pid] = HeldEntry(
                master: try input.i32(), tag: try input.bytes(), exit: try input.optionalI32(),
                released: try input.u8() == 1, owner: try input.u32())
            order.append(pid)
        }
        try input.finish()
    }
}
