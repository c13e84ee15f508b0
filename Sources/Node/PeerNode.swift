public import LedgerCore
public import LedgerPrimitives
public import Transport
import Logging
public import Storage
public import NodeCore
/// A validating peer as a running node: its core and block store, pulling blocks from an orderer,
/// on its own thread.
///
/// Blocks are validated, stored (fsync) and only then announced to subscribed clients as commit
/// events. The peer asks its orderer for blocks from its next height, and moves to the next
/// orderer when its orderer stays silent.
public actor PeerNode {
    public nonisolated let address: NodeAddress
    public nonisolated let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let endpoint: any TransportEndpoint
    private let members: FederationMembers
    private var core: PeerCore
    private let store: BlockStore
    var logger: Logger
    private var ordererIndex: Int
    private var lastAnswerMilliseconds: UInt64
    private var commitSubscribers: Set<NodeAddress> = []
    /// Proposals waiting for this peer to reach the height their client asked for, oldest first.
    private var waitingProposals: [WaitingProposal] = []
    var tasks = NodeTasks()
    public internal(set) var stopReason: String?

    /// How often the peer asks its orderer for blocks, which also tells a silent orderer.
    public static let pollIntervalMilliseconds: UInt64 = 500
    /// Silence after which the peer moves to the next orderer.
    public static let failoverMilliseconds: UInt64 = 2_000
    /// The most commit subscribers; more are refused (ignored).
    public static let maximumSubscribers = 64
    /// The most proposals that wait for a height; more are answered `behind` at once.
    public static let maximumWaitingProposals = 10_000
    /// How long a proposal waits for its height before it is answered `behind`.
    public static let proposalWaitMilliseconds: UInt64 = 5_000

    /// A proposal whose client asked for a height this peer had not committed yet.
    private struct WaitingProposal {
        var requestId: UInt64
        var proposal: Transaction
        var timestampMilliseconds: UInt64
        var minimumHeight: UInt64
        var client: NodeAddress
        var arrivedMilliseconds: UInt64
    }

    /// Opens (or recovers) the peer's block store and rebuilds its state from it.
    public init(
        index: Int, members: FederationMembers, genesis: GenesisConfiguration, storage: NodeStorage,
        endpoint: any TransportEndpoint, endorser: EndorserIdentity? = nil
    ) throws {
        address = members.peers[index]
        executor = ThreadExecutor(name: members.peers[index].name)
        self.endpoint = endpoint
        self.members = members
        var core = PeerCore(genesis: genesis, endorser: endorser)
        let (store, _) = try BlockStore.open(path: storage.directory + "/blocks", genesis: genesis,
                                             options: BlockStoreOptions(fsync: storage.fsync)) { block throws(BlockStoreError) in
            guard block.header.height > 0 else { return }
            if case .refused(let error) = core.receive(block) { throw .chain(path: storage.directory, error) }
        }
        self.core = core
        self.store = store
        ordererIndex = index % members.orderers.count
        lastAnswerMilliseconds = WallClock.nowMilliseconds()
        logger = Logger(label: "vernier.\(members.peers[index].name)")
        logger.logLevel = .warning
    }

    public func start() {
        tasks.start([{ await self.receiveFrames() }, { await self.pollForever() }])
    }

    public func stop(reason: String = "stopped") async {
        await stopLoops(reason: reason)
    }

    public var height: UInt64 { core.ledger.height }
    var digest: Hash256 { core.ledger.state.digest }
    public var headHash: Hash256 { core.ledger.headHash }
    public var diskBytes: (read: UInt64, written: UInt64) { (store.bytesRead, store.bytesWritten) }
    public nonisolated var traffic: TrafficCounters { endpoint.counters }
    public nonisolated let storageCounters = StorageCounters()

    /// The next nonce of `address` on this peer's state (a client resynchronising an account).
    public func nextNonce(of address: Address) -> UInt64? { core.ledger.nextNonce(of: address) }

    // MARK: - Loops


    private func pollForever() async {
        requestBlocks()
        while !Task.isCancelled, stopReason == nil {
            try? await Task.sleep(for: .milliseconds(Int64(Self.pollIntervalMilliseconds)))
            answerWaitingProposals()
            // Compared by addition: the wall clock may step back, and UInt64 must not underflow.
            if WallClock.nowMilliseconds() > lastAnswerMilliseconds + Self.failoverMilliseconds {
                ordererIndex = (ordererIndex + 1) % members.orderers.count
                lastAnswerMilliseconds = WallClock.nowMilliseconds()
            }
            requestBlocks()
        }
    }

    private func requestBlocks() {
        endpoint.send(NodeMessage.deliverRequest(fromHeight: core.nextHeight).frame, to: members.orderers[ordererIndex])
    }

    func handle(_ message: NodeMessage, from frame: InboundFrame) {
        switch message {
        case .blocks(let blocks):
            if frame.from == members.orderers[ordererIndex] { lastAnswerMilliseconds = WallClock.nowMilliseconds() }
            commit(blocks, from: frame.from)
        case .subscribeCommits:
            if commitSubscribers.count < Self.maximumSubscribers { commitSubscribers.insert(frame.from) }
        case .query(let requestId, let transaction):
            endpoint.send(NodeMessage.queryAnswer(requestId: requestId, answer: answer(transaction)).frame, to: frame.from)
        case .endorse(let requestId, let proposal, let timestamp, let minimumHeight):
            let waiting = WaitingProposal(requestId: requestId, proposal: proposal, timestampMilliseconds: timestamp,
                                          minimumHeight: minimumHeight, client: frame.from,
                                          arrivedMilliseconds: WallClock.nowMilliseconds())
            if minimumHeight <= core.ledger.height {
                endorse(waiting)
            } else if waitingProposals.count < Self.maximumWaitingProposals {
                waitingProposals.append(waiting)
            } else {
                endpoint.send(NodeMessage.endorsement(requestId: requestId, answer: .behind(height: core.ledger.height)).frame,
                              to: frame.from)
            }
        default:
            logger.warning("dropped a \(message) a peer does not take, from \(frame.from)")
        }
    }

    private func commit(_ blocks: [Block], from orderer: NodeAddress) {
        var events: [CommitEvent] = []
        for block in blocks where stopReason == nil {
            switch core.receive(block) {
            case .committed(let codes):
                do {
                    try store.append(block)
                } catch {
                    logger.critical("storage failed, stopping: \(error)")
                    stopReason = "storage failed: \(error)"
                    return
                }
                events += PeerCore.events(of: block, codes: codes)
            case .alreadyCommitted:
                continue
            case .gap(let next):
                endpoint.send(NodeMessage.deliverRequest(fromHeight: next).frame, to: orderer)
            case .refused(let error):
                logger.error("refused block \(block.header.height) from \(orderer): \(error)")
            }
        }
        storageCounters.publish(read: store.bytesRead, written: store.bytesWritten)
        guard !events.isEmpty else { return }
        let frame = NodeMessage.commits(events).frame
        for subscriber in commitSubscribers.sorted() { endpoint.send(frame, to: subscriber) }
        answerWaitingProposals()
    }

    private func endorse(_ waiting: WaitingProposal) {
        let answer = core.endorse(waiting.proposal, timestampMilliseconds: waiting.timestampMilliseconds)
        endpoint.send(NodeMessage.endorsement(requestId: waiting.requestId, answer: answer).frame, to: waiting.client)
    }

    /// Endorses the waiting proposals whose height is reached; those that waited too long are
    /// answered `behind`.
    private func answerWaitingProposals() {
        guard !waitingProposals.isEmpty else { return }
        let now = WallClock.nowMilliseconds()
        let height = core.ledger.height
        var stillWaiting: [WaitingProposal] = []
        for waiting in waitingProposals {
            if waiting.minimumHeight <= height {
                endorse(waiting)
            } else if now > waiting.arrivedMilliseconds + Self.proposalWaitMilliseconds {
                endpoint.send(NodeMessage.endorsement(requestId: waiting.requestId, answer: .behind(height: height)).frame,
                              to: waiting.client)
            } else {
                stillWaiting.append(waiting)
            }
        }
        waitingProposals = stillWaiting
    }

    private func answer(_ query: Transaction) -> QueryAnswer {
        QueryAnswer.evaluate(query, on: core.ledger, verifier: &queryVerifier)
    }

    private var queryVerifier = SignatureVerifier(capacity: 10_000)

    deinit { executor.shutdown() }
}

extension PeerNode: FrameReceivingNode {}

extension PeerNode {
    /// How many times each of `ids` is in the stored chain, read back from the block store.
    public func transactionOccurrences(of ids: [Hash256]) throws -> [Int] {
        try store.transactionOccurrences(of: ids)
    }
}
