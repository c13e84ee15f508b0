@testable import Consensus
import Foundation
@testable import LedgerCore
import LedgerPrimitives
import Synchronization
import Testing
import TestSupport
@testable import Transport
@testable import Node
@testable import Federation
@testable import Storage
@testable import NodeCore

/// Accounts that each keep one transaction in flight (nonce window 1), resynchronising the nonce
/// from a peer after a timeout or refusal; they record every transaction seen committed valid.
struct ClosedLoopLoad {
    let federation: InProcessFederation
    let accounts: [SigningAccount]
    let transactionsPerAccount: Int
    let timeout: Duration

    /// Runs every account to its quota; returns the ids seen committed valid.
    func run(onCommitted: @escaping @Sendable (Int) -> Void = { _ in }) async -> Set<Hash256> {
        await withTaskGroup(of: [Hash256].self) { group in
            for (index, account) in accounts.enumerated() {
                group.addTask { await drive(account: account, index: index, onCommitted: onCommitted) }
            }
            var committed = Set<Hash256>()
            for await ids in group { committed.formUnion(ids) }
            return committed
        }
    }

    private func drive(account: SigningAccount, index: Int, onCommitted: @Sendable (Int) -> Void) async -> [Hash256] {
        var nonce: UInt64 = 0
        var route = index
        var committed: [Hash256] = []
        var attempts = 0
        while committed.count < transactionsPerAccount, attempts < transactionsPerAccount * 20 {
            attempts += 1
            let transaction = Transaction(signedBy: account, nonce: nonce,
                                          call: .simple(.open(account: "acc-\(index)-\(nonce)", money: 100)))
            let trace = await federation.client.submit(transaction, to: federation.submitter(forAccount: route),
                                                       listeningTo: federation.listener(forAccount: index), timeout: timeout)
            switch trace.outcome {
            case .committed(.valid, _):
                committed.append(transaction.id)
                nonce += 1
                onCommitted(1)
            case .committed(.staleNonce(let expected), _), .committed(.futureNonce(let expected), _):
                nonce = expected
            case .committed:
                nonce += 1
            case .rejected, .timedOut, .endorsementFailed:
                route += 1
                nonce = await federation.nextNonce(of: account.address) ?? nonce
            }
        }
        return committed
    }
}

/// Replays a stopped node's block store from disk: the chain's valid transaction ids and its state.
func replayFromDisk(_ directory: String, genesis: GenesisConfiguration) throws -> (valid: [Hash256: Int], ledger: Ledger, head: Hash256) {
    var core = PeerCore(genesis: genesis)
    var valid: [Hash256: Int] = [:]
    let (store, _) = try BlockStore.open(path: directory + "/blocks", genesis: genesis) { block throws(BlockStoreError) in
        guard block.header.height > 0 else { return }
        guard case .committed(let codes) = core.receive(block) else {
            throw .corruptRecord(path: directory, offset: 0, reason: "block \(block.header.height) does not apply")
        }
        for (transaction, code) in zip(block.transactions, codes) where code.isValid { valid[transaction.id, default: 0] += 1 }
    }
    return (valid, core.ledger, store.headHash)
}

@Suite("In-process Raft federation", .serialized)
struct FederationTests {
    static let regulator = SigningAccount.deterministic(seed: 99, index: 0)
    static let genesis = GenesisConfiguration(chainId: "federation-test", regulator: regulator.address)

