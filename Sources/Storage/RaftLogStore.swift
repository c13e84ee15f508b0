#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Consensus
import LedgerPrimitives

/// The durable Raft log of an orderer: every `Raft.Ready` persisted before its messages are sent.
///
/// A `RecordFile` with the magic "VRNLOG" and format version 1, holding a sequence of
/// `RaftLogStore.Record`s; replaying them in order rebuilds the `Raft.Storage`. When local
/// compactions leave the file much larger than its live state, it is rewritten next to the old
/// one and renamed over it, so a crash leaves either file whole. Owned by one node; not for
/// concurrent use.
public final class RaftLogStore {
    /// One change to the persisted state; the file is a sequence of these.
    enum Record: Hashable, Sendable, CanonicalCodable {
        /// Replaces the hard state.
        case hardState(Raft.HardState)
        /// Drops every persisted entry at or after `from`, then appends `entries`.
        case entries(from: UInt64, [Raft.Entry])
        /// Installs a snapshot from the leader in place of the whole log.
        case snapshot(Raft.Snapshot)
        /// Records a local compaction: keeps the snapshot, drops the entries it covers.
        case compaction(Raft.Snapshot)

        func encode(to writer: inout CanonicalWriter) {
            switch self {
            case .hardState(let hardState):
                writer.write(UInt8(0))
                writer.write(hardState)
            case .entries(let from, let entries):
                writer.write(UInt8(1))
                writer.write(from)
                writer.write(entries)
            case .snapshot(let snapshot):
                writer.write(UInt8(2))
                writer.write(snapshot)
            case .compaction(let snapshot):
                writer.write(UInt8(3))
                writer.write(snapshot)
            }
        }

        init(from reader: inout CanonicalReader) throws(CodecError) {
            switch try reader.readUInt8("raftLog.record") {
            case 0: self = .hardState(try reader.read())
            case 1: self = .entries(from: try reader.readUInt64("raftLog.entries.from"), try reader.readArray("raftLog.entries"))
            case 2: self = .snapshot(try reader.read())
            case 3: self = .compaction(try reader.read())
            case let tag: throw .unknownTag(field: "raftLog.record", tag: tag)
            }
        }

        /// Applies the change to `storage` exactly as `Raft.Storage.persist` and `compact` would.
        func apply(to storage: inout Raft.Storage) {
            switch self {
            case .hardState(let hardState):
                storage.hardState = hardState
            case .entries(let from, let entries):
                storage.entries.removeAll { $0.index >= from }
                storage.entries.append(contentsOf: entries)
            case .snapshot(let snapshot):
                storage.snapshot = snapshot
                storage.entries.removeAll()
            case .compaction(let snapshot):
                storage.compact(to: snapshot)
            }
        }
    }

    /// The file rewrites only when it is at least this large, in bytes.
    public static let rewriteMinimumBytes = 1024 * 1024
    /// The file rewrites only when it is more than this many times its live state.
    public static let rewriteRatio = 4

    static let magic: [UInt8] = Array("VRNLOG".utf8) + [0, 1]

    public let path: String
    public let options: RecordFileOptions
    /// What replaying the file gives: equal to what `Raft.Storage.persist` and `compact` produce.
    public private(set) var storage: Raft.Storage
    /// How many times the file was rewritten to drop compacted history.
    public private(set) var rewriteCount = 0

    private var file: RecordFile
    /// Counters of files this store replaced by rewriting.
    private var retiredBytesWritten: UInt64 = 0
    private var retiredBytesRead: UInt64 = 0
    private var retiredSyncCount: UInt64 = 0
    /// The first failed write or sync: after it the file's durable content is unknown, so the
    /// store refuses further writes (a node must restart and replay).
    private var failure: RecordFileError?

    /// Bytes written to the log, rewrites included.
    public var bytesWritten: UInt64 { retiredBytesWritten + file.bytesWritten }
    /// Bytes read from the log, rewrites included.
    public var bytesRead: UInt64 { retiredBytesRead + file.bytesRead }
    /// fsync calls made on the log's files.
    public var syncCount: UInt64 { retiredSyncCount + file.syncCount }
    /// The size of the log file, in bytes.
    public var fileBytes: Int { file.endOffset }

    private init(path: String, options: RecordFileOptions, file: RecordFile, storage: Raft.Storage) {
        self.path = path
        self.options = options
        self.file = file
        self.storage = storage
    }

    /// Opens the log at `path`, creating it if missing, and rebuilds the storage by replaying it.
    ///
    /// A torn last record is cut (`truncatedBytes` says how much); a leftover rewrite file from a
    /// crash is removed, since the log it was to replace is still whole.
    public static func open(
        path: String, options: RecordFileOptions = RecordFileOptions()
    ) throws(RecordFileError) -> (store: RaftLogStore, storage: Raft.Storage, truncatedBytes: Int) {
        try removeIfPresent(rewritePath(for: path))
        var storage = Raft.Storage()
        let (file, truncatedBytes) = try RecordFile.open(path: path, magic: magic, options: options) {
            (payload, offset) throws(RecordFileError) in
            try decode(payload, at: offset, path: path).apply(to: &storage)
        }
        let store = RaftLogStore(path: path, options: options, file: file, storage: storage)
        return (store, storage, truncatedBytes)
    }

