#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import LedgerCore

/// Settings of a block store.
public struct BlockStoreOptions: Sendable, Hashable {
    /// fsync after every append before the block counts as stored. Off only for experiments:
    /// a crash may then lose blocks the node already reported as committed.
    public var fsync: Bool
    /// The largest record accepted on read or write.
    public var maximumRecordBytes: Int

    public init(fsync: Bool = true, maximumRecordBytes: Int = 64 * 1024 * 1024) {
        self.fsync = fsync
        self.maximumRecordBytes = maximumRecordBytes
    }
}

/// Why a block store could not open, read or append.
public enum BlockStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(operation: String, path: String, errno: Int32)
    case notABlockStore(path: String)
    /// A complete record in the middle of the file is damaged: not a torn append, so not repaired.
    case corruptRecord(path: String, offset: Int, reason: String)
    case chain(path: String, ChainError)
    case notNextBlock(expectedHeight: UInt64, found: UInt64)
    case recordTooLarge(bytes: Int, limit: Int)
    case noSuchHeight(UInt64)

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            "\(operation) \(path): \(String(cString: strerror(code)))"
        case .notABlockStore(let path):
            "\(path) is not a vernier block store (bad magic or version)"
        case .corruptRecord(let path, let offset, let reason):
            "\(path): corrupt record at byte \(offset): \(reason)"
        case .chain(let path, let error):
            "\(path): \(error)"
        case .notNextBlock(let expected, let found):
            "block \(found) cannot be appended: the store expects height \(expected)"
        case .recordTooLarge(let bytes, let limit):
            "a \(bytes)-byte block exceeds the store's record limit of \(limit) bytes"
        case .noSuchHeight(let height):
            "the store holds no block at height \(height)"
        }
    }
}

/// What opening a store found and repaired.
public struct BlockStoreRecovery: Sendable, Hashable {
    /// Blocks found intact, the genesis block included.
    public var blockCount: Int
    /// Bytes of a torn last append cut from the end of the file (0 after a clean stop).
    public var truncatedBytes: Int
}

/// An append-only file of checksummed blocks, the chain a node commits to disk.
///
/// Layout: an 8-byte magic with the format version, then one record per block, each a big-endian
/// UInt32 payload length, a UInt32 CRC-32C of the payload, and the block's canonical encoding.
/// Opening verifies every record and the hash chain from the federation's genesis block; a torn
/// last record (a crash mid-append) is cut off, any other damage is an error.
/// Owned by one node; not for concurrent use.
public final class BlockStore {
    public let path: String
    public let options: BlockStoreOptions
    /// Bytes this store wrote to its file.
    public private(set) var bytesWritten: UInt64 = 0
    /// Bytes this store read from its file.
    public private(set) var bytesRead: UInt64 = 0
    /// fsync calls made.
    public private(set) var syncCount: UInt64 = 0
    /// The header of the last stored block.
    public private(set) var head: BlockHeader
    public private(set) var headHash: Hash256

    private let descriptor: Int32
    /// File offset of each block's record, by height.
    private var recordOffsets: [Int]
    private var endOffset: Int

    static let magic: [UInt8] = Array("VRNBLK".utf8) + [0, 1]
    static let recordHeaderBytes = 8

    /// The number of blocks stored, genesis included; the next block's height.
    public var blockCount: Int { recordOffsets.count }

    private init(path: String, options: BlockStoreOptions, descriptor: Int32, genesis: Block) {
        self.path = path
        self.options = options
        self.descriptor = descriptor
        head = genesis.header
        headHash = genesis.hash
        recordOffsets = []
        endOffset = Self.magic.count
    }

    deinit { close(descriptor) }

