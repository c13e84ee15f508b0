public import Consensus
public import LedgerCore
public import LedgerPrimitives

/// A neighbour of a proof-of-work node on the gossip network, as its shell numbers them.
public struct GossipPeer: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (lhs: GossipPeer, rhs: GossipPeer) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "peer\(rawValue)" }
}

/// What proof-of-work nodes say to each other.
public enum MinerMessage: Sendable, Hashable {
    /// A transaction to pool and pass on.
    case transaction(Transaction)
    /// A block to validate and pass on (or the answer to a request).
    case block(Block)
    /// Asks for the block with this hash (the parent of a block that arrived first).
    case blockRequest(Hash256)
}

/// One message to send, and to whom.
public struct MinerSend: Sendable, Hashable {
    public enum Destination: Sendable, Hashable {
        /// Every neighbour but the one the content came from (gossip without echo).
        case allNeighbours(except: GossipPeer?)
        case peer(GossipPeer)
    }

    public var destination: Destination
    public var message: MinerMessage

    public init(destination: Destination, message: MinerMessage) {
        self.destination = destination
        self.message = message
    }
}

/// How a node's heaviest chain changed when a heavier branch won.
public struct Reorganisation: Sendable, Hashable {
    /// Height of the last block both chains share.
    public var forkHeight: UInt64
    public var oldTip: Hash256
    public var oldTipHeight: UInt64
    public var newTip: Hash256
    public var newTipHeight: UInt64

    /// Blocks taken off the old chain.
    public var depth: UInt64 { oldTipHeight - forkHeight }
}

/// A final block was taken off the chain: more than `confirmations` blocks were reverted.
/// Honest miners on a connected network make this vanishingly rare; it is reported, never hidden.
public struct SafetyViolation: Sendable, Hashable, CustomStringConvertible {
    public var reorganisation: Reorganisation
    /// The node's final height before the reorganisation (commit events had fired up to it).
    public var finalHeight: UInt64

    public var description: String {
        "a reorganisation of depth \(reorganisation.depth) reverted final blocks above height "
            + "\(reorganisation.forkHeight) (final up to \(finalHeight))"
    }
}

/// Why a node did not take a block into its block tree.
public enum BlockRefusal: Sendable, Hashable, CustomStringConvertible {
    /// At or below the state checkpoint: no branch from there can be followed any more.
    case belowCheckpoint(checkpointHeight: UInt64)
    /// Body does not match the header (count, Merkle root): maybe damaged in transit; not remembered.
    case malformedBody(ChainError)
    case tooManyTransactions(count: Int, limit: Int)
    /// A transaction's signature does not verify (signatures are outside the header's commitment,
    /// so the block's hash is not remembered as invalid).
    case badSignature(transactionIndex: Int)
    /// Timed further ahead of this node's clock than allowed; may be offered again later.
    case fromTheFuture(timestampMilliseconds: UInt64, nowMilliseconds: UInt64)
    /// Does not follow its parent (height, time).
    case invalidLink(ChainError)
    case invalidProof(ProofOfWork.ProofError)
    /// A transaction cannot be included on the block's parent state (signature or nonce).
    case invalidTransaction(index: Int, code: ValidationCode)
    /// Descends from a block known to be invalid.
    case invalidAncestor
    /// The block tree holds its most blocks.
    case treeFull

    public var description: String {
        switch self {
        case .belowCheckpoint(let height): "at or below the checkpoint \(height)"
        case .malformedBody(let error): "malformed body: \(error)"
        case .tooManyTransactions(let count, let limit): "\(count) transactions, limit \(limit)"
        case .badSignature(let index): "transaction \(index) has a bad signature"
        case .fromTheFuture(let time, let now): "timed \(time) ms, clock at \(now) ms"
        case .invalidLink(let error): "\(error)"
        case .invalidProof(let error): "\(error)"
        case .invalidTransaction(let index, let code): "transaction \(index): \(code)"
        case .invalidAncestor: "descends from an invalid block"
        case .treeFull: "block tree full"
        }
    }
}

/// What became of a received block.
public enum BlockReceipt: Sendable, Hashable {
    /// In the block tree (its transactions are checked against state when its branch is followed).
    case accepted
    /// Already in the tree, waiting, or known invalid: nothing done.
    case alreadyKnown
    /// Its parent is unknown: kept aside and the parent requested.
    case waitingForParent
    case refused(BlockRefusal)
}

/// Why a node did not pool a transaction.
public enum TransactionRefusal: Error, Sendable, Hashable {
    case badSignature
    case mempool(MempoolRefusal)
}

/// What one mining slice did.
public enum MiningSliceOutcome: Sendable, Hashable {
    /// This node does not mine.
    case notMining
    /// Hashed `attempts` times without finding a block.
    case searching(attempts: UInt64)
    /// Found, applied and queued for gossip: `block`, after `attempts` hashes in this slice.
    case found(block: Block, attempts: UInt64)

    public var attempts: UInt64 {
        switch self {
        case .notMining: 0
        case .searching(let attempts), .found(_, let attempts): attempts
        }
    }
}

/// What a proof-of-work node's shell must do, in this order: append `finalBlocks` to its block
/// store (they never change, unless a `safetyViolations` entry says otherwise), emit
/// `commitEvents`, send `sends`; then call `MinerCore.advance(_:)` with this value.
public struct MinerReady: Sendable {
    /// Blocks that became final (`confirmations` blocks on top on the heaviest chain), ascending.
    public var finalBlocks: [Block] = []
    /// One per transaction of each final block, each transaction at most once.
    public var commitEvents: [CommitEvent] = []
    public var sends: [MinerSend] = []
    /// Every switch to a heavier branch that was not an extension of the chain.
    public var reorganisations: [Reorganisation] = []
    public var safetyViolations: [SafetyViolation] = []

    public var isEmpty: Bool {
        finalBlocks.isEmpty && commitEvents.isEmpty && sends.isEmpty && reorganisations.isEmpty
            && safetyViolations.isEmpty
    }
}
