// A session's recovery files in the server's state directory (docs/lifecycle.md, "Recovery
// files"): the input ring (every byte read from its PTY, written by its reader), the output ring
// (what clients are served from) and the last checkpoint of its emulator. Named by the session's
// serial, which a rename does not change.

import Glibc
import MuxSystem

struct RecoveryFiles {
    let directory: String
    let serial: UInt64

    var inputPath: String { "\(directory)/\(serial).input" }
    var outputPath: String { "\(directory)/\(serial).output" }
    var checkpointPath: String { "\(directory)/\(serial).checkpoint" }
    /// Present while a server recovers the session: how many attempts began and never finished.
    var attemptsPath: String { "\(directory)/\(serial).recovering" }
    /// During a restart, the old server's own checkpoint (a second name for it: the new server's
    /// replaces the first name), put back if the restart is rolled back before another is taken.
    var handoverPath: String { "\(directory)/\(serial).checkpoint.handover" }

    /// Removes the session's files (it has ended, or a server without a keeper starts afresh).
    func remove() {
        for path in [inputPath, outputPath, checkpointPath, checkpointPath + ".new", attemptsPath, handoverPath] {
            unlink(path)
        }
    }

    /// Counts an attempt to recover the session before it begins, returning how many began before
    /// and never finished: each of those stopped its server (`finishAttempt` was not reached).
    func beginAttempt() -> Int {
        var before = 0
        let reading = open(attemptsPath, O_RDONLY | O_CLOEXEC)
        if reading >= 0 {
            before = ((try? readAll(reading)).flatMap { Int(String(decoding: $0, as: UTF8.self)) }) ?? 1
            close(reading)
        }
        let writing = open(attemptsPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        if writing >= 0 {
            try? writeAll(writing, "\(before + 1)")
            close(writing)
        }
        return before
    }

    /// The attempt got through: the next server recovers the session in full again.
    func finishAttempt() { unlink(attemptsPath) }

    /// Where the sessions of the keeper `keeper` keep their files.
    static func directory(forSocket socket: String, keeper: pid_t) -> String { "\(socket).state/\(keeper)" }

    /// Creates `directory` (0700); for a keeper's first server (`fresh`), also removes what
    /// keepers that are gone left beside it. Returns why it could not, or nil.
    static func prepare(_ directory: String, fresh: Bool) -> String? {
        let parent = String(directory[..<directory.lastIndex(of: "/")!])
        for path in [parent, directory] where mkdir(path, 0o700) != 0 && errno != EEXIST {
            return "cannot create \(path): \(String(cString: strerror(errno)))"
        }
        guard fresh else { return nil }
        for name in entries(of: parent) {
            guard let pid = pid_t(name), "\(parent)/\(name)" != directory, kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            let stale = "\(parent)/\(name)"
            for serial in serials(in: stale) { RecoveryFiles(directory: stale, serial: serial).remove() }
            rmdir(stale)
        }
        return nil
    }

    /// The serials that have files in `directory`.
    static func serials(in directory: String) -> Set<UInt64> {
        Set(
            entries(of: directory).compactMap { name in
                name.firstIndex(of: ".").flatMap { UInt64(name[..<$0]) }
            })
    }

    /// The names in `directory` (none when it cannot be read).
    private static func entries(of directory: String) -> [String] {
        guard let stream = opendir(directory) else { return [] }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            names.append(
                withUnsafeBytes(of: entry.pointee.d_name) {
                    String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
                })
        }
        return names
    }
}

/// An emulator's state at a point of its input where nothing was half-parsed: its snapshot (with
/// all its history) and the input and output offsets it stands for.
struct Checkpoint: Equatable {
    static let magic: [UInt8] = Array("MUXCKPT1".utf8)

    /// Bytes read from the PTY before this point, and handed on to the output ring.
    var inputOffset: UInt64
    var outputOffset: UInt64
    var columns: UInt16
    var rows: UInt16
    /// Lines that had left the screen's top by then (the emulator's `scrollback.pushedCount`).
    var scrolledOff: UInt64
    var snapshot: [UInt8]

    func encoded() -> [UInt8] {
        var bytes = Self.magic
        bytes.reserveCapacity(snapshot.count + 48)
        for value in [inputOffset, outputOffset, UInt64(columns), UInt64(rows), scrolledOff] {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: UInt64(snapshot.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: snapshot)
        return bytes
    }

}

extension Checkpoint {
    /// Nil unless `bytes` is a whole checkpoint.
    init?(decoding bytes: [UInt8]) {
        let header = Self.magic.count + 6 * 8
        guard bytes.count >= header, Array(bytes.prefix(Self.magic.count)) == Self.magic else { return nil }
        func field(_ index: Int) -> UInt64 {
            var value: UInt64 = 0
            for byte in bytes[(Self.magic.count + index * 8)..<(Self.magic.count + index * 8 + 8)].reversed() {
                value = value << 8 | UInt64(byte)
            }
            return value
        }
        guard field(2) > 0, field(2) <= UInt64(UInt16.max), field(3) > 0, field(3) <= UInt64(UInt16.max),
            field(5) == UInt64(bytes.count - header)
        else { return nil }
        self.init(
            inputOffset: field(0), outputOffset: field(1), columns: UInt16(field(2)), rows: UInt16(field(3)),
            scrolledOff: field(4), snapshot: Array(bytes[header...]))
    }

    /// Writes the checkpoint beside `path` and renames it into place: a reader finds the old one
    /// or the new one, whole.
    func write(to path: String) throws(SystemError) {
        let temporary = path + ".new"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SystemError("create \(temporary)") }
        do {
            try writeAll(descriptor, encoded())
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw SystemError("rename \(temporary)") }
    }

    /// The checkpoint at `path`, or nil when there is none or it is not whole.
    static func read(from path: String) -> Checkpoint? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        guard let bytes = try? readAll(descriptor) else { return nil }
        return Checkpoint(decoding: bytes)
    }
}
