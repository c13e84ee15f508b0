@testable import Consensus
@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Node
@testable import NodeCore

@Suite("Proof-of-work node core")
struct MinerCoreTests {
    static let genesis = GenesisConfiguration(chainId: "pow-test", regulator: SigningAccount.deterministic(seed: 21, index: 0).address)
    static let alice = SigningAccount.deterministic(seed: 21, index: 1)
    static let bob = SigningAccount.deterministic(seed: 21, index: 2)
    static let interval: UInt64 = 1_000

    static func options(mines: Bool = true, confirmations: UInt64 = 2, firstNonce: UInt64 = 0) -> MinerOptions {
        MinerOptions(
            mines: mines,
            retarget: ProofOfWork.RetargetRule(targetBlockIntervalMilliseconds: interval, initialTarget: UInt64.max / 64),
            confirmations: confirmations, maxBlockTransactions: 10, firstNonce: firstNonce)
    }

    static func node(mines: Bool = true, confirmations: UInt64 = 2, firstNonce: UInt64 = 0) -> MinerCore {
        MinerCore(genesis: genesis, options: options(mines: mines, confirmations: confirmations, firstNonce: firstNonce),
                  nowMilliseconds: 0)
    }

    static func transaction(_ account: SigningAccount, _ nonce: UInt64, _ label: String = "t") -> Transaction {
        Transaction(signedBy: account, nonce: nonce, call: .simple(.open(account: "\(label)-\(account.address.hash.short)-\(nonce)", money: 5)))
    }

    /// Mines one block on `node`'s tip, on time so targets stay put; returns it.
    @discardableResult
    static func mine(_ node: inout MinerCore) -> Block {
        node.advanceClock(to: node.ledger.head.timestampMilliseconds + interval)
        for _ in 0..<10_000 {
            if case .found(let block, _) = node.mineSlice(maxAttempts: 64) { return block }
        }
        preconditionFailure("no block in 640000 hashes at 1/64 odds")
    }

    /// Delivers `blocks` to `node` in order, acknowledging its output.
    static func deliver(_ blocks: [Block], to node: inout MinerCore) {
        for block in blocks { node.receive(block, from: GossipPeer(9)) }
    }

    /// Takes and acknowledges a node's pending output.
    static func drain(_ node: inout MinerCore) -> MinerReady {
        let ready = node.ready()
        node.advance(ready)
        return ready
    }

    @Test("a mined block is valid, gossiped and followed; full nodes follow and never mine")
    func minesAndFollows() {
        var miner = Self.node()
        var full = Self.node(mines: false)
        #expect(full.mineSlice(maxAttempts: 100) == .notMining)
        let block = Self.mine(&miner)
        #expect(miner.tipHash == block.hash)
        #expect(ProofOfWork.meets(block.hash, targetLeadingWord: ProofOfWork.claimedTarget(of: block.header)!))
        let ready = Self.drain(&miner)
        #expect(ready.sends.contains(MinerSend(destination: .allNeighbours(except: nil), message: .block(block))))
        #expect(full.receive(block, from: GossipPeer(1)) == .accepted)
        #expect(full.tipHash == block.hash)
        // Gossip goes to everyone but the sender; the echo is ignored.
        #expect(Self.drain(&full).sends == [MinerSend(destination: .allNeighbours(except: GossipPeer(1)), message: .block(block))])
        #expect(full.receive(block, from: GossipPeer(2)) == .alreadyKnown)
        #expect(!full.hasReady)
    }

    @Test("tampered blocks are refused: a changed header misses the target, a wrong target is caught")
    func tamperedBlocksRefused() {
        var miner = Self.node()
        let block = Self.mine(&miner)
        var full = Self.node(mines: false)
        var header = block.header
        header.timestampMilliseconds += 1
        let tampered = Block(header: header, transactions: [])
        let receipt = full.receive(tampered, from: nil)
        if !ProofOfWork.meets(tampered.hash, targetLeadingWord: ProofOfWork.claimedTarget(of: header)!) {
            guard case .refused(.invalidProof(.hashAboveTarget)) = receipt else {
                Issue.record("tampered block: \(receipt)")
                return
            }
        }
        // A block claiming an easier target than required, with a hash meeting it, is refused.
        let easy = ProofOfWork.mine(header: BlockHeader(
            height: 1, previousHash: full.tipHash, merkleRoot: MerkleTree.root(of: []), timestampMilliseconds: 1,
            transactionCount: 0, seal: .proofOfWork(targetLeadingWord: UInt64.max / 2, nonce: 0)), startNonce: 0, maxAttempts: 1_000)
        guard case .found(let easyHeader, _, _) = easy else { Issue.record("no easy block"); return }
        guard case .refused(.invalidProof(.wrongTarget)) = full.receive(Block(header: easyHeader, transactions: []), from: nil) else {
            Issue.record("a wrong target was accepted")
            return
        }
        #expect(full.tipHeight == 0)
    }

