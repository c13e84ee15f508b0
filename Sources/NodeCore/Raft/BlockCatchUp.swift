public import Consensus
public import LedgerCore
public import LedgerPrimitives

/// A request for blocks an orderer's store lacks, to be sent as `deliverRequest(fromHeight:)`.
public struct BlockFetchRequest: Sendable, Hashable {
    /// The orderer to ask.
    public var orderer: Raft.NodeID
    /// The first height wanted.
    public var fromHeight: UInt64
}

/// Which blocks an orderer's store lacks after a snapshot, which it holds back, and whom to ask.
///
/// An orderer forms blocks on its formation head. Normally the store's head is the formation
/// head and every formed block goes straight to the store. After installing a snapshot (or
/// restarting from one while the store was behind) the formation head jumps ahead and the store
/// lacks the heights in between: the gap. Blocks formed meanwhile are held (at most
/// `maximumHeldBlocks`; when that is exceeded the held ones are dropped, to be fetched too) and
/// the gap is fetched from other orderers with the peers' deliver protocol. Fetched blocks are
/// taken only when they link to the store's head; once the gap closes the held blocks follow.
/// Pure: time and answers are inputs.
public struct BlockCatchUp: Sendable {
    /// The most formed blocks held back while the store has a gap.
    public let maximumHeldBlocks: Int
    /// How long to wait for an answer that makes progress before asking the next orderer.
    public let retryMilliseconds: UInt64

    /// The header of the last block the store holds or will hold once `takeBlocksToStore()`'s are appended.
    public private(set) var storeTopHeader: BlockHeader
    /// The hash of `storeTopHeader`.
    public private(set) var storeTopHash: Hash256
    /// The height of the block new blocks are formed on.
    public private(set) var formationHeight: UInt64
    /// The hash of the block new blocks are formed on.
    public private(set) var formationHash: Hash256
    /// Formed blocks waiting for the gap below them to close: contiguous, ending at the formation head.
    public private(set) var heldBlocks: [Block] = []
    /// How many times the held blocks overflowed and were dropped.
    public private(set) var heldDropCount = 0
    /// Blocks to append to the store next, in height order.
    private var blocksToStore: [Block] = []
    /// Whether to ask at once (an answer made progress, or a gap just opened).
    private var fetchDueNow = false
    /// When the last request went out.
    private var lastFetchMilliseconds: UInt64 = 0
    /// Requests that made no progress since the last one that did; picks the next orderer to ask.
    private var unansweredFetches = 0

    /// Starts with the store's head and the formation head (equal unless the store is behind).
    public init(storeHead: BlockHeader, storeHeadHash: Hash256, formationHead: BlockHeader, formationHash: Hash256,
                maximumHeldBlocks: Int, retryMilliseconds: UInt64) {
        precondition(maximumHeldBlocks >= 1 && retryMilliseconds >= 1, "catch-up bounds must be positive")
        precondition(storeHead.height <= formationHead.height, "the store cannot be ahead of the formation head")
        self.maximumHeldBlocks = maximumHeldBlocks
        self.retryMilliseconds = retryMilliseconds
        storeTopHeader = storeHead
        storeTopHash = storeHeadHash
        formationHeight = formationHead.height
        self.formationHash = formationHash
        fetchDueNow = storeHead.height < formationHead.height
    }

    /// The lowest height the held blocks (or the next formed block) start at.
    private var heldFromHeight: UInt64 { heldBlocks.first?.header.height ?? formationHeight + 1 }

    /// The heights the store lacks below the held blocks, if any.
    public var missingHeights: ClosedRange<UInt64>? {
        let first = storeTopHeader.height + 1
        let end = heldFromHeight
        return first < end ? first...(end - 1) : nil
    }

    /// Whether every formed block is in the store or queued for it.
    public var isComplete: Bool { missingHeights == nil && heldBlocks.isEmpty }

    /// Whether `takeBlocksToStore()` has blocks.
    public var hasBlocksToStore: Bool { !blocksToStore.isEmpty }

