import Consensus
import LedgerCore
import LedgerPrimitives

extension MinerCore {
    // MARK: - Admission

    /// Checks what can be checked without the parent, then attaches the block or keeps it aside.
    mutating func admit(_ block: Block, from peer: GossipPeer?, signatureVerdicts: [Bool]?) -> BlockReceipt {
        let hash = block.hash
        let header = block.header
        if tree[hash] != nil || invalidBlocks.contains(hash) || orphans.contains(where: { $0.block.hash == hash }) {
            return .alreadyKnown
        }
        guard header.height > checkpointHeight else { return .refused(.belowCheckpoint(checkpointHeight: checkpointHeight)) }
        guard ProofOfWork.claimedTarget(of: header) != nil else {
            return rememberInvalid(hash, .invalidProof(.notProofOfWork(height: header.height)))
        }
        do {
            try block.verifyBody()
        } catch {
            return .refused(.malformedBody(error))
        }
        guard block.transactions.count <= options.maxBlockTransactions else {
            return rememberInvalid(hash, .tooManyTransactions(count: block.transactions.count, limit: options.maxBlockTransactions))
        }
        guard header.timestampMilliseconds <= nowMilliseconds + options.maxFutureBlockMilliseconds else {
            return .refused(.fromTheFuture(timestampMilliseconds: header.timestampMilliseconds, nowMilliseconds: nowMilliseconds))
        }
        if invalidBlocks.contains(header.previousHash) { return rememberInvalid(hash, .invalidAncestor) }
        precondition(signatureVerdicts == nil || signatureVerdicts!.count == block.transactions.count,
                     "one signature verdict per transaction")
        for (index, transaction) in block.transactions.enumerated() {
            guard signatureVerdicts?[index] ?? verifier.isValid(transaction) else {
                return .refused(.badSignature(transactionIndex: index))
            }
        }
        guard tree[header.previousHash] != nil else {
            keepOrphan(block, from: peer)
            return .waitingForParent
        }
        return attach(block, from: peer)
    }

    /// Links a block whose parent is in the tree: link and proof, then into the tree and gossip.
    mutating func attach(_ block: Block, from peer: GossipPeer?) -> BlockReceipt {
        let parent = tree[block.header.previousHash]!
        do {
            try block.verifyLink(to: parent.header, previousHash: parent.block.hash)
        } catch {
            return rememberInvalid(block.hash, .invalidLink(error))
        }
        let required = requiredTarget(childOf: parent.block.hash)
        do {
            try ProofOfWork.verifyProof(of: block, requiredTarget: required)
        } catch {
            return rememberInvalid(block.hash, .invalidProof(error))
        }
        guard tree.count < options.maxTreeBlocks else { return .refused(.treeFull) }
        tree[block.hash] = TreeEntry(
            block: block, cumulativeWork: parent.cumulativeWork + ProofOfWork.work(targetLeadingWord: required),
            arrival: nextArrival, codes: nil)
        nextArrival += 1
        output.sends.append(MinerSend(destination: .allNeighbours(except: peer), message: .block(block)))
        return .accepted
    }

    /// Remembers a block whose header itself is invalid, so it and its descendants are refused.
    mutating func rememberInvalid(_ hash: Hash256, _ refusal: BlockRefusal) -> BlockReceipt {
        invalidBlocks.insert(hash)
        return .refused(refusal)
    }

    mutating func keepOrphan(_ block: Block, from peer: GossipPeer?) {
        if orphans.count >= options.maxOrphanBlocks { orphans.removeFirst() }
        orphans.append(Orphan(block: block, from: peer))
        requestParent(block.header.previousHash, from: peer)
    }

    /// Asks `peer` (or, when nil, every neighbour) for a missing block, at most once per retry period.
    mutating func requestParent(_ hash: Hash256, from peer: GossipPeer?) {
        if let last = parentRequests[hash], nowMilliseconds < last + options.parentRequestRetryMilliseconds { return }
        parentRequests[hash] = nowMilliseconds
        let destination: MinerSend.Destination = peer.map { .peer($0) } ?? .allNeighbours(except: nil)
        output.sends.append(MinerSend(destination: destination, message: .blockRequest(hash)))
    }

