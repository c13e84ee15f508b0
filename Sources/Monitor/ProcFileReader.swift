#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads whole `/proc` files, each with one `read` into a buffer it reuses, and hands the bytes to
/// a parser of ``ProcParser``.
///
/// Not thread-safe: one owner at a time (the ``ResourceSampler``, or ``OwnProcessResources`` under
/// its lock).
final class ProcFileReader {
    /// The largest file read, in bytes; `status` is about 1.5 KiB.
    static let bufferCapacityBytes = 16 * 1024

    private let buffer: UnsafeMutableBufferPointer<UInt8>

    init() {
        buffer = .allocate(capacity: Self.bufferCapacityBytes)
    }

    deinit { buffer.deallocate() }

    /// Reads the whole of the file at `path` with one `read` into the buffer and hands the bytes to `parse`.
    func readFile<Parsed>(_ path: String, _ parse: (UnsafeBufferPointer<UInt8>) throws -> Parsed) throws -> Parsed {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ProcFileError(path: path, problem: "cannot open: \(Self.errorText(errno))")
        }
        defer { close(descriptor) }
        let count = read(descriptor, buffer.baseAddress, buffer.count)
        guard count >= 0 else {
            throw ProcFileError(path: path, problem: "cannot read: \(Self.errorText(errno))")
        }
        guard count < buffer.count else {
            throw ProcFileError(path: path, problem: "larger than the \(buffer.count)-byte buffer")
        }
        return try parse(UnsafeBufferPointer(rebasing: buffer[0..<count]))
    }

    /// `error` as a ``ProcFileError`` about `path`, keeping one that already is.
    static func procFileError(_ error: any Error, path: String) -> ProcFileError {
        error as? ProcFileError ?? ProcFileError(path: path, problem: "\(error)")
    }

    private static func errorText(_ number: Int32) -> String {
        String(cString: strerror(number))
    }
}