    @Test("forks resolve to the heaviest chain on every node; ties keep the first seen")
    func forksResolveToHeaviest() {
        var a = Self.node(firstNonce: 0)
        var b = Self.node(firstNonce: 1 << 40)
        var full = Self.node(mines: false)
        let branchA = (0..<2).map { _ in Self.mine(&a) }
        let branchB = (0..<3).map { _ in Self.mine(&b) }
        #expect(branchA[0].hash != branchB[0].hash)
        // The full node sees A first (first seen wins the tie at height 2), then B's heavier branch.
        Self.deliver(branchA, to: &full)
        #expect(full.tipHash == branchA[1].hash)
        Self.deliver(Array(branchB.prefix(2)), to: &full)
        #expect(full.tipHash == branchA[1].hash, "equal work: the first seen stays")
        Self.deliver([branchB[2]], to: &full)
        #expect(full.tipHash == branchB[2].hash)
        Self.deliver(branchB, to: &a)
        Self.deliver(branchA, to: &b)
        for node in [a, b, full] {
            #expect(node.tipHash == branchB[2].hash)
            #expect(node.ledger.state.digest == b.ledger.state.digest)
        }
        let reorganisations = Self.drain(&a).reorganisations
        #expect(reorganisations.count == 1)
        #expect(reorganisations.first?.depth == 2)
        #expect(reorganisations.first?.forkHeight == 0)
    }