    /// Opens the store at `path`, creating it with the genesis block if it does not exist, and
    /// calls `replay` with every stored block in order (genesis first) so the caller can rebuild
    /// its state in the same pass.
    public static func open(
        path: String, genesis: GenesisConfiguration, options: BlockStoreOptions = BlockStoreOptions(),
        replay: (Block) throws(BlockStoreError) -> Void = { _ in }
    ) throws(BlockStoreError) -> (BlockStore, BlockStoreRecovery) {
        let genesisBlock = genesis.genesisBlock
        let existed = access(path, F_OK) == 0
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        let store = BlockStore(path: path, options: options, descriptor: descriptor, genesis: genesisBlock)
        if !existed || store.fileSize() == 0 {
            try store.writeAll(magic, at: 0)
            store.endOffset = magic.count
            try store.appendRecord(genesisBlock.canonicalBytes)
            store.recordOffsets = [magic.count]
            try store.sync(force: true)
            try syncDirectory(of: path)
            try replay(genesisBlock)
            return (store, BlockStoreRecovery(blockCount: 1, truncatedBytes: 0))
        }
        let truncated = try store.scan(genesis: genesisBlock, replay: replay)
        return (store, BlockStoreRecovery(blockCount: store.blockCount, truncatedBytes: truncated))
    }

    /// Appends the block that follows the head and, unless fsync is off, makes it durable before
    /// returning.
    public func append(_ block: Block) throws(BlockStoreError) {
        guard block.header.height == UInt64(blockCount) else {
            throw .notNextBlock(expectedHeight: UInt64(blockCount), found: block.header.height)
        }
        do {
            try block.verifyLink(to: head, previousHash: headHash)
        } catch {
            throw .chain(path: path, error)
        }
        let offset = endOffset
        do {
            try appendRecord(block.canonicalBytes)
            try sync(force: false)
        } catch {
            // Leave no half record behind for the next append to build on.
            _ = ftruncate(descriptor, off_t(offset))
            endOffset = offset
            throw error
        }
        recordOffsets.append(offset)
        head = block.header
        headHash = block.hash
    }

    /// Reads the block at `height`.
    public func block(at height: UInt64) throws(BlockStoreError) -> Block {
        guard height < UInt64(recordOffsets.count) else { throw .noSuchHeight(height) }
        let offset = recordOffsets[Int(height)]
        let end = height + 1 < UInt64(recordOffsets.count) ? recordOffsets[Int(height) + 1] : endOffset
        let bytes = try readBytes(at: offset, count: end - offset)
        switch decodeRecord(bytes[...], at: offset) {
        case .block(let block, _): return block
        case .torn(let reason), .corrupt(let reason): throw .corruptRecord(path: path, offset: offset, reason: reason)
        }
    }

    // MARK: - Opening

    private enum RecordOutcome {
        case block(Block, recordBytes: Int)
        /// Incomplete at the end of the file: the trace of a crash mid-append.
        case torn(String)
        case corrupt(String)
    }

    /// Verifies every record; returns how many torn bytes it cut from the end.
    private func scan(genesis: Block, replay: (Block) throws(BlockStoreError) -> Void) throws(BlockStoreError) -> Int {
        let size = fileSize()
        let contents = try readBytes(at: 0, count: size)
        guard contents.count >= Self.magic.count, Array(contents[0..<Self.magic.count]) == Self.magic else {
            throw .notABlockStore(path: path)
        }
        var offset = Self.magic.count
        var previous: Block?
        while offset < size {
            switch decodeRecord(contents[offset...], at: offset) {
            case .corrupt(let reason):
                throw .corruptRecord(path: path, offset: offset, reason: reason)
            case .torn:
                guard previous != nil else {
                    throw .corruptRecord(path: path, offset: offset, reason: "the genesis record is incomplete")
                }
                return try truncate(to: offset, from: size)
            case .block(let block, let recordBytes):
                do throws(ChainError) {
                    if let previous {
                        try block.verifyLink(to: previous.header, previousHash: previous.hash)
                    } else if block.hash != genesis.hash {
                        throw ChainError.genesisMismatch(expected: genesis.hash, found: block.hash)
                    }
                } catch {
                    throw .chain(path: path, error)
                }
                try replay(block)
                recordOffsets.append(offset)
                head = block.header
                headHash = block.hash
                previous = block
                offset += recordBytes
            }
        }
        guard previous != nil else { throw .corruptRecord(path: path, offset: offset, reason: "no genesis record") }
        endOffset = offset
        return 0
    }

