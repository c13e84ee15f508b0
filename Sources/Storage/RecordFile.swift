#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LedgerPrimitives

/// Settings of a record file.
public struct RecordFileOptions: Sendable, Hashable {
    /// fsync on `sync()`. Off only for experiments: a crash may then lose records already
    /// reported as durable.
    public var fsync: Bool
    /// The largest record payload accepted on read or write, in bytes.
    public var maximumRecordBytes: Int

    public init(fsync: Bool = true, maximumRecordBytes: Int = 64 * 1024 * 1024) {
        self.fsync = fsync
        self.maximumRecordBytes = maximumRecordBytes
    }
}

/// Why a record file could not be opened, read or written.
public enum RecordFileError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    /// The file does not start with the expected magic (another format or another version).
    case wrongMagic(path: String)
    /// A record is damaged where a torn append cannot explain it; nothing was repaired.
    case corruptRecord(path: String, offset: Int, reason: String)
    /// A payload is larger than `RecordFileOptions.maximumRecordBytes`.
    case recordTooLarge(bytes: Int, limit: Int)
    /// A payload is empty: a zero length marks a damaged or zero-filled header, never a record.
    case emptyRecord

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            "\(operation) \(path): \(String(cString: strerror(code)))"
        case .wrongMagic(let path):
            "\(path) has the wrong magic (another format or version)"
        case .corruptRecord(let path, let offset, let reason):
            "\(path): corrupt record at byte \(offset): \(reason)"
        case .recordTooLarge(let bytes, let limit):
            "a \(bytes)-byte record exceeds the limit of \(limit) bytes"
        case .emptyRecord:
            "a record payload cannot be empty"
        }
    }
}

/// An error type that can carry a `RecordFileError`, so a visitor's errors and the file's share one type.
protocol RecordFileErrorRepresentable: Error {
    /// Wraps an error of the record file.
    init(_ error: RecordFileError)
}

extension RecordFileError: RecordFileErrorRepresentable {
    public init(_ error: RecordFileError) { self = error }
}

/// An append-only file of length-and-checksum framed records, with torn-tail recovery.
///
/// Layout: an 8-byte magic (format name and version, chosen by the owner), then records, each a
/// big-endian UInt32 payload length, a UInt32 CRC-32C of the payload, and the payload. Opening
/// verifies every record; a torn last record (a crash mid-append) is cut off, any other damage is
/// an error that leaves the file untouched. Owned by one writer; not for concurrent use.
final class RecordFile {
    public let path: String
    public let magic: [UInt8]
    public let options: RecordFileOptions
    /// Bytes written to the file, magic and framing included.
    public private(set) var bytesWritten: UInt64 = 0
    /// Bytes read from the file.
    public private(set) var bytesRead: UInt64 = 0
    /// fsync calls made on the file (its directory's not counted).
    public private(set) var syncCount: UInt64 = 0
    /// The offset just past the last record: the file's size.
    public private(set) var endOffset: Int

    private let descriptor: Int32

    /// Bytes of a record's header: the payload length and the checksum.
    public static let recordHeaderBytes = 8
    /// Bytes of the magic every record file starts with.
    public static let magicBytes = 8
    /// Consecutive interrupted or empty system calls tolerated before giving up.
    static let maximumRetries = 1_000

    private init(path: String, magic: [UInt8], options: RecordFileOptions, descriptor: Int32) {
        self.path = path
        self.magic = magic
        self.options = options
        self.descriptor = descriptor
        endOffset = magic.count
    }

    deinit { close(descriptor) }

