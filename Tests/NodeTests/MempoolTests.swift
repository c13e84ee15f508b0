@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Node
@testable import Consensus
@testable import NodeCore

@Suite("Mempool")
struct MempoolTests {
    static let alice = SigningAccount.deterministic(seed: 11, index: 1)
    static let bob = SigningAccount.deterministic(seed: 11, index: 2)
    static let carol = SigningAccount.deterministic(seed: 11, index: 3)

    static func transaction(_ account: SigningAccount, _ nonce: UInt64, _ label: String = "x") -> Transaction {
        Transaction(signedBy: account, nonce: nonce, call: .simple(.open(account: "\(label)-\(nonce)", money: 1)))
    }

    @Test("a future nonce waits for its gap, then becomes ready")
    func futureNonceWaitsForGap() {
        var pool = Mempool()
        let next: (Address) -> UInt64 = { _ in 0 }
        #expect(pool.add(Self.transaction(Self.alice, 2), chainNextNonce: 0) == .success(.waitingForGap(missingNonce: 0)))
        #expect(pool.add(Self.transaction(Self.alice, 1), chainNextNonce: 0) == .success(.waitingForGap(missingNonce: 0)))
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: next).isEmpty)
        #expect(pool.add(Self.transaction(Self.alice, 0), chainNextNonce: 0) == .success(.ready))
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: next).map(\.nonce) == [0, 1, 2])
        // With nonce 3 missing, 4 waits while 0...2 stay ready.
        #expect(pool.add(Self.transaction(Self.alice, 4), chainNextNonce: 0) == .success(.waitingForGap(missingNonce: 3)))
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: next).map(\.nonce) == [0, 1, 2])
    }

    @Test("duplicates, replays and taken nonces are refused")
    func duplicatesAndReplaysRefused() {
        var pool = Mempool()
        let first = Self.transaction(Self.alice, 3)
        #expect(pool.add(first, chainNextNonce: 3) == .success(.ready))
        #expect(pool.add(first, chainNextNonce: 3) == .failure(.duplicate))
        #expect(pool.add(Self.transaction(Self.alice, 2), chainNextNonce: 3) == .failure(.replay(nextNonce: 3)))
        #expect(pool.add(Self.transaction(Self.alice, 3, "rival"), chainNextNonce: 3) == .failure(.nonceTaken))
        #expect(pool.count == 1)
    }

    @Test("bounded overall, per account, and in how far ahead a nonce may be")
    func bounds() {
        var pool = Mempool(options: MempoolOptions(maxTransactions: 5, maxTransactionsPerAccount: 3))
        for nonce in UInt64(0)..<3 { #expect(pool.add(Self.transaction(Self.alice, nonce), chainNextNonce: 0) == .success(.ready)) }
        #expect(pool.add(Self.transaction(Self.alice, 3), chainNextNonce: 0) == .failure(.nonceTooFarAhead(nextNonce: 0)))
        #expect(pool.add(Self.transaction(Self.bob, 2), chainNextNonce: 0) == .success(.waitingForGap(missingNonce: 0)))
        #expect(pool.add(Self.transaction(Self.bob, 0), chainNextNonce: 0) == .success(.ready))
        #expect(pool.add(Self.transaction(Self.carol, 0), chainNextNonce: 0) == .failure(.poolFull))
        #expect(pool.count == 5)
        // Per account: a full queue refuses even a nonce in range.
        var small = Mempool(options: MempoolOptions(maxTransactions: 50, maxTransactionsPerAccount: 2))
        #expect(small.add(Self.transaction(Self.alice, 1), chainNextNonce: 0) == .success(.waitingForGap(missingNonce: 0)))
        #expect(small.add(Self.transaction(Self.alice, 0), chainNextNonce: 0) == .success(.ready))
        #expect(small.add(Self.transaction(Self.alice, 0, "y"), chainNextNonce: 0) == .failure(.nonceTaken))
        small.prune(account: Self.alice.address, chainNextNonce: 1)
        #expect(small.count == 1)
        #expect(small.add(Self.transaction(Self.alice, 2), chainNextNonce: 1) == .success(.ready))
        #expect(small.add(Self.transaction(Self.alice, 3), chainNextNonce: 1) == .failure(.nonceTooFarAhead(nextNonce: 1)))
    }

    @Test("selection is fair across accounts, bounded, deterministic, and rotates its start")
    func fairSelection() {
        var pool = Mempool()
        for account in [Self.alice, Self.bob, Self.carol] {
            for nonce in UInt64(0)..<4 { _ = pool.add(Self.transaction(account, nonce), chainNextNonce: 0) }
        }
        let next: (Address) -> UInt64 = { _ in 0 }
        let picked = pool.selectForBlock(limit: 6, rotation: 0, chainNextNonce: next)
        #expect(picked.count == 6)
        // Two per account, each account's in nonce order.
        for account in [Self.alice, Self.bob, Self.carol] {
            #expect(picked.filter { $0.sender == account.address }.map(\.nonce) == [0, 1])
        }
        #expect(picked == pool.selectForBlock(limit: 6, rotation: 0, chainNextNonce: next))
        let firstSenders = (UInt64(0)..<3).map { pool.selectForBlock(limit: 1, rotation: $0, chainNextNonce: next)[0].sender }
        #expect(Set(firstSenders).count == 3)
    }

    @Test("pruning removes what the chain used; selection follows the chain's nonces")
    func pruneAndChainNonces() {
        var pool = Mempool()
        for nonce in UInt64(0)..<5 { _ = pool.add(Self.transaction(Self.alice, nonce), chainNextNonce: 0) }
        pool.prune(account: Self.alice.address, chainNextNonce: 3)
        #expect(pool.transactions(of: Self.alice.address).map(\.nonce) == [3, 4])
        #expect(!pool.contains(Self.transaction(Self.alice, 0).id))
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: { _ in 3 }).map(\.nonce) == [3, 4])
        // If the chain went back (a reorganisation) to nonce 2, nothing is ready until 2 returns.
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: { _ in 2 }).isEmpty)
        #expect(pool.add(Self.transaction(Self.alice, 2), chainNextNonce: 2) == .success(.ready))
        #expect(pool.selectForBlock(limit: 10, rotation: 0, chainNextNonce: { _ in 2 }).map(\.nonce) == [2, 3, 4])
        pool.remove(Self.transaction(Self.alice, 3))
        #expect(pool.transactions(of: Self.alice.address).map(\.nonce) == [2, 4])
    }
}
