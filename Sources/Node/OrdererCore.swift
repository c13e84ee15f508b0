public import Consensus
public import LedgerCore

/// Settings of one orderer.
public struct OrdererOptions: Sendable, Hashable {
    public var batch: BatchOptions
    /// Wall-clock length of one Raft tick.
    public var tickMilliseconds: UInt64
    public var raft: Raft.Options
    /// The most transactions an orderer holds before ordering them; more are refused as overloaded.
    public var maxPendingTransactions: Int

    public init(batch: BatchOptions = BatchOptions(), tickMilliseconds: UInt64 = 100,
                raft: Raft.Options = Raft.Options(maxUncommittedEntries: 256), maxPendingTransactions: Int = 50_000) {
        precondition(tickMilliseconds >= 1 && maxPendingTransactions >= 1, "orderer bounds must be positive")
        self.batch = batch
        self.tickMilliseconds = tickMilliseconds
        self.raft = raft
        self.maxPendingTransactions = maxPendingTransactions
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

    public static let fieldName = "submitRejection"
}

/// What an orderer's shell must do with one step's output, in this order: persist `raft`'s
/// entries, hard state and snapshot durably; then send its messages and `forwards`; store
/// `blocks` and deliver them; then call `OrdererCore.advance(_:)` with this value.
public struct OrdererReady: Sendable {
    public var raft: Raft.Ready?
    /// Blocks formed from newly committed entries, in height order.
    public var blocks: [Block] = []
    /// Transactions to hand to the leader (or, after losing leadership, to the new one).
    public var forwards: [(to: Raft.NodeID, transaction: Transaction)] = []
}

/// An ordering-service node as a value: Raft, Fabric-style batching and block formation.
///
/// The leader cuts batches and proposes each as a Raft entry; every orderer forms the same block
/// from each committed entry (height and parent from its chain head, seal from the entry's term
/// and index, time the later of the batch's and the parent's), so blocks are identical
/// everywhere without being sent. Pure: time and messages are inputs.
public struct OrdererCore: Sendable {
    public let id: Raft.NodeID
    public let options: OrdererOptions
    public private(set) var raft: Raft.Node
    public private(set) var head: BlockHeader
    public private(set) var headHash: Hash256
    /// The Raft index of the entry that formed `head` (0 for genesis).
    public private(set) var headRaftIndex: UInt64

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
        self.head = head
        self.headHash = headHash
        if case .raft(_, let index) = head.seal { headRaftIndex = index } else { headRaftIndex = 0 }
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

    public var hasReady: Bool { raft.hasReady || !forwards.isEmpty }

    /// Takes the work to do; nothing else may be called on this value until `advance(_:)`.
    public mutating func ready() -> OrdererReady {
        var output = OrdererReady()
        if raft.hasReady {
            let raftReady = raft.ready()
            output.raft = raftReady
            for entry in raftReady.committedEntries { formBlock(from: entry, into: &output.blocks) }
        }
        output.forwards = forwards
        forwards = []
        return output
    }

    /// Acknowledges that the ready's persistence, sending and storing are done.
    public mutating func advance(_ output: OrdererReady) {
        if let raftReady = output.raft { raft.advance(raftReady) }
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

    private mutating func formBlock(from entry: Raft.Entry, into blocks: inout [Block]) {
        // Entries at or below the head's were formed before a restart: they are in the store.
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
        blocks.append(block)
    }
}
