#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import LedgerCore
public import LedgerPrimitives

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

    /// The same settings for the record file underneath.
    var recordFileOptions: RecordFileOptions {
        RecordFileOptions(fsync: fsync, maximumRecordBytes: maximumRecordBytes)
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
    /// An empty record was to be written (a block never encodes to zero bytes).
    case emptyRecord

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
        case .emptyRecord:
            "a record payload cannot be empty"
        }
    }
}

extension BlockStoreError: RecordFileErrorRepresentable {
    /// Maps an error of the record file underneath to the block store's own.
    public init(_ error: RecordFileError) {
        switch error {
        case .io(let operation, let path, let code): self = .io(operation: operation, path: path, errno: code)
        case .wrongMagic(let path): self = .notABlockStore(path: path)
        case .corruptRecord(let path, let offset, let reason): self = .corruptRecord(path: path, offset: offset, reason: reason)
        case .recordTooLarge(let bytes, let limit): self = .recordTooLarge(bytes: bytes, limit: limit)
        case .emptyRecord: self = .emptyRecord
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
/// A `RecordFile` with the magic "VRNBLK" and format version 1, one record per block holding the
/// block's canonical encoding. Opening verifies every record and the hash chain from the
/// federation's genesis block; a torn last record (a crash mid-append) is cut off, any other
/// damage is an error. Owned by one node; not for concurrent use.
public final class BlockStore {
    public var path: String { file.path }
    public let options: BlockStoreOptions
    /// Bytes this store wrote to its file.
    public var bytesWritten: UInt64 { file.bytesWritten }
    /// Bytes this store read from its file.
    public var bytesRead: UInt64 { file.bytesRead }
    /// fsync calls made.
    public var syncCount: UInt64 { file.syncCount }
    /// The header of the last stored block.
    public private(set) var head: BlockHeader
    public private(set) var headHash: Hash256

    private let file: RecordFile
    /// File offset of each block's record, by height.
    private var recordOffsets: [Int]

    static let magic: [UInt8] = Array("VRNBLK".utf8) + [0, 1]

    /// The number of blocks stored, genesis included; the next block's height.
    public var blockCount: Int { recordOffsets.count }

    private init(file: RecordFile, options: BlockStoreOptions, head: Block, recordOffsets: [Int]) {
        self.file = file
        self.options = options
        self.head = head.header
        headHash = head.hash
        self.recordOffsets = recordOffsets
    }

    /// Opens the store at `path`, creating it with the genesis block if it does not exist, and
    /// calls `replay` with every stored block in order (genesis first) so the caller can rebuild
    /// its state in the same pass.
    public static func open(
        path: String, genesis: GenesisConfiguration, options: BlockStoreOptions = BlockStoreOptions(),
        replay: (Block) throws(BlockStoreError) -> Void = { _ in }
    ) throws(BlockStoreError) -> (BlockStore, BlockStoreRecovery) {
        let genesisBlock = genesis.genesisBlock
        var previous: Block?
        var recordOffsets: [Int] = []
        let (file, truncatedBytes) = try RecordFile.open(
            path: path, magic: magic, options: options.recordFileOptions
        ) { (payload, offset) throws(BlockStoreError) in
            let block: Block
            do {
                block = try Block(canonicalBytes: payload)
            } catch {
                // The checksum matched, so these are the bytes that were written: not a torn write.
                throw .corruptRecord(path: path, offset: offset, reason: "checksummed record does not decode: \(error)")
            }
            do throws(ChainError) {
                if let previous {
                    try block.verifyLink(to: previous.header, previousHash: previous.hash)
                } else if block.hash != genesisBlock.hash {
                    throw ChainError.genesisMismatch(expected: genesisBlock.hash, found: block.hash)
                }
            } catch {
                throw .chain(path: path, error)
            }
            try replay(block)
            recordOffsets.append(offset)
            previous = block
        }
        guard let previous else {
            // A new file, or one whose genesis record a crash during creation left torn.
            do throws(RecordFileError) {
                recordOffsets = [try file.append(genesisBlock.canonicalBytes)]
                try file.sync(force: true)
            } catch {
                throw BlockStoreError(error)
            }
            try replay(genesisBlock)
            return (BlockStore(file: file, options: options, head: genesisBlock, recordOffsets: recordOffsets),
                    BlockStoreRecovery(blockCount: 1, truncatedBytes: truncatedBytes))
        }
        let store = BlockStore(file: file, options: options, head: previous, recordOffsets: recordOffsets)
        return (store, BlockStoreRecovery(blockCount: store.blockCount, truncatedBytes: truncatedBytes))
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
        let offset: Int
        do throws(RecordFileError) {
            offset = try file.append(block.canonicalBytes)
            do {
                try file.sync()
            } catch {
                // Not durable, so not stored: leave no record for the next append to build on.
                try? file.truncate(to: offset)
                throw error
            }
        } catch {
            throw BlockStoreError(error)
        }
        recordOffsets.append(offset)
        head = block.header
        headHash = block.hash
    }

    /// Drops every block above `height` (a proof-of-work node whose "final" blocks were reverted by a
    /// reorganisation deeper than its confirmations), durably; the genesis block always stays.
    public func truncate(toHeight height: UInt64) throws(BlockStoreError) {
        guard height + 1 < UInt64(recordOffsets.count) else { return }
        let kept = try block(at: height)
        do throws(RecordFileError) {
            try file.truncate(to: recordOffsets[Int(height) + 1])
            try file.sync(force: true)
        } catch {
            throw BlockStoreError(error)
        }
        recordOffsets.removeLast(recordOffsets.count - Int(height) - 1)
        head = kept.header
        headHash = kept.hash
    }

    /// How many times each of `ids` is among the transactions of the stored blocks, read back
    /// from the file (the lost-commit check: every acknowledged transaction exactly once).
    public func transactionOccurrences(of ids: [Hash256]) throws(BlockStoreError) -> [Int] {
        var positions: [Hash256: Int] = [:]
        positions.reserveCapacity(ids.count)
        for (position, id) in ids.enumerated() where positions[id] == nil { positions[id] = position }
        var counts = [Int](repeating: 0, count: ids.count)
        for height in 1..<max(1, UInt64(recordOffsets.count)) {
            for transaction in try block(at: height).transactions {
                if let position = positions[transaction.id] { counts[position] += 1 }
            }
        }
        // A repeated id in the question gets the same answer each time.
        return ids.map { counts[positions[$0]!] }
    }

    /// Reads the block at `height`.
    public func block(at height: UInt64) throws(BlockStoreError) -> Block {
        guard height < UInt64(recordOffsets.count) else { throw .noSuchHeight(height) }
        let offset = recordOffsets[Int(height)]
        let payload: [UInt8]
        do throws(RecordFileError) {
            payload = try file.read(at: offset)
        } catch {
            throw BlockStoreError(error)
        }
        do {
            return try Block(canonicalBytes: payload)
        } catch {
            throw .corruptRecord(path: path, offset: offset, reason: "checksummed record does not decode: \(error)")
        }
    }
}
