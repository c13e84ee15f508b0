import Consensus
import LedgerCore
import LedgerPrimitives

extension MinerCore {
    /// Hashes at most `maxAttempts` nonces of a block on the current tip.
    ///
    /// The candidate block takes up to `maxBlockTransactions` ready transactions from the mempool
    /// (fair across accounts) and is timed at the node's clock (never before its parent). It is
    /// assembled again when the tip changes, or when ready transactions arrived and it has room.
    /// A found block is applied, becomes the tip and is gossiped.
    public mutating func mineSlice(maxAttempts: UInt64) -> MiningSliceOutcome {
        guard options.mines else { return .notMining }
        if candidate == nil || candidate!.header.previousHash != tipHash
            || (candidateMissesTransactions && candidate!.transactions.count < options.maxBlockTransactions) {
            candidate = assembleCandidate()
        }
        // The block is timed when it is found, as real miners refresh their header's time while
        // they search; the target depends only on the parent chain, so it stays valid.
        let now = max(nowMilliseconds, ledger.head.timestampMilliseconds)
        if candidate!.header.timestampMilliseconds != now {
            var header = candidate!.header
            header.timestampMilliseconds = now
            candidate!.header = header
        }
        let working = candidate!
        switch ProofOfWork.mine(header: working.header, startNonce: working.nextNonce, maxAttempts: maxAttempts) {
        case .exhausted(let nextNonce, let attempts):
            candidate!.nextNonce = nextNonce
            return .searching(attempts: attempts)
        case .found(let header, _, let attempts):
            candidate = nil
            let block = Block(header: header, transactions: working.transactions)
            guard attach(block, from: nil) == .accepted else {
                // Our own block fails only if the tree is full; keep hashing later.
                return .searching(attempts: attempts)
            }
            selectHeaviestChain()
            return .found(block: block, attempts: attempts)
        }
    }

    func assembleCandidateTransactions() -> [Transaction] {
        let selected = mempool.selectForBlock(limit: options.maxBlockTransactions, rotation: tipHeight + 1,
                                              chainNextNonce: { ledger.nextNonce(of: $0) })
        // Selection follows the chain's nonces, so every transaction is includable; check anyway.
        var nextNonces: [Address: UInt64] = [:]
        return selected.filter { transaction in
            let expected = nextNonces[transaction.sender] ?? ledger.nextNonce(of: transaction.sender)
            guard transaction.nonce == expected else { return false }
            nextNonces[transaction.sender] = expected + 1
            return true
        }
    }

    mutating func assembleCandidate() -> Candidate {
        candidateMissesTransactions = false
        let transactions = assembleCandidateTransactions()
        let block = Block(
            height: tipHeight + 1, previousHash: tipHash,
            timestampMilliseconds: max(nowMilliseconds, ledger.head.timestampMilliseconds),
            seal: .proofOfWork(targetLeadingWord: requiredTarget(childOf: tipHash), nonce: options.firstNonce),
            transactions: transactions)
        return Candidate(header: block.header, transactions: transactions, nextNonce: options.firstNonce)
    }
}
