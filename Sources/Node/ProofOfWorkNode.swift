import Consensus
public import LedgerCore
public import LedgerPrimitives
public import Transport
import Logging
public import Storage
public import NodeCore
/// A proof-of-work node as a running node: a miner or a full node, gossiping with every other node,
/// on its own thread. A miner hashes in bounded slices between messages.
///
/// Only final blocks (`confirmations` deep) go to its append-only block store; commit events go
/// to subscribed clients when a transaction becomes final.
public actor ProofOfWorkNode {
    public nonisolated let address: NodeAddress
    public nonisolated let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let endpoint: any TransportEndpoint
    private var core: MinerCore
    private let store: BlockStore
    var logger: Logger
    /// Every other node of the network, by its gossip id.
    private let neighbours: [GossipPeer: NodeAddress]
    private let gossipIds: [NodeAddress: GossipPeer]
    private var commitSubscribers: Set<NodeAddress> = []
    private var queryVerifier = SignatureVerifier(capacity: 10_000)
    var tasks = NodeTasks()
    public internal(set) var stopReason: String?
    /// Hashes this node computed, and reorganisations and safety violations it saw.
    public private(set) var hashes: UInt64 = 0
    public private(set) var reorganisations: [Reorganisation] = []
    public private(set) var safetyViolations: [SafetyViolation] = []

    /// Hashes per mining slice: about a millisecond of work, so messages are never kept waiting long.
    public let sliceAttempts: UInt64
    /// The share of one core this node may spend hashing: in one process, miners together take at
    /// most half the machine, so that validation, gossip and the driver are not starved.
    public let miningCoreShare: Double
    public static let maximumSubscribers = 64

    /// - Parameters:
    ///   - network: every proof-of-work node of the federation, this one included.
    public init(address: NodeAddress, network: [NodeAddress], genesis: GenesisConfiguration, options: MinerOptions,
                storage: NodeStorage, endpoint: any TransportEndpoint, sliceAttempts: UInt64 = 4_096,
                miningCoreShare: Double = 1) throws {
        precondition(miningCoreShare > 0 && miningCoreShare <= 1, "a mining share is a fraction of one core")
        self.miningCoreShare = miningCoreShare
        self.address = address
        executor = ThreadExecutor(name: address.name)
        self.endpoint = endpoint
        var neighbours: [GossipPeer: NodeAddress] = [:]
        for (index, node) in network.enumerated() where node != address { neighbours[GossipPeer(UInt64(index))] = node }
        self.neighbours = neighbours
        gossipIds = Dictionary(uniqueKeysWithValues: neighbours.map { ($1, $0) })
        core = MinerCore(genesis: genesis, options: options, nowMilliseconds: WallClock.nowMilliseconds())
        (store, _) = try BlockStore.open(path: storage.directory + "/blocks", genesis: genesis,
                                         options: BlockStoreOptions(fsync: storage.fsync))
        self.sliceAttempts = sliceAttempts
        logger = Logger(label: "vernier.\(address.name)")
        logger.logLevel = .warning
    }

    public func start() {
        var loops: [@Sendable () async -> Void] = [{ await self.receiveFrames() }, { await self.tickForever() }]
        if core.options.mines { loops.append { await self.mineForever() } }
        tasks.start(loops)
    }

    public func stop(reason: String = "stopped") async {
        await stopLoops(reason: reason)
    }

    /// Pauses or resumes mining; gossip goes on, so the network can settle on one chain.
    public func setMiningPaused(_ paused: Bool) { miningPaused = paused }

    private var miningPaused = false

    public var height: UInt64 { core.tipHeight }
    public var headHash: Hash256 { core.tipHash }
    public var finalHeight: UInt64 { core.finalHeight }
    public var mines: Bool { core.options.mines }
    public nonisolated var traffic: TrafficCounters { endpoint.counters }
    public nonisolated let storageCounters = StorageCounters()
    public var diskBytes: (read: UInt64, written: UInt64) { (store.bytesRead, store.bytesWritten) }

    /// The main chain's blocks from `height` on (for tests and reports).
    public func mainChainBlocks(fromHeight height: UInt64) -> [Block] { core.mainChainBlocks(fromHeight: height) }

    // MARK: - Loops


    private func tickForever() async {
        while !Task.isCancelled, stopReason == nil {
            try? await Task.sleep(for: .milliseconds(50))
            core.advanceClock(to: WallClock.nowMilliseconds())
            drain()
        }
    }

    private func mineForever() async {
        while !Task.isCancelled, stopReason == nil {
            if miningPaused {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            let clock = ContinuousClock()
            let sliceStart = clock.now
            core.advanceClock(to: WallClock.nowMilliseconds())
            hashes += core.mineSlice(maxAttempts: sliceAttempts).attempts
            drain()
            if miningCoreShare < 1 {
                // Rest in proportion to the slice, so hashing takes only this node's share of a core.
                let rest = (clock.now - sliceStart) * ((1 - miningCoreShare) / miningCoreShare)
                try? await Task.sleep(for: rest)
            } else {
                // Let the inbox in between slices.
                await Task.yield()
            }
        }
    }

    func handle(_ message: NodeMessage, from frame: InboundFrame) {
        let neighbour = gossipIds[frame.from]
        switch message {
        case .submit(let transaction):
            let outcome: SubmitOutcome
            switch core.receive(transaction, from: nil) {
            case .success: outcome = .accepted
            case .failure(.badSignature): outcome = .rejected(.badSignature)
            case .failure(.mempool(.duplicate)): outcome = .accepted
            case .failure(.mempool(.replay)): outcome = .rejected(.replay)
            case .failure(.mempool(.nonceTaken)), .failure(.mempool(.nonceTooFarAhead)): outcome = .rejected(.nonceConflict)
            case .failure(.mempool): outcome = .rejected(.overloaded)
            }
            endpoint.send(NodeMessage.submitted(transaction: transaction.id, outcome: outcome).frame, to: frame.from)
        case .gossipTransaction(let transaction) where neighbour != nil:
            core.receive(.transaction(transaction), from: neighbour)
        case .gossipBlock(let block) where neighbour != nil:
            core.receive(.block(block), from: neighbour)
        case .blockRequest(let hash) where neighbour != nil:
            core.receive(.blockRequest(hash), from: neighbour)
        case .subscribeCommits:
            if commitSubscribers.count < Self.maximumSubscribers { commitSubscribers.insert(frame.from) }
        case .query(let requestId, let query):
            let answer = QueryAnswer.evaluate(query, on: core.ledger, verifier: &queryVerifier)
            endpoint.send(NodeMessage.queryAnswer(requestId: requestId, answer: answer).frame, to: frame.from)
        default:
            logger.warning("dropped a \(message) a proof-of-work node does not take, from \(frame.from)")
        }
        drain()
    }

    /// Stores final blocks (fsync), emits commit events, gossips; a storage failure stops the node.
    private func drain() {
        guard stopReason == nil, core.hasReady else { return }
        let ready = core.ready()
        do {
            for block in ready.finalBlocks {
                if block.header.height < UInt64(store.blockCount) || block.header.previousHash != store.headHash {
                    try followMainChain(below: block.header.height)
                }
                try store.append(block)
            }
        } catch {
            logger.critical("storage failed, stopping: \(error)")
            stopReason = "storage failed: \(error)"
            return
        }
        if !ready.commitEvents.isEmpty {
            let frame = NodeMessage.commits(ready.commitEvents).frame
            for subscriber in commitSubscribers.sorted() { endpoint.send(frame, to: subscriber) }
        }
        for send in ready.sends {
            let frame: [UInt8]
            switch send.message {
            case .transaction(let transaction): frame = NodeMessage.gossipTransaction(transaction).frame
            case .block(let block): frame = NodeMessage.gossipBlock(block).frame
            case .blockRequest(let hash): frame = NodeMessage.blockRequest(hash).frame
            }
            switch send.destination {
            case .allNeighbours(let except):
                for (id, neighbour) in neighbours.sorted(by: { $0.key < $1.key }) where id != except {
                    endpoint.send(frame, to: neighbour)
                }
            case .peer(let id):
                if let neighbour = neighbours[id] { endpoint.send(frame, to: neighbour) }
            }
        }
        reorganisations.append(contentsOf: ready.reorganisations.suffix(1_000))
        if reorganisations.count > 1_000 { reorganisations.removeFirst(reorganisations.count - 1_000) }
        storageCounters.publish(read: store.bytesRead, written: store.bytesWritten)
        for violation in ready.safetyViolations { logger.error("safety violation: \(violation)") }
        safetyViolations.append(contentsOf: ready.safetyViolations)
        core.advance(ready)
    }

    /// After a reorganisation deeper than the confirmations reverted "final" blocks (a safety
    /// violation, reported), makes the store hold the main chain below `height`: cuts it at the fork
    /// and appends the new branch's blocks.
    private func followMainChain(below height: UInt64) throws(BlockStoreError) {
        let storedTop = UInt64(store.blockCount) - 1
        let lowest = max(1, core.checkpointHeight)
        let chain = core.mainChainBlocks(fromHeight: lowest).filter { $0.header.height < height }
        var fork = lowest - 1
        for block in chain where block.header.height <= storedTop {
            guard try store.block(at: block.header.height).hash == block.hash else { break }
            fork = block.header.height
        }
        try store.truncate(toHeight: min(fork, storedTop))
        for block in chain where block.header.height > fork { try store.append(block) }
    }

    deinit { executor.shutdown() }
}

extension ProofOfWorkNode: LedgerNode {
    public var stateDigest: Hash256? { core.ledger.state.digest }
    public func nextNonce(of address: Address) -> UInt64? { core.ledger.nextNonce(of: address) }
    public func transactionOccurrences(of ids: [Hash256]) throws -> [Int] { try store.transactionOccurrences(of: ids) }
}

extension ProofOfWorkNode: FrameReceivingNode {}
