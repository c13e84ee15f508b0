import Consensus
public import LedgerCore
public import LedgerPrimitives

/// A proof-of-work full node as a value: block tree, heaviest-chain choice, reorganisation,
/// mempool, mining in bounded slices, gossip and finality. Pure: time, messages and hashing
/// budgets are inputs; what to store, emit and send comes out of `ready()`.
///
/// **Fork choice.** The tip is the block with the most cumulative work (the sum of
/// `ProofOfWork.work` over its chain) whose branch validated; on equal work the current tip
/// stays, and among other equals the first seen wins.
///
/// **State.** `ledger` is the world state at the tip and is advanced in place as the chain grows.
/// A second ledger, the *checkpoint*, trails `checkpointDepthBlocks` behind the tip and is also
/// advanced in place (each block is applied twice, never copied). A reorganisation copies the
/// checkpoint once, replays the main chain up to the fork and then the new branch; the branch's
/// transactions are checked there, so a branch with an invalid block never replaces the chain.
///
/// **Validity.** A block needs a proof-of-work seal whose target is the retarget rule's for its
/// parent chain and whose hash meets it; a body matching its header; at most
/// `maxBlockTransactions` transactions, all with valid signatures; and, on its parent's state,
/// every transaction's nonce must be the sender's next (Ethereum rejects blocks with invalid
/// transactions; a contract's refusal is not invalid: the nonce is spent and the commit event
/// carries the refusal, like a reverted Ethereum transaction).
///
/// **Finality.** A block is final when `confirmations` blocks lie on top of it on the heaviest
/// chain; its transactions' commit events fire then, once per transaction. Reverting a final
/// block is reported as a `SafetyViolation`.
///
/// **Persistence (advice to the shell).** Append `MinerReady.finalBlocks` to the append-only
/// block store: they are in height order and never reverted by honest miners. Non-final blocks
/// are not stored; after a restart the node replays the stored chain and learns the rest from
/// its neighbours.
public struct MinerCore: Sendable {
    struct TreeEntry: Sendable {
        let block: Block
        let cumulativeWork: UInt128
        /// Order of arrival, for "first seen" among equally heavy tips.
        let arrival: UInt64
        /// The validation codes, while the block is on the main chain.
        var codes: [ValidationCode]?

        var header: BlockHeader { block.header }
    }

    struct Orphan: Sendable {
        let block: Block
        let from: GossipPeer?
    }

    struct Candidate: Sendable {
        var header: BlockHeader
        let transactions: [Transaction]
        var nextNonce: UInt64
    }

    public let options: MinerOptions
    public let genesis: GenesisConfiguration
    /// The world state at the tip of the heaviest chain.
    public internal(set) var ledger: Ledger
    public internal(set) var mempool: Mempool
    /// The highest final block (commit events have fired up to here).
    public internal(set) var finalHeight: UInt64 = 0

    /// The world state at `mainChain[0]`.
    var checkpoint: Ledger
    /// Up to `retarget.ancestorsNeeded` main-chain headers ending at the checkpoint, oldest first.
    var checkpointAncestry: [BlockHeader]
    /// The heaviest chain from the checkpoint up: `mainChain[i]` is at `checkpointHeight + i`.
    var mainChain: [Hash256]
    var tree: [Hash256: TreeEntry] = [:]
    var orphans: [Orphan] = []
    /// When each missing parent was last asked for.
    var parentRequests: [Hash256: UInt64] = [:]
    var invalidBlocks: RecentSet<Hash256>
    var committedTransactions: RecentSet<Hash256>
    var verifier = SignatureVerifier(capacity: 10_000)
    var candidate: Candidate?
    /// A ready transaction arrived since the candidate block was assembled.
    var candidateMissesTransactions = false
    var nextArrival: UInt64 = 0
    var nowMilliseconds: UInt64
    var output = MinerReady()

    public init(genesis: GenesisConfiguration, options: MinerOptions, nowMilliseconds: UInt64) {
        self.genesis = genesis
        self.options = options
        ledger = Ledger(genesis: genesis)
        checkpoint = ledger
        mempool = Mempool(options: options.mempool)
        let block = genesis.genesisBlock
        tree[block.hash] = TreeEntry(block: block, cumulativeWork: 0, arrival: 0, codes: [])
        nextArrival = 1
        mainChain = [block.hash]
        checkpointAncestry = [block.header]
        invalidBlocks = RecentSet(capacity: options.memoryCapacity)
        committedTransactions = RecentSet(capacity: options.memoryCapacity)
        self.nowMilliseconds = nowMilliseconds
    }

    // MARK: - Reading

