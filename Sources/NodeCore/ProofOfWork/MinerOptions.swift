public import Consensus

/// Settings of one proof-of-work node.
public struct MinerOptions: Sendable, Hashable, Codable {
    /// True for a miner; a full node validates and gossips but never mines.
    public var mines: Bool
    public var retarget: ProofOfWork.RetargetRule
    /// Blocks mined on top of a block before its transactions are final (0: final on inclusion).
    public var confirmations: UInt64
    /// The most transactions in one block; larger blocks are refused.
    public var maxBlockTransactions: Int
    public var mempool: MempoolOptions
    /// How far below the tip the node keeps a copy of the world state to replay branches from;
    /// also the deepest reorganisation it can follow. At least `confirmations`.
    public var checkpointDepthBlocks: UInt64
    /// The most blocks in the block tree (the chain above the checkpoint and its side branches).
    public var maxTreeBlocks: Int
    /// The most blocks kept while their parent is missing.
    public var maxOrphanBlocks: Int
    /// How long to wait for a requested parent before asking every neighbour again.
    public var parentRequestRetryMilliseconds: UInt64
    /// Blocks timed further ahead of this node's clock are refused (for now; they may come again).
    public var maxFutureBlockMilliseconds: UInt64
    /// How many committed transactions and invalid blocks the node remembers.
    public var memoryCapacity: Int
    /// The first nonce this miner tries on each block; give miners distinct ranges.
    public var firstNonce: UInt64

    public init(
        mines: Bool, retarget: ProofOfWork.RetargetRule, confirmations: UInt64 = 1,
        maxBlockTransactions: Int = 500, mempool: MempoolOptions = MempoolOptions(),
        checkpointDepthBlocks: UInt64? = nil, maxTreeBlocks: Int = 4_096, maxOrphanBlocks: Int = 256,
        parentRequestRetryMilliseconds: UInt64 = 1_000, maxFutureBlockMilliseconds: UInt64 = 15_000,
        memoryCapacity: Int = 200_000, firstNonce: UInt64 = 0
    ) {
        let depth = checkpointDepthBlocks ?? confirmations + 16
        precondition(depth >= confirmations, "the state checkpoint must lie at or below the final height")
        precondition(maxBlockTransactions >= 1 && maxTreeBlocks >= Int(depth) + 2 && maxOrphanBlocks >= 1
                     && memoryCapacity >= 1, "proof-of-work node bounds must leave room")
        self.mines = mines
        self.retarget = retarget
        self.confirmations = confirmations
        self.maxBlockTransactions = maxBlockTransactions
        self.mempool = mempool
        self.checkpointDepthBlocks = depth
        self.maxTreeBlocks = maxTreeBlocks
        self.maxOrphanBlocks = maxOrphanBlocks
        self.parentRequestRetryMilliseconds = parentRequestRetryMilliseconds
        self.maxFutureBlockMilliseconds = maxFutureBlockMilliseconds
        self.memoryCapacity = memoryCapacity
        self.firstNonce = firstNonce
    }
}
