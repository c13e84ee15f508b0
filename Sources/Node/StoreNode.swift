import Consensus
public import LedgerCore
public import LedgerPrimitives
public import Transport
import Logging
public import Storage
import NodeCore


/// The no-ledger baseline: one node that checks signature, nonce and contract and stores each
/// transaction (fsync) before it answers, as a web service with a database would.
public actor StoreNode {
    public nonisolated let address: NodeAddress
    public nonisolated let executor: ThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    let endpoint: any TransportEndpoint
    private let ledger: PersistentLedger
    private var verifier = SignatureVerifier()
    private var commitSubscribers: Set<NodeAddress> = []
    var tasks = NodeTasks()
    var logger: Logger
    public internal(set) var stopReason: String?

    public init(address: NodeAddress, genesis: GenesisConfiguration, storage: NodeStorage, endpoint: any TransportEndpoint) throws {
        self.address = address
        executor = ThreadExecutor(name: address.name)
        self.endpoint = endpoint
        ledger = try PersistentLedger(path: storage.directory + "/blocks", genesis: genesis,
                                      options: BlockStoreOptions(fsync: storage.fsync))
        logger = Logger(label: "vernier.\(address.name)")
        logger.logLevel = .warning
    }

    public func start() {
        tasks.start([{ await self.receiveFrames() }])
    }

    public func stop(reason: String = "stopped") async {
        await stopLoops(reason: reason)
    }

    public var height: UInt64 { ledger.ledger.height }
    public var headHash: Hash256 { ledger.ledger.headHash }
    public nonisolated var traffic: TrafficCounters { endpoint.counters }
    public nonisolated let storageCounters = StorageCounters()
    public var diskBytes: (read: UInt64, written: UInt64) { (ledger.store.bytesRead, ledger.store.bytesWritten) }


    func handle(_ message: NodeMessage, from frame: InboundFrame) {
        switch message {
        case .submit(let transaction):
            let (outcome, event) = store(transaction)
            endpoint.send(NodeMessage.submitted(transaction: transaction.id, outcome: outcome).frame, to: frame.from)
            if let event {
                let commits = NodeMessage.commits([event]).frame
                for subscriber in commitSubscribers.sorted() { endpoint.send(commits, to: subscriber) }
            }
        case .subscribeCommits:
            if commitSubscribers.count < ProofOfWorkNode.maximumSubscribers { commitSubscribers.insert(frame.from) }
        case .query(let requestId, let query):
            let answer = QueryAnswer.evaluate(query, on: ledger.ledger, verifier: &verifier)
            endpoint.send(NodeMessage.queryAnswer(requestId: requestId, answer: answer).frame, to: frame.from)
        default:
            logger.warning("dropped a \(message) the store does not take, from \(frame.from)")
        }
    }

    /// Checks and stores one transaction; a bad signature or nonce is refused without storing.
    private func store(_ transaction: Transaction) -> (SubmitOutcome, CommitEvent?) {
        guard stopReason == nil else { return (.rejected(.overloaded), nil) }
        guard verifier.isValid(transaction) else { return (.rejected(.badSignature), nil) }
        let expected = ledger.ledger.nextNonce(of: transaction.sender)
        guard transaction.nonce == expected else {
            return (.rejected(transaction.nonce < expected ? .replay : .nonceConflict), nil)
        }
        let head = ledger.ledger.head
        let block = Block(height: head.height + 1, previousHash: ledger.ledger.headHash,
                          timestampMilliseconds: max(WallClock.nowMilliseconds(), head.timestampMilliseconds),
                          seal: .store, transactions: [transaction])
        do {
            let codes = try ledger.commit(block, signatureVerdicts: [true])
            storageCounters.publish(read: ledger.store.bytesRead, written: ledger.store.bytesWritten)
            return (.accepted, CommitEvent(transaction: transaction.id, code: codes[0], height: block.header.height))
        } catch {
            logger.critical("storage failed, stopping: \(error)")
            stopReason = "storage failed: \(error)"
            return (.rejected(.overloaded), nil)
        }
    }

    deinit { executor.shutdown() }
}

extension StoreNode: LedgerNode {
    public var stateDigest: Hash256? { ledger.ledger.state.digest }
    public func nextNonce(of address: Address) -> UInt64? { ledger.ledger.nextNonce(of: address) }
    public func transactionOccurrences(of ids: [Hash256]) throws -> [Int] { try ledger.store.transactionOccurrences(of: ids) }
}

extension StoreNode: FrameReceivingNode {}
