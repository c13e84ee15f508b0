public import Consensus
public import LedgerCore
public import LedgerPrimitives

/// Settings of one orderer.
public struct OrdererOptions: Sendable, Hashable, Codable {
    public var batch: BatchOptions
    /// Wall-clock length of one Raft tick.
    public var tickMilliseconds: UInt64
    public var raft: Raft.Options
    /// The most transactions an orderer holds before ordering them; more are refused as overloaded.
    public var maxPendingTransactions: Int
    /// Applied Raft entries kept in the log after a compaction, for followers slightly behind.
    public var compactionRetainedEntries: Int
    /// Applied entries between two compactions: the log holds about retained + interval entries.
    public var compactionIntervalEntries: Int
    /// The most formed blocks held back while the block store lacks blocks below them.
    public var maxHeldBlocks: Int
    /// How long an orderer fetching missing blocks waits for progress before asking another orderer.
    public var fetchRetryMilliseconds: UInt64

    public init(batch: BatchOptions = BatchOptions(), tickMilliseconds: UInt64 = 100,
                raft: Raft.Options = Raft.Options(maxUncommittedEntries: 256), maxPendingTransactions: Int = 50_000,
                compactionRetainedEntries: Int = 128, compactionIntervalEntries: Int = 128,
                maxHeldBlocks: Int = 1_024, fetchRetryMilliseconds: UInt64 = 1_000) {
        precondition(tickMilliseconds >= 1 && maxPendingTransactions >= 1, "orderer bounds must be positive")
        precondition(compactionRetainedEntries >= 0 && compactionIntervalEntries >= 1,
                     "compaction keeps a non-negative number of entries and compacts at least one at a time")
        precondition(maxHeldBlocks >= 1 && fetchRetryMilliseconds >= 1, "catch-up bounds must be positive")
        self.batch = batch
        self.tickMilliseconds = tickMilliseconds
        self.raft = raft
        self.maxPendingTransactions = maxPendingTransactions
        self.compactionRetainedEntries = compactionRetainedEntries
        self.compactionIntervalEntries = compactionIntervalEntries
        self.maxHeldBlocks = maxHeldBlocks
        self.fetchRetryMilliseconds = fetchRetryMilliseconds
    }
}

/// How an orderer answered a submission.
public enum SubmitOutcome: Sendable, Hashable {
    /// Taken into this orderer's pending batch (this orderer leads).
    case accepted
    /// Handed to the leader (this orderer follows).
    case forwarded
    case rejected(SubmitRejection)
}

/// Why an orderer refused a submission.
public enum SubmitRejection: UInt8, Sendable, Hashable, CanonicalByteEnum {
    /// Not the leader, and no leader is known (an election is under way).
    case noLeader = 1
    /// The pending queue is full.
    case overloaded = 2
    /// Larger than the batch's absolute limit.
    case tooLarge = 3
    /// The signature does not verify (nodes that check on arrival: proof-of-work, the store).
    case badSignature = 4
    /// Its nonce is already used on the chain: a replay.
    case replay = 5
    /// Another transaction of the account already holds this nonce, or it is too far ahead.
    case nonceConflict = 6
    /// Refused by the ledger's rules before ordering (the store node validates on arrival).
    case invalid = 7
    /// Execute-order-validate: a transaction without endorsements cannot be ordered.
    case notEndorsed = 8

    public static let fieldName = "submitRejection"
}

/// What an orderer's shell must do with one step's output, in this order: mirror `compaction`
/// into its Raft log store; persist `raft`'s entries, hard state and snapshot durably; then send
/// its messages, `forwards` and `fetch`; append `blocks` to the block store and deliver them;
/// then call `OrdererCore.advance(_:)` with this value.
public struct OrdererReady: Sendable {
    /// A local compaction to mirror in durable storage (`RaftLogStore.compact(to:)`).
    public var compaction: Raft.Snapshot?
    public var raft: Raft.Ready?
    /// Blocks to append to the block store, in height order, each linking to the one before:
    /// blocks formed from newly committed entries, and blocks fetched to fill a gap.
    public var blocks: [Block] = []
    /// Missing blocks to ask another orderer for, as a peer would: `deliverRequest(fromHeight:)`.
    public var fetch: BlockFetchRequest?
    /// Transactions to hand to the leader (or, after losing leadership, to the new one).
    public var forwards: [(to: Raft.NodeID, transaction: Transaction)] = []
}