    /// Opens the file at `path`, creating it if missing, and calls `visit` with every record's
    /// payload and offset in file order; returns the file and how many torn bytes were cut.
    ///
    /// A file that is missing or empty is created: the magic is written and the file and its
    /// directory are fsynced. An error thrown by `visit` stops the scan and leaves the file as it was.
    public static func open<Failure: RecordFileErrorRepresentable>(
        path: String, magic: [UInt8], options: RecordFileOptions = RecordFileOptions(),
        visit: (_ payload: [UInt8], _ offset: Int) throws(Failure) -> Void
    ) throws(Failure) -> (file: RecordFile, truncatedBytes: Int) {
        guard magic.count == magicBytes else {
            preconditionFailure("a record file magic is \(magicBytes) bytes, not \(magic.count)")
        }
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw Failure(.io(operation: "open", path: path, errno: errno)) }
        let file = RecordFile(path: path, magic: magic, options: options, descriptor: descriptor)
        do {
            let size = try file.fileSize()
            if size == 0 {
                try file.writeAll(magic, at: 0)
                file.endOffset = magic.count
                try file.sync(force: true)
                try syncDirectory(of: path)
                return (file, 0)
            }
        } catch {
            throw Failure(error)
        }
        let truncated = try file.scan(visit: visit)
        return (file, truncated)
    }

    /// Appends one record with a single positioned write and returns its offset.
    ///
    /// Not durable until `sync()`. If the write fails the file is cut back to where it was.
    @discardableResult
    public func append(_ payload: [UInt8]) throws(RecordFileError) -> Int {
        guard !payload.isEmpty else { throw .emptyRecord }
        guard payload.count <= options.maximumRecordBytes else {
            throw .recordTooLarge(bytes: payload.count, limit: options.maximumRecordBytes)
        }
        var record = CanonicalWriter(reservingCapacity: payload.count + Self.recordHeaderBytes)
        record.write(UInt32(payload.count))
        record.write(CRC32C.checksum(payload))
        record.writeFixed(payload)
        let offset = endOffset
        do {
            try writeAll(record.bytes, at: offset)
        } catch {
            // Leave no half record behind for the next append to build on.
            _ = ftruncate(descriptor, off_t(offset))
            throw error
        }
        endOffset = offset + record.bytes.count
        return offset
    }

    /// Makes every appended record durable: fsync, unless the options turn it off and `force` is false.
    public func sync(force: Bool = false) throws(RecordFileError) {
        guard force || options.fsync else { return }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        syncCount += 1
    }

    /// Reads and verifies the payload of the record at `offset`.
    public func read(at offset: Int) throws(RecordFileError) -> [UInt8] {
        guard offset >= magic.count, offset + Self.recordHeaderBytes <= endOffset else {
            throw .corruptRecord(path: path, offset: offset, reason: "no record header at this offset")
        }
        let header = try readBytes(at: offset, count: Self.recordHeaderBytes)
        // The file may have been cut behind this handle's back (another process, a lost disk).
        guard header.count == Self.recordHeaderBytes else {
            throw .corruptRecord(path: path, offset: offset, reason: "file ends inside the record header")
        }
        let length = Int(Self.bigEndianUInt32(header[0..<4]))
        let checksum = Self.bigEndianUInt32(header[4..<8])
        guard length > 0, length <= options.maximumRecordBytes,
              offset + Self.recordHeaderBytes + length <= endOffset
        else {
            throw .corruptRecord(path: path, offset: offset, reason: "impossible record length \(length)")
        }
        let payload = try readBytes(at: offset + Self.recordHeaderBytes, count: length)
        guard payload.count == length else {
            throw .corruptRecord(path: path, offset: offset, reason: "file ends inside the record")
        }
        guard CRC32C.checksum(payload) == checksum else {
            throw .corruptRecord(path: path, offset: offset, reason: "checksum mismatch")
        }
        return payload
    }

    /// Cuts the file at `offset`, a record boundary, dropping every record from there on (not synced).
    public func truncate(to offset: Int) throws(RecordFileError) {
        precondition(offset >= magic.count && offset <= endOffset, "truncation outside the records")
        guard ftruncate(descriptor, off_t(offset)) == 0 else {
            throw .io(operation: "ftruncate", path: path, errno: errno)
        }
        endOffset = offset
    }

    // MARK: - Opening

    private enum RecordOutcome {
        case record(payload: ArraySlice<UInt8>, recordBytes: Int)
        /// Incomplete or failing at the end of the file: the trace of a crash mid-append.
        case torn
        case corrupt(String)
    }

    /// Verifies every record, visiting each; returns how many torn bytes it cut from the end.
    private func scan<Failure: RecordFileErrorRepresentable>(
        visit: (_ payload: [UInt8], _ offset: Int) throws(Failure) -> Void
    ) throws(Failure) -> Int {
        let contents: [UInt8]
        do {
            contents = try readBytes(at: 0, count: fileSize())
        } catch {
            throw Failure(error)
        }
        guard contents.count >= magic.count, contents[0..<magic.count].elementsEqual(magic) else {
            throw Failure(.wrongMagic(path: path))
        }
        endOffset = contents.count
        var offset = magic.count
        // Each pass consumes at least one record header, so the file's size bounds the loop.
        while offset < contents.count {
            switch decodeRecord(contents[offset...]) {
            case .corrupt(let reason):
                throw Failure(.corruptRecord(path: path, offset: offset, reason: reason))
            case .torn:
                do {
                    try truncate(to: offset)
                    try sync(force: true)
                } catch {
                    throw Failure(error)
                }
                return contents.count - offset
            case .record(let payload, let recordBytes):
                try visit(Array(payload), offset)
                offset += recordBytes
            }
        }
        endOffset = offset
        return 0
    }

    /// Decodes one record at the start of `bytes`. A record that reaches the end of the file and
    /// fails is torn; one that fails with more bytes after it is corrupt.
    private func decodeRecord(_ bytes: ArraySlice<UInt8>) -> RecordOutcome {
        let available = bytes.count
        guard available >= Self.recordHeaderBytes else { return .torn }
        let start = bytes.startIndex
        let length = Int(Self.bigEndianUInt32(bytes[start..<start + 4]))
        let checksum = Self.bigEndianUInt32(bytes[start + 4..<start + 8])
        let recordEnd = Self.recordHeaderBytes + length
        guard length > 0, length <= options.maximumRecordBytes else {
            // A length that cannot be right: torn if nothing certain follows, else corrupt.
            let couldBeTorn = available <= Self.recordHeaderBytes + options.maximumRecordBytes
            return couldBeTorn ? .torn : .corrupt("impossible record length \(length)")
        }
        guard recordEnd <= available else { return .torn }
        let payload = bytes[start + Self.recordHeaderBytes..<start + recordEnd]
        guard CRC32C.checksum(payload) == checksum else {
            return recordEnd == available ? .torn : .corrupt("checksum mismatch")
        }
        return .record(payload: payload, recordBytes: recordEnd)
    }

    private static func bigEndianUInt32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
    }

    // MARK: - File access

    private func writeAll(_ bytes: [UInt8], at offset: Int) throws(RecordFileError) {
        var written = 0
        var retries = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + written, bytes.count - written, off_t(offset + written))
            }
            if result > 0 {
                written += result
                retries = 0
                continue
            }
            let code = result < 0 ? errno : EIO
            retries += 1
            guard code == EINTR || result == 0, retries < Self.maximumRetries else {
                throw .io(operation: "write", path: path, errno: code)
            }
        }
        bytesWritten += UInt64(bytes.count)
    }

    /// Reads up to `count` bytes; fewer only where the file ends.
    private func readBytes(at offset: Int, count: Int) throws(RecordFileError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        var retries = 0
        while done < count {
            let result = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                let code = errno
                retries += 1
                guard code == EINTR, retries < Self.maximumRetries else {
                    throw .io(operation: "read", path: path, errno: code)
                }
                continue
            }
            if result == 0 { break }
            done += result
            retries = 0
        }
        bytesRead += UInt64(done)
        return done == count ? buffer : Array(buffer[0..<done])
    }

    private func fileSize() throws(RecordFileError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    /// Makes changes to the directory entries next to `path` durable (a created or renamed file).
    static func syncDirectory(of path: String) throws(RecordFileError) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let name = directory.isEmpty ? "/" : directory
        let descriptor = Glibc.open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: name, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: name, errno: errno) }
    }
}
