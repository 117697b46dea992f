// Saved screens are compressed with zlib (RFC 1950) before they are written: a screen with its
// scrollback is mostly repeated escape sequences and spaces, and shrinks about tenfold.

import CZlib

enum Compression {
    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib error \(code)" }
    }

    static func compress(_ bytes: [UInt8], level: Int32 = 6) throws(Failure) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var output = [UInt8](repeating: 0, count: Int(length))
        let code = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                compress2(out.baseAddress, &length, input.baseAddress, uLong(input.count), level)
            }
        }
        guard code == Z_OK else { throw Failure(code: code) }
        output.removeSubrange(Int(length)...)
        return output
    }

    /// `size` is the length before compression (kept beside the data).
    static func decompress(_ bytes: [UInt8], size: Int) throws(Failure) -> [UInt8] {
        var length = uLong(size)
        var output = [UInt8](repeating: 0, count: max(size, 1))
        let code = output.withUnsafeMutableBufferPointer { out in
            bytes.withUnsafeBufferPointer { input in
                uncompress(out.baseAddress, &length, input.baseAddress, uLong(input.count))
            }
        }
        guard code == Z_OK, Int(length) == size else { throw Failure(code: code == Z_OK ? Z_DATA_ERROR : code) }
        output.removeSubrange(size...)
        return output
    }
}