/// An ordering-service node as a value: Raft, Fabric-style batching and block formation.
///
/// The leader cuts batches and proposes each as a Raft entry; every orderer forms the same block
/// from each committed entry (height and parent from its chain head, seal from the entry's term
/// and index, time the later of the batch's and the parent's), so blocks are identical
/// everywhere without being sent. Pure: time and messages are inputs.
///
/// Every `compactionIntervalEntries` applied entries it compacts the Raft log through
/// `appliedIndex - compactionRetainedEntries`, with the chain position there (`OrdererSnapshot`)
/// as the snapshot; never while its block store lacks a formed block, so an orderer's snapshot
/// never covers a block its own store does not hold. An orderer that installs a snapshot moves
/// its formation head to the snapshot's position and fetches the blocks its store lacks from
/// other orderers (`BlockCatchUp`).
public struct OrdererCore: Sendable {
    public let id: Raft.NodeID
    public let options: OrdererOptions
    public private(set) var raft: Raft.Node
    /// The formation head: the block the next committed normal entry forms a block on.
    public private(set) var head: BlockHeader
    public private(set) var headHash: Hash256
    /// The Raft index through which entries are reflected in `head` (0 for genesis).
    public private(set) var headRaftIndex: UInt64
    /// What the block store lacks and holds back after a snapshot.
    public private(set) var catchUp: BlockCatchUp
    /// The highest index compacted (or installed) so far.
    public private(set) var lastCompactionIndex: UInt64
    /// Snapshots received from a leader and installed.
    public private(set) var snapshotsInstalledCount = 0
    /// Local compactions made.
    public private(set) var compactionCount = 0

    /// Chain positions of stored blocks (each from its seal's Raft index on), oldest first; the
    /// first is the position at the last compaction (or restart). Bounded by `positionLimit`.
    private var storedPositions: [OrdererSnapshot]
    /// A compaction not yet handed to the shell.
    private var pendingCompaction: Raft.Snapshot?

    private var cutter: BlockCutter
    /// Batches cut while Raft refused proposals (too many uncommitted, or a transfer), oldest first.
    private var unproposed: [OrderedBatch] = []
    private var unproposedCount = 0
    private var forwards: [(to: Raft.NodeID, transaction: Transaction)] = []
    private var nowMilliseconds: UInt64
    private var lastTickMilliseconds: UInt64

    /// Starts (or restarts) an orderer from its persisted Raft storage and its block store's head.
    public init(
        id: Raft.NodeID, voters: [Raft.NodeID], options: OrdererOptions, generator: SeededGenerator,
        storage: Raft.Storage, head: BlockHeader, headHash: Hash256, nowMilliseconds: UInt64
    ) {
        self.id = id
        self.options = options
        raft = Raft.Node(id: id, configuration: Raft.Configuration(voters: voters), options: options.raft,
                         generator: generator, storage: storage)
        let snapshotIndex = storage.snapshot?.metadata.lastIncludedIndex ?? 0
        let snapshotPosition = storage.snapshot.map { snapshot in
            guard let position = try? OrdererSnapshot(canonicalBytes: snapshot.data) else {
                preconditionFailure("the persisted Raft snapshot is not an orderer snapshot")
            }
            return position
        }
        var storeRaftIndex: UInt64 = 0
        if case .raft(_, let index) = head.seal { storeRaftIndex = index }
        // Formation continues from the store's head, unless the store is behind the snapshot
        // (a crash while fetching): then from the snapshot, and the gap is fetched.
        let formation: OrdererSnapshot
        if let snapshotPosition, snapshotPosition.height > head.height {
            formation = snapshotPosition
        } else {
            formation = OrdererSnapshot(raftIndex: max(storeRaftIndex, snapshotIndex), header: head, headHash: headHash)
        }
        self.head = formation.header
        self.headHash = formation.headHash
        headRaftIndex = formation.raftIndex
        storedPositions = [formation]
        lastCompactionIndex = snapshotIndex
        catchUp = BlockCatchUp(storeHead: head, storeHeadHash: headHash, formationHead: formation.header,
                               formationHash: formation.headHash, maximumHeldBlocks: options.maxHeldBlocks,
                               retryMilliseconds: options.fetchRetryMilliseconds)
        cutter = BlockCutter(options: options.batch)
        self.nowMilliseconds = nowMilliseconds
        lastTickMilliseconds = nowMilliseconds
    }