    /// Attaches the orphans that were waiting for `hash`, and theirs, recursively.
    mutating func connectOrphans(of hash: Hash256) {
        var arrived = [hash]
        var rounds = 0
        while let parent = arrived.popLast(), rounds <= options.maxOrphanBlocks {
            rounds += 1
            let children = orphans.filter { $0.block.header.previousHash == parent }
            guard !children.isEmpty else { continue }
            orphans.removeAll { $0.block.header.previousHash == parent }
            parentRequests[parent] = nil
            for child in children where attach(child.block, from: child.from) == .accepted {
                arrived.append(child.block.hash)
            }
        }
    }

    // MARK: - Difficulty

    /// The target a child of `parentHash` must carry, from the parent's chain in the tree.
    func requiredTarget(childOf parentHash: Hash256) -> UInt64 {
        let needed = options.retarget.ancestorsNeeded
        var newestFirst: [BlockHeader] = []
        var hash = parentHash
        while newestFirst.count < needed {
            if hash == mainChain[0] {
                newestFirst.append(contentsOf: checkpointAncestry.reversed())
                break
            }
            guard let entry = tree[hash] else { break }
            newestFirst.append(entry.header)
            if entry.header.height == 0 { break }
            hash = entry.header.previousHash
        }
        return options.retarget.requiredTarget(childOf: newestFirst.prefix(needed).reversed())
    }

    // MARK: - Fork choice

    /// Follows the heaviest branch whose blocks validate, dropping invalid branches on the way.
    mutating func selectHeaviestChain() {
        let previousTip = tipHash
        // Each round either reaches the heaviest block or removes at least one block from the tree.
        var rounds = 0
        while rounds <= tree.count {
            rounds += 1
            let best = heaviestBlock()
            if best == tipHash { break }
            follow(best)
        }
        guard tipHash != previousTip else { return }
        candidate = nil
        finalize()
        advanceCheckpoint()
    }

    /// The block with the most cumulative work; the tip wins ties, then the first seen.
    func heaviestBlock() -> Hash256 {
        var bestHash = tipHash
        var best = tree[bestHash]!
        for (hash, entry) in tree {
            let heavier = entry.cumulativeWork > best.cumulativeWork
            let earlierEqual = entry.cumulativeWork == best.cumulativeWork && bestHash != tipHash && entry.arrival < best.arrival
            if heavier || earlierEqual {
                bestHash = hash
                best = entry
            }
        }
        return bestHash
    }

    func isOnMainChain(_ hash: Hash256) -> Bool {
        guard let entry = tree[hash], entry.header.height >= checkpointHeight else { return false }
        let index = Int(entry.header.height - checkpointHeight)
        return index < mainChain.count && mainChain[index] == hash
    }

    /// Moves the tip towards `target`: extends the chain in place, or reorganises onto its branch
    /// if the valid part of that branch is heavier than the current chain.
    mutating func follow(_ target: Hash256) {
        var branch: [Block] = []
        var hash = target
        while !isOnMainChain(hash) {
            guard let entry = tree[hash] else {
                // Only descendants of the checkpoint stay in the tree, so this does not happen;
                // if it did, drop the unreachable branch rather than loop.
                discard(target)
                return
            }
            branch.append(entry.block)
            hash = entry.header.previousHash
        }
        branch.reverse()
        let forkHeight = tree[hash]!.header.height
        if forkHeight == tipHeight {
            for block in branch {
                guard let codes = Self.apply(block, to: &ledger) else {
                    discard(block.hash)
                    return
                }
                joinMainChain(block, codes: codes)
            }
            return
        }
        var replay = checkpoint
        for index in mainChain.indices.dropFirst().prefix(Int(forkHeight - checkpointHeight)) {
            guard Self.apply(tree[mainChain[index]]!.block, to: &replay) != nil else {
                preconditionFailure("a main-chain block no longer applies on its own chain")
            }
        }
        var applied: [(block: Block, codes: [ValidationCode])] = []
        for block in branch {
            guard let codes = Self.apply(block, to: &replay) else {
                discard(block.hash)
                break
            }
            applied.append((block, codes))
        }
        guard let last = applied.last, tree[last.block.hash]!.cumulativeWork > tipWork else { return }
        let reorganisation = Reorganisation(forkHeight: forkHeight, oldTip: tipHash, oldTipHeight: tipHeight,
                                            newTip: last.block.hash, newTipHeight: last.block.header.height)
        let keep = Int(forkHeight - checkpointHeight) + 1
        let orphaned = mainChain[keep...].map { tree[$0]!.block }
        for block in orphaned { tree[block.hash]?.codes = nil }
        mainChain.removeSubrange(keep...)
        ledger = replay
        for (block, codes) in applied {
            mainChain.append(block.hash)
            tree[block.hash]!.codes = codes
        }
        output.reorganisations.append(reorganisation)
        if forkHeight < finalHeight {
            output.safetyViolations.append(SafetyViolation(reorganisation: reorganisation, finalHeight: finalHeight))
        }
        // Orphaned transactions go back unless the new branch spent their nonce (holds them or a rival).
        for transaction in orphaned.flatMap(\.transactions) {
            _ = mempool.add(transaction, chainNextNonce: ledger.nextNonce(of: transaction.sender))
        }
        pruneMempool(after: applied.map(\.block))
    }

