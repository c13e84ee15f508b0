@testable import Consensus
import Foundation
@testable import LedgerCore
import LedgerPrimitives
import Testing
import TestSupport
@testable import Storage

/// One thing a shell asks of its Raft log.
enum RaftLogStep: Sendable {
    case persist(Raft.Ready)
    case compact(Raft.Snapshot)

    /// Applies the step to the in-memory reference.
    func apply(to storage: inout Raft.Storage) {
        switch self {
        case .persist(let ready): storage.persist(ready)
        case .compact(let snapshot): storage.compact(to: snapshot)
        }
    }

    /// Applies the step to the store.
    func apply(to store: RaftLogStore) throws {
        switch self {
        case .persist(let ready): try store.persist(ready)
        case .compact(let snapshot): try store.compact(to: snapshot)
        }
    }
}

/// Draws plausible Raft log histories from a seed: appends, overwrites of a suffix, hard-state
/// changes, installed snapshots, local compactions and empty batches.
struct RaftLogStepGenerator {
    var generator: SeededGenerator
    var payloadBytesRange = 0...48

    init(seed: UInt64) { generator = SeededGenerator(seed: seed) }

    mutating func next(after storage: Raft.Storage) -> RaftLogStep {
        let snapshotIndex = storage.snapshot?.metadata.lastIncludedIndex ?? 0
        let lastIndex = storage.entries.last?.index ?? snapshotIndex
        var hardState = storage.hardState
        switch Int.random(in: 0..<20, using: &generator) {
        case 0..<2:
            return .persist(Raft.Ready(messages: [Raft.Envelope(from: 1, to: 2, message: .timeoutNow(term: 1))]))
        case 2..<5:
            return .persist(Raft.Ready(hardState: changed(hardState)))
        case 5..<14:
            let from = Int.random(in: 0..<4, using: &generator) == 0 && lastIndex > snapshotIndex
                ? UInt64.random(in: snapshotIndex + 1...lastIndex, using: &generator) : lastIndex + 1
            if from <= lastIndex { hardState.term += 1 }
            let entries = makeEntries(from: from, term: hardState.term)
            let withHardState = Bool.random(using: &generator)
            return .persist(Raft.Ready(hardState: withHardState ? hardState : nil, entriesToPersist: entries))
        case 14..<16:
            let index = lastIndex + UInt64.random(in: 0...5, using: &generator) + 1
            hardState.term += 1
            hardState.commitIndex = index
            let snapshot = makeSnapshot(index: index, term: hardState.term)
            let entries = Bool.random(using: &generator) ? makeEntries(from: index + 1, term: hardState.term) : []
            return .persist(Raft.Ready(hardState: hardState, snapshotToPersist: snapshot, entriesToPersist: entries))
        default:
            // Now and then a stale compaction, which must change nothing.
            let index = lastIndex > snapshotIndex && Int.random(in: 0..<5, using: &generator) != 0
                ? UInt64.random(in: snapshotIndex + 1...lastIndex, using: &generator) : snapshotIndex
            let term = storage.entries.first { $0.index == index }?.term ?? storage.snapshot?.metadata.lastIncludedTerm ?? 0
            return .compact(makeSnapshot(index: index, term: term))
        }
    }

    mutating func changed(_ hardState: Raft.HardState) -> Raft.HardState {
        var next = hardState
        switch Int.random(in: 0..<3, using: &generator) {
        case 0:
            next.term += 1
            next.votedFor = nil
        case 1: next.votedFor = Raft.NodeID(UInt64.random(in: 0...4, using: &generator))
        default: next.commitIndex += UInt64.random(in: 0...3, using: &generator)
        }
        return next
    }

    mutating func makeEntries(from index: UInt64, term: UInt64) -> [Raft.Entry] {
        (0..<UInt64.random(in: 1...5, using: &generator)).map { offset in
            let kind: Raft.Entry.Kind = Int.random(in: 0..<6, using: &generator) == 0
                ? .noop : .normal(payload: makeBytes())
            return Raft.Entry(term: term, index: index + offset, kind: kind)
        }
    }