    public var isLeader: Bool { raft.role == .leader }

    /// Transactions waiting to be ordered here.
    public var pendingCount: Int { cutter.pending.count + unproposedCount }

    /// Moves time on: ticks Raft once per elapsed tick and cuts a batch whose timeout passed.
    public mutating func advanceClock(to now: UInt64) {
        guard now > nowMilliseconds else { return }
        nowMilliseconds = now
        // After a long pause (a stalled thread, a simulated crash) tick at most one election
        // timeout's worth, so the loop is bounded and the node does not campaign several times.
        let maximumTicks = UInt64(options.raft.electionTimeoutTicks) * 2
        var ticks: UInt64 = 0
        while lastTickMilliseconds + options.tickMilliseconds <= now, ticks < maximumTicks {
            raft.tick()
            lastTickMilliseconds += options.tickMilliseconds
            ticks += 1
        }
        if ticks == maximumTicks { lastTickMilliseconds = now }
        retryUnproposed()
        if isLeader, let batch = cutter.cutIfTimedOut(nowMilliseconds: now) { propose(batch) }
    }

    /// A client's submission: the leader takes it into its batch, a follower forwards it.
    public mutating func submit(_ transaction: Transaction, size: Int) -> SubmitOutcome {
        guard size <= options.batch.absoluteMaxBytes else { return .rejected(.tooLarge) }
        if isLeader {
            retryUnproposed()
            guard pendingCount < options.maxPendingTransactions else { return .rejected(.overloaded) }
            for batch in cutter.add(transaction, size: size, nowMilliseconds: nowMilliseconds) { propose(batch) }
            return .accepted
        }
        guard let leader = raft.leader else { return .rejected(.noLeader) }
        guard forwards.count < options.maxPendingTransactions else { return .rejected(.overloaded) }
        forwards.append((leader, transaction))
        return .forwarded
    }

    /// A transaction another orderer forwarded. Only the leader takes it; anywhere else (leadership
    /// moved while it travelled) it is dropped and its client times out, so forwards never loop.
    public mutating func receiveForward(_ transaction: Transaction, size: Int) {
        guard isLeader else { return }
        _ = submit(transaction, size: size)
    }

    /// A Raft message from another orderer.
    public mutating func step(_ envelope: Raft.Envelope) {
        raft.step(envelope)
    }

    /// Asks the leader to hand over to `target` (an orderer leaving the federation).
    public mutating func transferLeadership(to target: Raft.NodeID) {
        raft.transferLeadership(to: target)
    }

    /// Blocks another orderer sent in answer to a fetch; those that fill the store's gap are
    /// handed out by the next `ready()`.
    public mutating func receiveBlocks(_ blocks: [Block]) {
        catchUp.receive(blocks)
    }

    /// The height of the block store's head once the last `ready()`'s blocks are appended.
    public var storedHeight: UInt64 { catchUp.storeTopHeader.height }

    public var hasReady: Bool {
        raft.hasReady || !forwards.isEmpty || pendingCompaction != nil || catchUp.hasBlocksToStore
            || catchUp.isFetchDue(nowMilliseconds: nowMilliseconds)
    }

    /// Takes the work to do; nothing else may be called on this value until `advance(_:)`.
    public mutating func ready() -> OrdererReady {
        var output = OrdererReady()
        output.compaction = pendingCompaction
        pendingCompaction = nil
        if raft.hasReady {
            let raftReady = raft.ready()
            output.raft = raftReady
            if let snapshot = raftReady.snapshotToPersist { install(snapshot) }
            for entry in raftReady.committedEntries { formBlock(from: entry) }
        }
        output.blocks = catchUp.takeBlocksToStore()
        for block in output.blocks { recordStoredPosition(of: block) }
        output.fetch = catchUp.takeFetchRequest(nowMilliseconds: nowMilliseconds, selfID: id,
                                                voters: raft.configuration.voters, leader: raft.leader)
        output.forwards = forwards
        forwards = []
        return output
    }

    /// Acknowledges that the ready's persistence, sending and storing are done.
    public mutating func advance(_ output: OrdererReady) {
        if let raftReady = output.raft { raft.advance(raftReady) }
        compactIfDue()
        if !isLeader { handOverPendingWork() }
    }

    // MARK: - Private