    /// A block formed on the formation head: queued for the store, or held above a gap.
    public mutating func formed(_ block: Block) {
        let wasComplete = isComplete
        formationHeight = block.header.height
        formationHash = block.hash
        if wasComplete {
            enqueueForStore(block)
            return
        }
        if heldBlocks.count >= maximumHeldBlocks {
            // Over the bound: drop the held blocks; the gap grows over them and they are fetched.
            heldBlocks.removeAll()
            heldDropCount += 1
        }
        heldBlocks.append(block)
    }

    /// The formation head jumped to a snapshot's position: what lies between is to be fetched.
    ///
    /// Held blocks are dropped (they are below the new head, so fetched like the rest).
    public mutating func jump(toHeader header: BlockHeader, hash: Hash256) {
        guard header.height >= formationHeight else { return }
        formationHeight = header.height
        formationHash = hash
        heldBlocks.removeAll()
        if storeTopHeader.height < header.height {
            fetchDueNow = true
            unansweredFetches = 0
        }
    }

    /// Takes blocks another orderer sent; returns how many were taken for the store.
    ///
    /// A block is taken only at the store's next height, linking to its head, below the held
    /// blocks, and, where this orderer knows that height's hash (its formation head, or the
    /// parent of its first held block), with that hash. Anything else is ignored.
    @discardableResult
    public mutating func receive(_ blocks: [Block]) -> Int {
        var taken = 0
        for block in blocks {
            guard let missing = missingHeights else { break }
            let height = block.header.height
            if height < missing.lowerBound { continue }
            guard height == missing.lowerBound,
                  (try? block.verifyLink(to: storeTopHeader, previousHash: storeTopHash)) != nil
            else { break }
            let hash = block.hash
            if height == formationHeight, hash != formationHash { break }
            if let firstHeld = heldBlocks.first, height + 1 == firstHeld.header.height,
               firstHeld.header.previousHash != hash { break }
            enqueueForStore(block)
            taken += 1
        }
        if missingHeights == nil, !heldBlocks.isEmpty {
            // The gap closed: the held blocks follow, in order.
            let held = heldBlocks
            heldBlocks.removeAll()
            for block in held { enqueueForStore(block) }
        }
        if taken > 0 {
            // Progress: ask the same orderer for the next part at once.
            fetchDueNow = missingHeights != nil
        }
        return taken
    }

    /// Hands out the blocks to append to the store, in order; the caller must append them all.
    public mutating func takeBlocksToStore() -> [Block] {
        let blocks = blocksToStore
        blocksToStore.removeAll()
        return blocks
    }

    /// Whether a fetch request is due at `nowMilliseconds`.
    public func isFetchDue(nowMilliseconds: UInt64) -> Bool {
        guard missingHeights != nil else { return false }
        return fetchDueNow || nowMilliseconds >= lastFetchMilliseconds + retryMilliseconds
    }

    /// The request to send now, if one is due: to the leader first, then to each other orderer in turn.
    public mutating func takeFetchRequest(nowMilliseconds: UInt64, selfID: Raft.NodeID, voters: [Raft.NodeID],
                                          leader: Raft.NodeID?) -> BlockFetchRequest? {
        guard let missing = missingHeights, isFetchDue(nowMilliseconds: nowMilliseconds) else { return nil }
        var candidates = voters.filter { $0 != selfID }
        guard !candidates.isEmpty else { return nil }
        if let leader, let position = candidates.firstIndex(of: leader) {
            candidates = Array(candidates[position...] + candidates[..<position])
        }
        if !fetchDueNow { unansweredFetches += 1 }
        fetchDueNow = false
        lastFetchMilliseconds = nowMilliseconds
        return BlockFetchRequest(orderer: candidates[unansweredFetches % candidates.count],
                                 fromHeight: missing.lowerBound)
    }

    private mutating func enqueueForStore(_ block: Block) {
        blocksToStore.append(block)
        storeTopHeader = block.header
        storeTopHash = block.hash
    }
}