    mutating func makeSnapshot(index: UInt64, term: UInt64) -> Raft.Snapshot {
        Raft.Snapshot(metadata: Raft.SnapshotMetadata(lastIncludedIndex: index, lastIncludedTerm: term), data: makeBytes())
    }

    mutating func makeBytes() -> [UInt8] {
        (0..<Int.random(in: payloadBytesRange, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}

@Suite("Raft log store")
struct RaftLogStoreTests {
    @Test("random histories survive every reopen", arguments: [1, 2, 3] as [UInt64])
    func randomHistoriesMatchTheInMemoryStorage(seed: UInt64) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("raft.log")
        var steps = RaftLogStepGenerator(seed: seed)
        var reference = Raft.Storage()
        let created = try RaftLogStore.open(path: path)
        #expect(created.storage == reference && created.truncatedBytes == 0)
        var store = created.store
        for stepNumber in 0..<250 {
            let step = steps.next(after: reference)
            step.apply(to: &reference)
            try step.apply(to: store)
            #expect(store.storage == reference, "seed \(seed) step \(stepNumber)")
            let reopened = try RaftLogStore.open(path: path)
            #expect(reopened.storage == reference, "seed \(seed) step \(stepNumber) after reopening")
            #expect(reopened.truncatedBytes == 0)
            store = reopened.store
        }
        #expect(reference.snapshot != nil && !reference.entries.isEmpty, "the history should reach every kind of state")
    }

    @Test func cutAtEveryOffsetOfTheLastRecordReopensToThePreviousRecord() throws {
        let directory = try TemporaryDirectory()
        var steps = RaftLogStepGenerator(seed: 77)
        let lastSteps: [(String, RaftLogStep)] = [
            ("hard state", .persist(Raft.Ready(hardState: Raft.HardState(term: 99, votedFor: 3, commitIndex: 2)))),
            ("entries", .persist(Raft.Ready(entriesToPersist: [Raft.Entry(term: 99, index: 3, kind: .normal(payload: [7, 7, 7]))]))),
            ("snapshot", .persist(Raft.Ready(snapshotToPersist: steps.makeSnapshot(index: 500, term: 99)))),
            ("compaction", .compact(Raft.Snapshot(metadata: Raft.SnapshotMetadata(lastIncludedIndex: 2, lastIncludedTerm: 1),
                                                  data: [1, 2]))),
        ]
        for (name, lastStep) in lastSteps {
            let path = directory.file("\(name).log")
            let (store, _, _) = try RaftLogStore.open(path: path)
            var reference = Raft.Storage()
            let entries = steps.makeEntries(from: 1, term: 1)
            let base = Raft.Ready(hardState: Raft.HardState(term: 1, votedFor: 1, commitIndex: 1),
                                  entriesToPersist: entries + steps.makeEntries(from: entries.last!.index + 1, term: 1))
            try store.persist(base)
            reference.persist(base)
            let lastStart = store.fileBytes
            try lastStep.apply(to: store)
            #expect(store.fileBytes > lastStart + RecordFile.recordHeaderBytes, "\(name) writes one record")
            let full = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(full.count == store.fileBytes)

            for cut in lastStart..<full.count {
                let copy = directory.file("cut-\(cut).log")
                try full.prefix(cut).write(to: URL(fileURLWithPath: copy))
                let (reopened, storage, truncatedBytes) = try RaftLogStore.open(path: copy)
                #expect(storage == reference, "\(name) cut at \(cut)")
                #expect(truncatedBytes == cut - lastStart, "\(name) cut at \(cut)")
                #expect(reopened.fileBytes == lastStart)
                #expect(try FileManager.default.attributesOfItem(atPath: copy)[.size] as? Int == lastStart)
                // The log takes the lost record again.
                try lastStep.apply(to: reopened)
                try FileManager.default.removeItem(atPath: copy)
            }
        }
    }

    @Test func damageInTheMiddleIsAnErrorAndLeavesTheFileAlone() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("raft.log")
        let (store, _, _) = try RaftLogStore.open(path: path)
        var steps = RaftLogStepGenerator(seed: 5)
        try store.persist(Raft.Ready(hardState: Raft.HardState(term: 2), entriesToPersist: steps.makeEntries(from: 1, term: 2)))
        try store.persist(Raft.Ready(hardState: Raft.HardState(term: 3)))
        let full = try Data(contentsOf: URL(fileURLWithPath: path))

        var middle = full
        let firstRecord = RaftLogStore.magic.count
        middle[firstRecord + RecordFile.recordHeaderBytes + 3] ^= 0x10
        let middlePath = directory.file("middle.log")
        try middle.write(to: URL(fileURLWithPath: middlePath))
        #expect(throws: RecordFileError.corruptRecord(path: middlePath, offset: firstRecord, reason: "checksum mismatch")) {
            try RaftLogStore.open(path: middlePath)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: middlePath)) == middle)

        // The same flip in the last record is a torn append: cut, and the state before it returns.
        var tail = full
        tail[full.count - 2] ^= 0x10
        let tailPath = directory.file("tail.log")
        try tail.write(to: URL(fileURLWithPath: tailPath))
        let (_, storage, truncated) = try RaftLogStore.open(path: tailPath)
        #expect(storage.hardState == Raft.HardState(term: 2))
        #expect(truncated > 0)

        let blockStorePath = directory.file("chain.blocks")
        let genesis = GenesisConfiguration(chainId: "raft-log-test", regulator: SigningAccount.deterministic(seed: 1, index: 0).address)
        _ = try BlockStore.open(path: blockStorePath, genesis: genesis)
        #expect(throws: RecordFileError.wrongMagic(path: blockStorePath)) { try RaftLogStore.open(path: blockStorePath) }
    }

    @Test func aChecksummedRecordThatDoesNotDecodeIsCorruptEvenAtTheEnd() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("raft.log")
        do {
            let (file, _) = try RecordFile.open(path: path, magic: RaftLogStore.magic) { (_, _) throws(RecordFileError) in }
            try file.append([9, 9, 9])
        }
        #expect(throws: RecordFileError.self) { try RaftLogStore.open(path: path) }
    }

    @Test func compactionRewritesABloatedFileAndKeepsTheStorage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("raft.log")
        var steps = RaftLogStepGenerator(seed: 9)
        steps.payloadBytesRange = 8_000...8_192
        var reference = Raft.Storage()
        let (store, _, _) = try RaftLogStore.open(path: path)
        for batch in 0..<80 {
            let hardState = Raft.HardState(term: 1, votedFor: 1, commitIndex: UInt64(batch * 5))
            let step = RaftLogStep.persist(Raft.Ready(hardState: hardState,
                                                      entriesToPersist: steps.makeEntries(from: UInt64(reference.entries.count) + 1, term: 1)))
            try step.apply(to: store)
            step.apply(to: &reference)
        }
        let lastIndex = reference.entries.last!.index
        // A small compaction leaves most of the log live: no rewrite.
        let early = RaftLogStep.compact(steps.makeSnapshot(index: 3, term: 1))
        try early.apply(to: store)
        early.apply(to: &reference)
        #expect(store.rewriteCount == 0)
        let bloated = store.fileBytes
        #expect(bloated > RaftLogStore.rewriteMinimumBytes)

        let late = RaftLogStep.compact(steps.makeSnapshot(index: lastIndex - 2, term: 1))
        try late.apply(to: store)
        late.apply(to: &reference)
        #expect(store.rewriteCount == 1)
        #expect(store.storage == reference)
        #expect(store.fileBytes == store.liveBytes)
        #expect(store.fileBytes * RaftLogStore.rewriteRatio < bloated)
        #expect(!FileManager.default.fileExists(atPath: RaftLogStore.rewritePath(for: path)))
        #expect(try RaftLogStore.open(path: path).storage == reference)

        // The rewritten log goes on taking records.
        let more = RaftLogStep.persist(Raft.Ready(hardState: Raft.HardState(term: 2, votedFor: 2, commitIndex: lastIndex),
                                                  entriesToPersist: steps.makeEntries(from: lastIndex, term: 2)))
        try more.apply(to: store)
        more.apply(to: &reference)
        #expect(try RaftLogStore.open(path: path).storage == reference)

        // A crash mid-rewrite leaves a partial temporary file: the old log is whole and wins.
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: RaftLogStore.rewritePath(for: path)))
        #expect(try RaftLogStore.open(path: path).storage == reference)
        #expect(!FileManager.default.fileExists(atPath: RaftLogStore.rewritePath(for: path)))
    }

    @Test func oneFsyncPerPersistWithChangesAndNoneForAnEmptyReady() throws {
        let directory = try TemporaryDirectory()
        let (store, _, _) = try RaftLogStore.open(path: directory.file("raft.log"))
        let created = store.syncCount
        try store.persist(Raft.Ready())
        try store.persist(Raft.Ready(softState: Raft.SoftState(role: .leader, leader: 1, term: 1),
                                     messages: [Raft.Envelope(from: 1, to: 2, message: .timeoutNow(term: 1))],
                                     committedEntries: [Raft.Entry(term: 1, index: 1, kind: .noop)]))
        #expect(store.syncCount == created)
        var steps = RaftLogStepGenerator(seed: 3)
        try store.persist(Raft.Ready(hardState: Raft.HardState(term: 1), snapshotToPersist: steps.makeSnapshot(index: 4, term: 1),
                                     entriesToPersist: steps.makeEntries(from: 5, term: 1)))
        #expect(store.syncCount == created + 1)
        try store.persist(Raft.Ready(hardState: Raft.HardState(term: 2)))
        #expect(store.syncCount == created + 2)

        let (unsynced, _, _) = try RaftLogStore.open(path: directory.file("unsynced.log"), options: RecordFileOptions(fsync: false))
        let unsyncedCreated = unsynced.syncCount
        try unsynced.persist(Raft.Ready(hardState: Raft.HardState(term: 2)))
        #expect(unsynced.syncCount == unsyncedCreated)
        #expect(try RaftLogStore.open(path: directory.file("unsynced.log")).storage.hardState == Raft.HardState(term: 2))
    }
}