    /// Persists what `ready` asks to, in the contract's order, then fsyncs once if anything was written.
    ///
    /// Writes a snapshot record, an entries record (drop from the first new index, then append)
    /// and a hard-state record, each only when the `Ready` carries it. When this returns, the
    /// shell may send the `Ready`'s messages.
    public func persist(_ ready: Raft.Ready) throws(RecordFileError) {
        var records: [Record] = []
        if let snapshot = ready.snapshotToPersist { records.append(.snapshot(snapshot)) }
        if let from = ready.persistFromIndex { records.append(.entries(from: from, ready.entriesToPersist)) }
        if let hardState = ready.hardState { records.append(.hardState(hardState)) }
        guard !records.isEmpty else { return }
        try write(records)
    }

    /// Records a local compaction to `snapshot`, and rewrites the file when mostly dead history.
    ///
    /// Does nothing when the snapshot is not newer than the stored one, as `Raft.Storage.compact`.
    public func compact(to snapshot: Raft.Snapshot) throws(RecordFileError) {
        let storedIndex = storage.snapshot?.metadata.lastIncludedIndex ?? 0
        guard snapshot.metadata.lastIncludedIndex > storedIndex else { return }
        try write([.compaction(snapshot)])
        let live = liveBytes
        if file.endOffset > Self.rewriteMinimumBytes, file.endOffset > Self.rewriteRatio * live {
            try rewrite()
        }
    }

    /// Rewrites the file to hold only the live state: snapshot, entries and hard state.
    ///
    /// The new file is written to `path + ".tmp"` and fsynced, renamed over the old one, and the
    /// directory fsynced: a crash at any point leaves either the old or the new file whole.
    /// These fsyncs happen even when the options turn fsync off, since the rename would otherwise
    /// risk the whole log rather than its latest records.
    public func rewrite() throws(RecordFileError) {
        if let failure { throw failure }
        let temporaryPath = Self.rewritePath(for: path)
        try Self.removeIfPresent(temporaryPath)
        let (newFile, _) = try RecordFile.open(path: temporaryPath, magic: Self.magic, options: options) {
            (_, offset) throws(RecordFileError) in
            throw .corruptRecord(path: temporaryPath, offset: offset, reason: "a fresh rewrite file holds records")
        }
        var check = Raft.Storage()
        for record in liveRecords {
            try newFile.append(record.canonicalBytes)
            record.apply(to: &check)
        }
        assert(check == storage, "a rewrite must reproduce the storage")
        try newFile.sync(force: true)
        guard rename(temporaryPath, path) == 0 else {
            throw .io(operation: "rename", path: temporaryPath, errno: errno)
        }
        do {
            try RecordFile.syncDirectory(of: path)
            // Reopening verifies the new file and gives a handle under the log's own name.
            let renamed = try RecordFile.open(path: path, magic: Self.magic, options: options) {
                (_, _) throws(RecordFileError) in
            }.file
            for retired in [file, newFile] {
                retiredBytesWritten += retired.bytesWritten
                retiredBytesRead += retired.bytesRead
                retiredSyncCount += retired.syncCount
            }
            file = renamed
            rewriteCount += 1
        } catch {
            // The old handle now writes to an unlinked file: refuse writes until a reopen.
            failure = error
            throw error
        }
    }

    // MARK: - Records

    /// The records a rewrite writes: the live state and nothing else.
    private var liveRecords: [Record] {
        var records: [Record] = []
        if let snapshot = storage.snapshot { records.append(.snapshot(snapshot)) }
        if let first = storage.entries.first { records.append(.entries(from: first.index, storage.entries)) }
        records.append(.hardState(storage.hardState))
        return records
    }

    /// The size of the file a rewrite would produce, in bytes.
    var liveBytes: Int {
        let framing = RecordFile.recordHeaderBytes + 1
        var total = Self.magic.count + framing + 8 + 9 + 8
        if let snapshot = storage.snapshot { total += framing + 16 + 4 + snapshot.data.count }
        if !storage.entries.isEmpty {
            total += framing + 8 + 4
            for entry in storage.entries { total += 17 + (entry.payload.map { 4 + $0.count } ?? 0) }
        }
        return total
    }

    /// Appends `records`, mirrors them into `storage`, and fsyncs once.
    private func write(_ records: [Record]) throws(RecordFileError) {
        if let failure { throw failure }
        do {
            for record in records {
                try file.append(record.canonicalBytes)
                record.apply(to: &storage)
            }
            try file.sync()
        } catch {
            failure = error
            throw error
        }
    }

    private static func decode(_ payload: [UInt8], at offset: Int, path: String) throws(RecordFileError) -> Record {
        do {
            return try Record(canonicalBytes: payload)
        } catch {
            // The checksum matched, so these are the bytes that were written: not a torn write.
            throw .corruptRecord(path: path, offset: offset, reason: "checksummed record does not decode: \(error)")
        }
    }

    static func rewritePath(for path: String) -> String { path + ".tmp" }

    private static func removeIfPresent(_ path: String) throws(RecordFileError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw .io(operation: "unlink", path: path, errno: errno) }
    }
}