    private mutating func propose(_ transactions: [Transaction]) {
        propose(OrderedBatch(timestampMilliseconds: nowMilliseconds, transactions: transactions))
    }

    private mutating func propose(_ batch: OrderedBatch) {
        switch raft.propose(batch.canonicalBytes) {
        case .accepted:
            break
        case .dropped, .transferring:
            unproposed.append(batch)
            unproposedCount += batch.transactions.count
        case .notLeader(let hint):
            if let hint { forwards.append(contentsOf: batch.transactions.map { (hint, $0) }) }
        }
    }

    private mutating func retryUnproposed() {
        guard isLeader, !unproposed.isEmpty else { return }
        let waiting = unproposed
        unproposed = []
        unproposedCount = 0
        for batch in waiting { propose(batch) }
    }

    /// After losing leadership, what waits here goes to the new leader, or is dropped if none is known.
    private mutating func handOverPendingWork() {
        let waiting = (cutter.cut() ?? []) + unproposed.flatMap(\.transactions)
        unproposed = []
        unproposedCount = 0
        guard let leader = raft.leader, leader != id else { return }
        forwards.append(contentsOf: waiting.map { (leader, $0) })
    }

    /// The most stored positions kept: enough that one is at or below any compaction target.
    private var positionLimit: Int { options.compactionRetainedEntries + options.compactionIntervalEntries + 1 }

    /// Notes the chain position a block appended to the store stands for.
    private mutating func recordStoredPosition(of block: Block) {
        guard case .raft(_, let index) = block.header.seal, index > storedPositions.last?.raftIndex ?? 0 else { return }
        storedPositions.append(OrdererSnapshot(raftIndex: index, header: block.header, headHash: block.hash))
        if storedPositions.count > positionLimit { storedPositions.removeFirst(storedPositions.count - positionLimit) }
    }

    /// Moves the formation head to a leader's snapshot; the store's gap below it is then fetched.
    private mutating func install(_ snapshot: Raft.Snapshot) {
        guard let position = try? OrdererSnapshot(canonicalBytes: snapshot.data) else {
            preconditionFailure("a leader sent a Raft snapshot that is not an orderer snapshot")
        }
        snapshotsInstalledCount += 1
        lastCompactionIndex = max(lastCompactionIndex, snapshot.metadata.lastIncludedIndex)
        guard position.raftIndex > headRaftIndex else { return }
        head = position.header
        headHash = position.headHash
        headRaftIndex = position.raftIndex
        storedPositions = [position]
        catchUp.jump(toHeader: position.header, hash: position.headHash)
    }

    /// Compacts the Raft log through `appliedIndex - retained` once `interval` entries were applied
    /// since the last compaction, if every formed block is stored.
    private mutating func compactIfDue() {
        guard catchUp.isComplete else { return }
        let retained = UInt64(options.compactionRetainedEntries)
        let interval = UInt64(options.compactionIntervalEntries)
        let applied = raft.appliedIndex
        guard applied >= lastCompactionIndex + interval + retained else { return }
        let target = applied - retained
        guard let position = storedPositions.last(where: { $0.raftIndex <= target }) else { return }
        let atTarget = OrdererSnapshot(raftIndex: target, header: position.header, headHash: position.headHash)
        guard let snapshot = raft.compact(through: target, snapshot: atTarget.canonicalBytes) else { return }
        pendingCompaction = snapshot
        lastCompactionIndex = target
        compactionCount += 1
        storedPositions.removeAll { $0.raftIndex <= target }
        storedPositions.insert(atTarget, at: 0)
    }

    private mutating func formBlock(from entry: Raft.Entry) {
        // Entries at or below the head's index are reflected in the head already: formed before a
        // restart (they are in the store), or covered by the snapshot the head comes from.
        guard entry.index > headRaftIndex, let payload = entry.payload else { return }
        // A payload that does not decode forms no block, on every orderer alike.
        guard let batch = try? OrderedBatch(canonicalBytes: payload) else { return }
        let block = Block(
            height: head.height + 1, previousHash: headHash,
            timestampMilliseconds: max(batch.timestampMilliseconds, head.timestampMilliseconds),
            seal: .raft(term: entry.term, index: entry.index), transactions: batch.transactions)
        head = block.header
        headHash = block.hash
        headRaftIndex = entry.index
        catchUp.formed(block)
    }
}