@Suite("Record file")
struct RecordFileTests {
    static let magic: [UInt8] = Array("TESTRF".utf8) + [0, 1]

    @Test func appendReadTruncateAndReopen() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("records")
        let (file, truncated) = try RecordFile.open(path: path, magic: Self.magic) { (_, _) throws(RecordFileError) in }
        #expect(truncated == 0 && file.endOffset == 8 && file.syncCount == 1)
        let first = try file.append([1, 2, 3])
        let second = try file.append(Array(repeating: 5, count: 100))
        try file.sync()
        #expect(first == 8 && second == 8 + 8 + 3)
        #expect(try file.read(at: second) == Array(repeating: 5, count: 100))
        #expect(throws: RecordFileError.self) { try file.read(at: second + 1) }
        #expect(throws: RecordFileError.emptyRecord) { try file.append([]) }
        let limited = RecordFileOptions(maximumRecordBytes: 10)
        let (small, _) = try RecordFile.open(path: directory.file("small"), magic: Self.magic, options: limited) {
            (_, _) throws(RecordFileError) in
        }
        #expect(throws: RecordFileError.recordTooLarge(bytes: 11, limit: 10)) { try small.append(Array(repeating: 0, count: 11)) }
        #expect(small.endOffset == 8)

        try file.truncate(to: second)
        try file.append([4])
        var visited: [([UInt8], Int)] = []
        _ = try RecordFile.open(path: path, magic: Self.magic) { (payload, offset) throws(RecordFileError) in
            visited.append((payload, offset))
        }
        #expect(visited.map(\.0) == [[1, 2, 3], [4]])
        #expect(visited.map(\.1) == [first, second])
        #expect(throws: RecordFileError.wrongMagic(path: path)) {
            try RecordFile.open(path: path, magic: Array("OTHERF".utf8) + [0, 1]) { (_, _) throws(RecordFileError) in }
        }
    }
}