    static func plan(orderers: Int, directory: String, tickMilliseconds: UInt64, batch: BatchOptions) -> FederationPlan {
        FederationPlan(
            genesis: genesis,
            members: FederationMembers(orderers: orderers, organizations: [("org1", 2), ("org2", 2)]),
            orderer: OrdererOptions(batch: batch, tickMilliseconds: tickMilliseconds,
                                    raft: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 1,
                                                       maxUncommittedEntries: 256)),
            directory: directory, fsync: true, seed: 7)
    }

    /// 1 orderer and 2 organisations x 2 peers commit 10,000 `simple.open` from 100 accounts; every
    /// peer ends on the same chain and state digest, and every committed transaction is in it once.
    @Test func tenThousandOpensFromOneHundredAccounts() async throws {
        let directory = try TemporaryDirectory()
        let accounts = (1...100).map { SigningAccount.deterministic(seed: 99, index: UInt64($0)) }
        let federation = try await InProcessFederation.start(Self.plan(
            orderers: 1, directory: directory.path, tickMilliseconds: 50,
            batch: BatchOptions(maxMessageCount: 100, batchTimeoutMilliseconds: 50)))
        #expect(await federation.awaitLeader(timeout: .seconds(10)) != nil)
        let load = ClosedLoopLoad(federation: federation, accounts: accounts, transactionsPerAccount: 100, timeout: .seconds(30))
        let committed = await load.run()
        #expect(committed.count == 10_000)

        let height = await federation.orderers[0].height
        #expect(await federation.awaitPeers(height: height, timeout: .seconds(30)))
        let states = await federation.chainStates()
        await federation.stop()

        let peerStates = states.filter { $0.stateDigest != nil }
        #expect(peerStates.count == 4)
        #expect(Set(states.map(\.height)).count == 1, "heights differ: \(states)")
        #expect(Set(states.map(\.headHash)).count == 1, "heads differ")
        #expect(Set(peerStates.map(\.stateDigest)).count == 1, "state digests differ")
        for peer in federation.plan.members.peers {
            let replay = try replayFromDisk(directory.path + "/" + peer.name, genesis: Self.genesis)
            #expect(replay.valid.count == 10_000)
            #expect(replay.valid.values.allSatisfy { $0 == 1 })
            #expect(committed.isSubset(of: Set(replay.valid.keys)))
            #expect(replay.ledger.state.digest == peerStates[0].stateDigest)
        }
    }

    /// With 3 orderers, crashing the leader mid-stream loses no transaction a client saw committed,
    /// and a new leader serves within two election timeouts.
    @Test func crashingTheLeaderLosesNothingCommitted() async throws {
        let directory = try TemporaryDirectory()
        let tickMilliseconds: UInt64 = 50
        let electionTimeout = Duration.milliseconds(Int64(tickMilliseconds) * 10)
        let accounts = (1...40).map { SigningAccount.deterministic(seed: 98, index: UInt64($0)) }
        let federation = try await InProcessFederation.start(Self.plan(
            orderers: 3, directory: directory.path, tickMilliseconds: tickMilliseconds,
            batch: BatchOptions(maxMessageCount: 40, batchTimeoutMilliseconds: 50)))
        let firstLeader = try #require(await federation.awaitLeader(timeout: .seconds(10)))

        let progress = Mutex(0)
        let load = ClosedLoopLoad(federation: federation, accounts: accounts, transactionsPerAccount: 40, timeout: .seconds(3))
        async let committedIds = load.run { count in progress.withLock { $0 += count } }

        while progress.withLock({ $0 }) < 500 { try await Task.sleep(for: .milliseconds(10)) }
        let clock = ContinuousClock()
        let crashedAt = clock.now
        await federation.crash(firstLeader)
        var newLeader: NodeAddress?
        while newLeader == nil, clock.now - crashedAt < .seconds(10) {
            if let leader = await federation.leader(), leader != firstLeader { newLeader = leader }
            try await Task.sleep(for: .milliseconds(5))
        }
        let electedAfter = clock.now - crashedAt
        #expect(newLeader != nil)
        #expect(electedAfter <= electionTimeout * 2 + .milliseconds(Int64(tickMilliseconds) * 2),
                "new leader after \(electedAfter), election timeout \(electionTimeout)")

        let committed = await committedIds
        #expect(committed.count == 40 * 40)
        var heights: [UInt64] = []
        for orderer in federation.orderers where orderer.address != firstLeader { heights.append(await orderer.height) }
        #expect(await federation.awaitPeers(height: heights.max()!, timeout: .seconds(30)))
        let states = await federation.chainStates().filter { $0.address != firstLeader }
        await federation.stop()

        #expect(Set(states.map(\.headHash)).count == 1, "surviving nodes differ: \(states)")
        for peer in federation.plan.members.peers {
            let replay = try replayFromDisk(directory.path + "/" + peer.name, genesis: Self.genesis)
            #expect(committed.isSubset(of: Set(replay.valid.keys)), "a committed transaction is missing on \(peer)")
            #expect(replay.valid.values.allSatisfy { $0 == 1 })
        }
    }

    /// A peer answers a signed read-only call from its own state, without ordering it, and refuses
    /// a query whose signature does not verify or whose call would write.
    @Test func peersAnswerSignedQueries() async throws {
        let directory = try TemporaryDirectory()
        let account = SigningAccount.deterministic(seed: 97, index: 1)
        let federation = try await InProcessFederation.start(Self.plan(
            orderers: 1, directory: directory.path, tickMilliseconds: 50,
            batch: BatchOptions(maxMessageCount: 1, batchTimeoutMilliseconds: 20)))
        #expect(await federation.awaitLeader(timeout: .seconds(10)) != nil)
        let peer = federation.plan.members.peers[3]
        let open = Transaction(signedBy: account, nonce: 0, call: .simple(.open(account: "alice", money: 42)))
        let trace = await federation.client.submit(open, to: federation.plan.members.orderers[0], listeningTo: peer,
                                                   timeout: .seconds(10))
        #expect(trace.outcome == .committed(.valid, height: 1))
        #expect(trace.acknowledged != nil)

        let query = Transaction(signedBy: account, nonce: 0, call: .simple(.query(account: "alice")))
        #expect(await federation.client.query(query, at: peer, timeout: .seconds(5)) == .output(.balance(42)))
        let missing = Transaction(signedBy: account, nonce: 0, call: .simple(.query(account: "bob")))
        #expect(await federation.client.query(missing, at: peer, timeout: .seconds(5)) == .refused(.accountMissing))
        var forged = query.signature
        forged[5] ^= 1
        let tampered = Transaction(senderKey: query.senderKey, nonce: 0, call: query.call, signature: forged)
        #expect(await federation.client.query(tampered, at: peer, timeout: .seconds(5)) == .badSignature)
        let writing = Transaction(signedBy: account, nonce: 1, call: .simple(.open(account: "carol", money: 1)))
        #expect(await federation.client.query(writing, at: peer, timeout: .seconds(5)) == .refused(.notReadOnly))
        // The query was never ordered: the chain did not grow.
        #expect(await federation.orderers[0].height == 1)
        await federation.stop()
    }
}