    /// Applies `block` to `ledger` if every transaction is includable there; nil (and `ledger`
    /// untouched) otherwise. Signatures were checked on admission.
    static func apply(_ block: Block, to ledger: inout Ledger) -> [ValidationCode]? {
        var nextNonces: [Address: UInt64] = [:]
        for transaction in block.transactions {
            let expected = nextNonces[transaction.sender] ?? ledger.nextNonce(of: transaction.sender)
            guard transaction.nonce == expected else { return nil }
            nextNonces[transaction.sender] = expected + 1
        }
        let verdicts = Array(repeating: true, count: block.transactions.count)
        return try? ledger.apply(block, signatureVerdicts: verdicts)
    }

    mutating func joinMainChain(_ block: Block, codes: [ValidationCode]) {
        mainChain.append(block.hash)
        tree[block.hash]!.codes = codes
        pruneMempool(after: [block])
    }

    /// Drops pooled transactions whose nonces the chain now uses.
    mutating func pruneMempool(after blocks: [Block]) {
        var senders: [Address] = []
        var seen: Set<Address> = []
        for transaction in blocks.flatMap(\.transactions) where seen.insert(transaction.sender).inserted {
            senders.append(transaction.sender)
        }
        for sender in senders { mempool.prune(account: sender, chainNextNonce: ledger.nextNonce(of: sender)) }
    }

    /// Removes an invalid block and everything built on it, and remembers them as invalid.
    mutating func discard(_ hash: Hash256) {
        var removed: Set<Hash256> = [hash]
        for (childHash, entry) in tree.sorted(by: { $0.value.header.height < $1.value.header.height })
        where removed.contains(entry.header.previousHash) {
            removed.insert(childHash)
        }
        for hash in removed.sorted() {
            tree[hash] = nil
            invalidBlocks.insert(hash)
        }
        orphans.removeAll { removed.contains($0.block.header.previousHash) }
    }

    // MARK: - Finality and the checkpoint

    /// Fires the commit events of blocks that now have `confirmations` blocks on top.
    mutating func finalize() {
        guard tipHeight >= options.confirmations else { return }
        let newFinalHeight = tipHeight - options.confirmations
        while finalHeight < newFinalHeight {
            finalHeight += 1
            let entry = tree[mainChain[Int(finalHeight - checkpointHeight)]]!
            output.finalBlocks.append(entry.block)
            for (transaction, code) in zip(entry.block.transactions, entry.codes!)
            where committedTransactions.insert(transaction.id) {
                output.commitEvents.append(CommitEvent(transaction: transaction.id, code: code, height: finalHeight))
            }
        }
    }

    /// Moves the checkpoint up to `checkpointDepthBlocks` below the tip (never above the final
    /// height) and forgets every block that no longer descends from it.
    mutating func advanceCheckpoint() {
        var moved = false
        while tipHeight - checkpointHeight > options.checkpointDepthBlocks, checkpointHeight < finalHeight {
            let next = tree[mainChain[1]]!.block
            guard Self.apply(next, to: &checkpoint) != nil else {
                preconditionFailure("a final block no longer applies on the checkpoint")
            }
            mainChain.removeFirst()
            checkpointAncestry.append(next.header)
            if checkpointAncestry.count > options.retarget.ancestorsNeeded { checkpointAncestry.removeFirst() }
            moved = true
        }
        guard moved else { return }
        var kept: Set<Hash256> = [mainChain[0]]
        for (hash, entry) in tree.sorted(by: { $0.value.header.height < $1.value.header.height })
        where entry.header.height > checkpointHeight && kept.contains(entry.header.previousHash) {
            kept.insert(hash)
        }
        tree = tree.filter { kept.contains($0.key) }
        let floor = checkpointHeight
        orphans.removeAll { $0.block.header.height <= floor }
    }
}