    /// Decodes one record at the start of `bytes`. A record that reaches the end of the file and
    /// fails is torn; one that fails with more records after it is corrupt.
    private func decodeRecord(_ bytes: ArraySlice<UInt8>, at offset: Int) -> RecordOutcome {
        let available = bytes.count
        guard available >= Self.recordHeaderBytes else {
            return .torn("\(available) bytes of an 8-byte record header")
        }
        let start = bytes.startIndex
        let length = Int(bytes[start..<start + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        let checksum = bytes[start + 4..<start + 8].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let recordEnd = Self.recordHeaderBytes + length
        let reachesEnd = recordEnd >= available
        guard length > 0, length <= options.maximumRecordBytes else {
            // A length that cannot be right: torn if nothing certain follows, else corrupt.
            let reason = "impossible record length \(length)"
            return available <= Self.recordHeaderBytes + options.maximumRecordBytes ? .torn(reason) : .corrupt(reason)
        }
        guard recordEnd <= available else {
            return .torn("record of \(length) bytes with \(available - Self.recordHeaderBytes) present")
        }
        let payload = bytes[start + Self.recordHeaderBytes..<start + recordEnd]
        guard CRC32C.checksum(payload) == checksum else {
            return reachesEnd ? .torn("checksum mismatch in the last record") : .corrupt("checksum mismatch")
        }
        do {
            let block = try Block(canonicalBytes: Array(payload))
            return .block(block, recordBytes: recordEnd)
        } catch {
            // The checksum matched, so these are the bytes that were written: not a torn write.
            return .corrupt("checksummed record does not decode: \(error)")
        }
    }

    private func truncate(to offset: Int, from size: Int) throws(BlockStoreError) -> Int {
        guard ftruncate(descriptor, off_t(offset)) == 0 else { throw .io(operation: "ftruncate", path: path, errno: errno) }
        endOffset = offset
        try sync(force: true)
        return size - offset
    }

    // MARK: - File access

    private func appendRecord(_ payload: [UInt8]) throws(BlockStoreError) {
        guard payload.count <= options.maximumRecordBytes else {
            throw .recordTooLarge(bytes: payload.count, limit: options.maximumRecordBytes)
        }
        var record = CanonicalWriter(reservingCapacity: payload.count + Self.recordHeaderBytes)
        record.write(UInt32(payload.count))
        record.write(CRC32C.checksum(payload))
        record.writeFixed(payload)
        try writeAll(record.bytes, at: endOffset)
        endOffset += record.bytes.count
    }

    private func writeAll(_ bytes: [UInt8], at offset: Int) throws(BlockStoreError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { raw in
                pwrite(descriptor, raw.baseAddress! + written, bytes.count - written, off_t(offset + written))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            written += result
        }
        bytesWritten += UInt64(bytes.count)
    }

    private func readBytes(at offset: Int, count: Int) throws(BlockStoreError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let result = buffer.withUnsafeMutableBytes { raw in
                pread(descriptor, raw.baseAddress! + done, count - done, off_t(offset + done))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if result == 0 { break }
            done += result
        }
        bytesRead += UInt64(done)
        return done == count ? buffer : Array(buffer[0..<done])
    }

    private func sync(force: Bool) throws(BlockStoreError) {
        guard force || options.fsync else { return }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
        syncCount += 1
    }

    private func fileSize() -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return 0 }
        return Int(info.st_size)
    }

    /// Makes a new file's directory entry durable.
    private static func syncDirectory(of path: String) throws(BlockStoreError) {
        let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        let descriptor = Glibc.open(directory.isEmpty ? "/" : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .io(operation: "open", path: directory, errno: errno) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw .io(operation: "fsync", path: directory, errno: errno) }
    }
}