    @Test("a reorganisation returns orphaned transactions to the mempool; none commits twice")
    func reorganisationReturnsTransactions() {
        var a = Self.node(confirmations: 1)
        var b = Self.node(confirmations: 1, firstNonce: 1 << 40)
        let shared = Self.transaction(Self.alice, 0)
        let onlyA = Self.transaction(Self.bob, 0)
        for transaction in [shared, onlyA] { #expect(a.receive(transaction, from: nil) == .success(.ready)) }
        #expect(b.receive(shared, from: nil) == .success(.ready))
        let blockA = Self.mine(&a)
        #expect(blockA.transactions.count == 2)
        #expect(a.mempool.isEmpty)
        let branchB = [Self.mine(&b), Self.mine(&b)]
        #expect(branchB[0].transactions == [shared])
        Self.deliver(branchB, to: &a)
        #expect(a.tipHash == branchB[1].hash)
        // onlyA is back; shared is in the new branch, so it is not.
        #expect(a.mempool.allTransactions == [onlyA])
        // Mining on: onlyA is included again and both commit exactly once.
        Self.mine(&a)
        Self.mine(&a)
        let events = Self.drain(&a).commitEvents
        #expect(events.filter { $0.transaction == shared.id }.count == 1)
        #expect(events.filter { $0.transaction == onlyA.id }.count == 1)
        #expect(events.allSatisfy { $0.code == .valid })
        #expect(Set(events.map(\.transaction)).count == events.count)
    }

    @Test("commit events fire when a block has `confirmations` blocks on top, once")
    func finalityAfterConfirmations() {
        var miner = Self.node(confirmations: 2)
        let transaction = Self.transaction(Self.alice, 0)
        miner.receive(transaction, from: nil)
        let block = Self.mine(&miner)
        #expect(Self.drain(&miner).commitEvents.isEmpty)
        Self.mine(&miner)
        #expect(Self.drain(&miner).commitEvents.isEmpty)
        Self.mine(&miner)
        let ready = Self.drain(&miner)
        #expect(ready.commitEvents == [CommitEvent(transaction: transaction.id, code: .valid, height: 1)])
        #expect(ready.finalBlocks.map(\.hash) == [block.hash])
        #expect(miner.finalHeight == 1)
        Self.mine(&miner)
        #expect(Self.drain(&miner).commitEvents.isEmpty)
    }

    @Test("a future nonce waits in the mempool until its gap fills, then both are mined in order")
    func futureNonceWaits() {
        var miner = Self.node()
        #expect(miner.receive(Self.transaction(Self.alice, 1), from: nil) == .success(.waitingForGap(missingNonce: 0)))
        #expect(Self.mine(&miner).transactions.isEmpty)
        #expect(miner.receive(Self.transaction(Self.alice, 0), from: nil) == .success(.ready))
        #expect(Self.mine(&miner).transactions.map(\.nonce) == [0, 1])
        #expect(miner.receive(Self.transaction(Self.alice, 0), from: nil) == .failure(.mempool(.replay(nextNonce: 2))))
    }

    @Test("a branch holding an invalid transaction is never followed, and its descendants are refused")
    func invalidBranchRejected() {
        var honest = Self.node()
        let parent = Self.mine(&honest)
        // A block with a nonce gap, properly mined on the honest block.
        var cheat = honest
        let bad = Self.transaction(Self.alice, 5)
        let target = cheat.requiredTarget(childOf: parent.hash)
        let template = Block(height: 2, previousHash: parent.hash, timestampMilliseconds: 3_000,
                             seal: .proofOfWork(targetLeadingWord: target, nonce: 0), transactions: [bad])
        guard case .found(let header, _, _) = ProofOfWork.mine(header: template.header, startNonce: 0, maxAttempts: 1_000_000) else {
            Issue.record("no nonce")
            return
        }
        let badBlock = Block(header: header, transactions: [bad])
        #expect(honest.receive(badBlock, from: nil) == .accepted, "header, proof and signatures hold")
        #expect(honest.tipHash == parent.hash, "but its transactions do not")
        #expect(honest.block(badBlock.hash) == nil)
        cheat.advanceClock(to: 10_000)
        let child = Block(height: 3, previousHash: badBlock.hash, timestampMilliseconds: 4_000,
                          seal: .proofOfWork(targetLeadingWord: target, nonce: 0), transactions: [])
        #expect(honest.receive(child, from: nil) == .refused(.invalidAncestor))
        // Too many transactions are refused outright.
        let many = (UInt64(0)..<11).map { Self.transaction(Self.bob, $0) }
        let big = Block(height: 2, previousHash: parent.hash, timestampMilliseconds: 3_000,
                        seal: .proofOfWork(targetLeadingWord: target, nonce: 0), transactions: many)
        #expect(honest.receive(big, from: nil) == .refused(.tooManyTransactions(count: 11, limit: 10)))
    }

    @Test("a block whose parent is missing waits, the parent is requested, then both attach")
    func orphanWaitsForParent() {
        var miner = Self.node()
        let first = Self.mine(&miner)
        let second = Self.mine(&miner)
        var full = Self.node(mines: false)
        #expect(full.receive(second, from: GossipPeer(4)) == .waitingForParent)
        #expect(Self.drain(&full).sends == [MinerSend(destination: .peer(GossipPeer(4)), message: .blockRequest(first.hash))])
        // No second request before the retry period; after it, everyone is asked.
        full.advanceClock(to: 500)
        #expect(!full.hasReady)
        full.advanceClock(to: 1_500)
        #expect(Self.drain(&full).sends == [MinerSend(destination: .allNeighbours(except: nil), message: .blockRequest(first.hash))])
        // The miner answers the request.
        miner.receive(.blockRequest(first.hash), from: GossipPeer(7))
        #expect(Self.drain(&miner).sends.last == MinerSend(destination: .peer(GossipPeer(7)), message: .block(first)))
        #expect(full.receive(first, from: GossipPeer(4)) == .accepted)
        #expect(full.tipHash == second.hash)
        #expect(full.orphanBlockCount == 0)
    }

    @Test("reverting a final block is reported as a safety violation")
    func deepReorganisationReported() {
        var a = Self.node(confirmations: 1)
        var b = Self.node(confirmations: 1, firstNonce: 1 << 40)
        for _ in 0..<3 { Self.mine(&a) }
        let branchB = (0..<5).map { _ in Self.mine(&b) }
        _ = Self.drain(&a)
        #expect(a.finalHeight == 2)
        Self.deliver(branchB, to: &a)
        let ready = Self.drain(&a)
        #expect(a.tipHash == branchB[4].hash)
        #expect(ready.safetyViolations.count == 1)
        #expect(ready.safetyViolations.first?.reorganisation.depth == 3)
    }

    @Test("the block tree stays bounded: the checkpoint follows the tip and old blocks are forgotten")
    func treeStaysBounded() {
        var miner = MinerCore(genesis: Self.genesis, options: MinerOptions(
            mines: true,
            retarget: ProofOfWork.RetargetRule(targetBlockIntervalMilliseconds: Self.interval, initialTarget: UInt64.max / 16),
            confirmations: 1, checkpointDepthBlocks: 3), nowMilliseconds: 0)
        var full = Self.node(mines: false)
        var blocks: [Block] = []
        for nonce in UInt64(0)..<20 {
            miner.receive(Self.transaction(Self.alice, nonce), from: nil)
            blocks.append(Self.mine(&miner))
            _ = Self.drain(&miner)
        }
        #expect(miner.checkpointHeight == 17)
        #expect(miner.treeBlockCount == 4)
        #expect(miner.ledger.nextNonce(of: Self.alice.address) == 20)
        // A block below the checkpoint is refused cheaply.
        #expect(miner.receive(blocks[2], from: nil) == .refused(.belowCheckpoint(checkpointHeight: 17)))
        // Another node replays the same chain to the same state.
        full = MinerCore(genesis: Self.genesis, options: miner.options, nowMilliseconds: 0)
        full.advanceClock(to: 100_000)
        Self.deliver(blocks, to: &full)
        #expect(full.tipHash == miner.tipHash)
        #expect(full.ledger.state.digest == miner.ledger.state.digest)
    }
}