    public var tipHash: Hash256 { ledger.headHash }
    public var tipHeight: UInt64 { ledger.height }
    /// Cumulative work of the heaviest chain.
    public var tipWork: UInt128 { tree[tipHash]!.cumulativeWork }
    /// The height of the state checkpoint; branches forking below it are not followed.
    public var checkpointHeight: UInt64 { checkpoint.height }
    /// Blocks in the tree (main chain above the checkpoint, and side branches).
    public var treeBlockCount: Int { tree.count }
    public var orphanBlockCount: Int { orphans.count }

    /// A block the tree holds.
    public func block(_ hash: Hash256) -> Block? { tree[hash]?.block }

    /// The heaviest chain's blocks from `height` (at least the checkpoint's) to the tip.
    public func mainChainBlocks(fromHeight height: UInt64) -> [Block] {
        let start = Int(max(height, checkpointHeight) - checkpointHeight)
        guard start < mainChain.count else { return [] }
        return mainChain[start...].map { tree[$0]!.block }
    }

    // MARK: - Inputs

    /// Moves the node's clock on and asks again for parents that have not arrived.
    public mutating func advanceClock(to now: UInt64) {
        guard now > nowMilliseconds else { return }
        nowMilliseconds = now
        let missing = Set(orphans.map(\.block.header.previousHash))
        parentRequests = parentRequests.filter { missing.contains($0.key) }
        for orphan in orphans where tree[orphan.block.header.previousHash] == nil {
            requestParent(orphan.block.header.previousHash, from: nil)
        }
    }

    /// Handles a message from a neighbour.
    public mutating func receive(_ message: MinerMessage, from peer: GossipPeer?) {
        switch message {
        case .transaction(let transaction): _ = receive(transaction, from: peer)
        case .block(let block): _ = receive(block, from: peer)
        case .blockRequest(let hash):
            guard let peer, let entry = tree[hash] else { return }
            output.sends.append(MinerSend(destination: .peer(peer), message: .block(entry.block)))
        }
    }

    /// Pools a transaction from a client (`from` nil) or a neighbour, and passes it on if taken.
    /// A client's resubmission of a pooled transaction is passed on again (never a neighbour's,
    /// so gossip cannot loop).
    ///
    /// - Parameter signatureVerdict: a check done beforehand, or nil to verify here.
    @discardableResult
    public mutating func receive(
        _ transaction: Transaction, from peer: GossipPeer?, signatureVerdict: Bool? = nil
    ) -> Result<MempoolAdmission, TransactionRefusal> {
        if mempool.contains(transaction.id) {
            // A client resubmitting what waits here (its gossip may have been lost): announce it again.
            if peer == nil {
                output.sends.append(MinerSend(destination: .allNeighbours(except: nil), message: .transaction(transaction)))
            }
            return .failure(.mempool(.duplicate))
        }
        guard signatureVerdict ?? verifier.isValid(transaction) else { return .failure(.badSignature) }
        switch mempool.add(transaction, chainNextNonce: ledger.nextNonce(of: transaction.sender)) {
        case .success(let admission):
            output.sends.append(MinerSend(destination: .allNeighbours(except: peer), message: .transaction(transaction)))
            if admission == .ready { candidateMissesTransactions = true }
            return .success(admission)
        case .failure(let refusal):
            return .failure(.mempool(refusal))
        }
    }

    /// Takes a block into the tree, passes it on, and follows it if its branch is now heaviest.
    ///
    /// `.accepted` means the header, proof, link and signatures hold; the transactions are checked
    /// against state when the branch is followed, and an invalid branch is dropped then.
    ///
    /// - Parameter signatureVerdicts: checks done beforehand, one per transaction, or nil.
    @discardableResult
    public mutating func receive(_ block: Block, from peer: GossipPeer?, signatureVerdicts: [Bool]? = nil) -> BlockReceipt {
        let receipt = admit(block, from: peer, signatureVerdicts: signatureVerdicts)
        if receipt == .accepted {
            connectOrphans(of: block.hash)
            selectHeaviestChain()
        }
        return receipt
    }

    // MARK: - Output

    public var hasReady: Bool { !output.isEmpty }

    /// The work to do; it stays pending until `advance(_:)` acknowledges it.
    public func ready() -> MinerReady { output }

    /// Acknowledges that a `ready()` value was stored, emitted and sent.
    public mutating func advance(_ done: MinerReady) {
        output.finalBlocks.removeFirst(min(done.finalBlocks.count, output.finalBlocks.count))
        output.commitEvents.removeFirst(min(done.commitEvents.count, output.commitEvents.count))
        output.sends.removeFirst(min(done.sends.count, output.sends.count))
        output.reorganisations.removeFirst(min(done.reorganisations.count, output.reorganisations.count))
        output.safetyViolations.removeFirst(min(done.safetyViolations.count, output.safetyViolations.count))
    }
}
