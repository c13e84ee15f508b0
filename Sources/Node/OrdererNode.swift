public import Consensus
public import LedgerCore
public import LedgerPrimitives
public import Transport
import Logging
public import Storage
public import NodeCore
/// Where a node keeps its files and how durably it writes them.
public struct NodeStorage: Sendable, Hashable {
    /// The node's data directory; it must exist.
    public var directory: String
    public var fsync: Bool

    public init(directory: String, fsync: Bool = true) {
        self.directory = directory
        self.fsync = fsync
    }
}

/// An orderer as a running node: its core, its Raft log and block store, its endpoint, on its own thread.
///
/// In execute-order-validate it checks the client's signature on each submitted envelope, and
/// nothing else (as Fabric's orderer does), before ordering it as in order-execute.
///
/// Every step runs the core's ready loop in the order its contract asks: mirror a compaction
/// into the Raft log, persist the Raft log (fsync), send Raft messages, forwards and block
/// fetches, store blocks (fsync), push them to the peers that pull from this orderer, and advance.
///
/// After installing a snapshot (or restarting from one with the block store behind it) the
/// orderer fetches the blocks its store lacks from other orderers, as a peer would: it sends
/// `deliverRequest(fromHeight:)` and takes the `blocks` answer. An orderer asking this one is
/// answered once from the store, never subscribed; only stored heights are ever served.
public actor OrdererNode {
    public nonisolated let address: NodeAddress
    public nonisolated let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let endpoint: any TransportEndpoint
    private let members: FederationMembers
    private var core: OrdererCore
    private let raftLog: RaftLogStore
    private let store: BlockStore
    var logger: Logger
    /// Peers pulling blocks, with the next height each needs.
    private var subscribers: [NodeAddress: UInt64] = [:]
    /// The newest blocks, kept so that pushing them to several peers reads no disk.
    private var recentBlocks: [UInt64: Block] = [:]
    var tasks = NodeTasks()
    /// Execute-order-validate: each submission must be endorsed, and its envelope signature is checked.
    private let checksEnvelopes: Bool
    private var envelopeVerifier = SignatureVerifier(capacity: 100_000)
    /// Set when the node stopped, by request or because its storage failed.
    public internal(set) var stopReason: String?

    /// The most blocks one `blocks` message carries.
    public static let maximumBlocksPerMessage = 64
    /// How many of the newest blocks stay in memory.
    public static let recentBlockCount: UInt64 = 256

    /// Opens (or recovers) the node's stores and builds its core; `start()` sets it running.
    public init(
        index: Int, members: FederationMembers, genesis: GenesisConfiguration, options: OrdererOptions,
        storage: NodeStorage, endpoint: any TransportEndpoint, seed: UInt64
    ) throws {
        address = members.orderers[index]
        executor = ThreadExecutor(name: members.orderers[index].name)
        self.endpoint = endpoint
        self.members = members
        let recordOptions = RecordFileOptions(fsync: storage.fsync)
        let (raftLog, raftStorage, _) = try RaftLogStore.open(path: storage.directory + "/raft.log", options: recordOptions)
        let (store, _) = try BlockStore.open(path: storage.directory + "/blocks", genesis: genesis,
                                             options: BlockStoreOptions(fsync: storage.fsync))
        self.raftLog = raftLog
        self.store = store
        checksEnvelopes = genesis.endorsement != nil
        core = OrdererCore(
            id: members.raftID(ofOrderer: index), voters: members.voters, options: options,
            generator: SeededGenerator(seed: seed).derived(UInt64(index)), storage: raftStorage,
            head: store.head, headHash: store.headHash, nowMilliseconds: WallClock.nowMilliseconds())
        logger = Logger(label: "vernier.\(members.orderers[index].name)")
        logger.logLevel = .warning
    }

    /// Starts the inbox and tick loops on the node's thread.
    public func start() {
        tasks.start([{ await self.receiveFrames() }, { await self.tickForever() }])
    }

    /// Stops the loops; a stopped node neither sends nor receives (a crash, or the end of a run).
    public func stop(reason: String = "stopped") async {
        await stopLoops(reason: reason)
    }

    public var role: Raft.Role { core.raft.role }
    public var term: UInt64 { core.raft.term }
    public var leader: NodeAddress? { core.raft.leader.flatMap(members.address(of:)) }
    public var height: UInt64 { store.head.height }
    public var headHash: Hash256 { store.headHash }
    /// The durable Raft state, as replaying the log file would rebuild it.
    public var raftStorage: Raft.Storage { raftLog.storage }
    /// Snapshots this orderer installed from a leader since it started.
    public var snapshotsInstalledCount: Int { core.snapshotsInstalledCount }
    /// Local log compactions since it started.
    public var compactionCount: Int { core.compactionCount }
    public var diskBytes: (read: UInt64, written: UInt64) {
        (store.bytesRead + raftLog.bytesRead, store.bytesWritten + raftLog.bytesWritten)
    }
    public nonisolated var traffic: TrafficCounters { endpoint.counters }
    public nonisolated let storageCounters = StorageCounters()

    private func publishStorageCounters() {
        storageCounters.publish(read: store.bytesRead + raftLog.bytesRead, written: store.bytesWritten + raftLog.bytesWritten)
    }

    /// Asks this orderer, if it leads, to hand leadership to another orderer.
    public func transferLeadership(to target: NodeAddress) {
        guard let id = members.raftID(of: target) else { return }
        core.transferLeadership(to: id)
        drain()
    }

    // MARK: - Loops


    private func tickForever() async {
        let interval = Duration.milliseconds(Int64(core.options.tickMilliseconds))
        while !Task.isCancelled, stopReason == nil {
            try? await Task.sleep(for: interval)
            core.advanceClock(to: WallClock.nowMilliseconds())
            drain()
            publishStorageCounters()
        }
    }

    func handle(_ message: NodeMessage, from frame: InboundFrame) {
        switch message {
        case .raft(let envelope):
            core.step(envelope)
        case .forward(let transaction):
            core.advanceClock(to: WallClock.nowMilliseconds())
            core.receiveForward(transaction, size: transaction.canonicalBytes.count)
        case .submit(let transaction):
            core.advanceClock(to: WallClock.nowMilliseconds())
            let outcome: SubmitOutcome
            if checksEnvelopes, transaction.execution == nil {
                outcome = .rejected(.notEndorsed)
            } else if checksEnvelopes, !envelopeVerifier.isValid(transaction) {
                outcome = .rejected(.badSignature)
            } else {
                outcome = core.submit(transaction, size: frame.bytes.count)
            }
            endpoint.send(NodeMessage.submitted(transaction: transaction.id, outcome: outcome).frame, to: frame.from)
        case .deliverRequest(let height) where members.raftID(of: frame.from) != nil:
            // Another orderer filling its store: one answer, no subscription.
            answerFetch(from: max(1, height), to: frame.from)
        case .deliverRequest(let height):
            subscribers[frame.from] = max(1, height)
            // Always answer, even with nothing, so the peer knows this orderer is alive.
            push(to: frame.from, answerEvenIfEmpty: true)
        case .blocks(let blocks) where members.raftID(of: frame.from) != nil:
            core.receiveBlocks(blocks)
        default:
            logger.warning("dropped a \(message) an orderer does not take, from \(frame.from)")
        }
        drain()
        publishStorageCounters()
    }

    /// The ready loop; a storage failure stops the node, as a crash would.
    private func drain() {
        var rounds = 0
        while stopReason == nil, core.hasReady, rounds < 1_000 {
            rounds += 1
            let ready = core.ready()
            do {
                if let compaction = ready.compaction { try raftLog.compact(to: compaction) }
                if let raftReady = ready.raft {
                    try raftLog.persist(raftReady)
                    for envelope in raftReady.messages {
                        guard let destination = members.address(of: envelope.to) else { continue }
                        endpoint.send(NodeMessage.raft(envelope).frame, to: destination)
                    }
                }
                for (leader, transaction) in ready.forwards {
                    guard let destination = members.address(of: leader) else { continue }
                    endpoint.send(NodeMessage.forward(transaction).frame, to: destination)
                }
                if let fetch = ready.fetch, let destination = members.address(of: fetch.orderer) {
                    endpoint.send(NodeMessage.deliverRequest(fromHeight: fetch.fromHeight).frame, to: destination)
                }
                for block in ready.blocks {
                    try store.append(block)
                    recentBlocks[block.header.height] = block
                    recentBlocks[block.header.height - UInt64(min(block.header.height, Self.recentBlockCount))] = nil
                }
            } catch {
                logger.critical("storage failed, stopping: \(error)")
                stopReason = "storage failed: \(error)"
                return
            }
            core.advance(ready)
            if !ready.blocks.isEmpty {
                for subscriber in subscribers.keys.sorted() { push(to: subscriber, answerEvenIfEmpty: false) }
            }
        }
    }

    /// Answers an orderer's fetch with the stored blocks from `height`, at most a message's worth.
    private func answerFetch(from height: UInt64, to orderer: NodeAddress) {
        let end = min(store.head.height + 1, height + UInt64(Self.maximumBlocksPerMessage))
        var blocks: [Block] = []
        if height < end {
            for wanted in height..<end {
                guard let block = recentBlocks[wanted] ?? (try? store.block(at: wanted)) else { break }
                blocks.append(block)
            }
        }
        endpoint.send(NodeMessage.blocks(blocks).frame, to: orderer)
    }

    /// Sends a subscriber the blocks it lacks, from its next height, at most a message's worth.
    private func push(to subscriber: NodeAddress, answerEvenIfEmpty: Bool) {
        guard let next = subscribers[subscriber] else { return }
        let end = min(store.head.height + 1, next + UInt64(Self.maximumBlocksPerMessage))
        var blocks: [Block] = []
        if next < end {
            for height in next..<end {
                guard let block = recentBlocks[height] ?? (try? store.block(at: height)) else { break }
                blocks.append(block)
            }
        }
        guard !blocks.isEmpty || answerEvenIfEmpty else { return }
        subscribers[subscriber] = next + UInt64(blocks.count)
        endpoint.send(NodeMessage.blocks(blocks).frame, to: subscriber)
    }

    deinit { executor.shutdown() }
}

extension OrdererNode: FrameReceivingNode {}

extension OrdererNode {
    /// How many times each of `ids` is in the stored chain, read back from the block store.
    public func transactionOccurrences(of ids: [Hash256]) throws -> [Int] {
        try store.transactionOccurrences(of: ids)
    }
}
