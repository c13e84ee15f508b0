@testable import Consensus
import Foundation
@testable import LedgerCore
import LedgerPrimitives
import Testing
import TestSupport
@testable import Transport
@testable import Node
@testable import Federation
@testable import Storage
@testable import NodeCore

@Suite("Orderer log compaction and snapshot catch-up", .serialized)
struct OrdererCompactionTests {
    static let retainedEntries = 8
    static let intervalEntries = 8

    static func plan(directory: String) -> FederationPlan {
        FederationPlan(
            genesis: FederationTests.genesis,
            members: FederationMembers(orderers: 3, organizations: [("org1", 1), ("org2", 1)]),
            orderer: OrdererOptions(batch: BatchOptions(maxMessageCount: 4, batchTimeoutMilliseconds: 20),
                                    tickMilliseconds: 50,
                                    raft: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 1,
                                                       maxUncommittedEntries: 256),
                                    compactionRetainedEntries: retainedEntries, compactionIntervalEntries: intervalEntries,
                                    maxHeldBlocks: 8, fetchRetryMilliseconds: 300),
            directory: directory, fsync: false, seed: 11)
    }

    /// An orderer cut off while dozens of batches commit comes back behind the others' compacted
    /// logs: it installs a snapshot, fetches the blocks it lacks from another orderer, and ends on
    /// the same chain, while every orderer's Raft log stays bounded. Restarted with its block store
    /// lost, it restores its position from its persisted snapshot and fetches the chain again.
    @Test func anIsolatedOrdererCatchesUpThroughASnapshotAndFetchedBlocks() async throws {
        let directory = try TemporaryDirectory()
        let federation = try await InProcessFederation.start(Self.plan(directory: directory.path))
        let leader = try #require(await federation.awaitLeader(timeout: .seconds(10)))
        let isolated = try #require(federation.orderers.first { $0.address != leader })
        federation.network.disconnect(isolated.address)
        let heightBefore = await isolated.height

        let accounts = (1...12).map { SigningAccount.deterministic(seed: 96, index: UInt64($0)) }
        let load = ClosedLoopLoad(federation: federation, accounts: accounts, transactionsPerAccount: 12,
                                  timeout: .seconds(2))
        let committed = await load.run()
        #expect(committed.count == 12 * 12)
        let leaderNode = try #require(federation.orderers.first { $0.address == leader })
        let leaderHeight = await leaderNode.height
        #expect(leaderHeight >= heightBefore + 30, "too few blocks to force a snapshot: \(leaderHeight)")
        #expect(await leaderNode.compactionCount > 0)
        #expect(await isolated.height == heightBefore, "the isolated orderer formed blocks")

        federation.network.reconnect(isolated.address)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while clock.now < deadline, await isolated.height < leaderHeight {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await isolated.snapshotsInstalledCount >= 1)
        #expect(await isolated.height >= leaderHeight)

        // One more transaction: formed by every orderer on the same chain after the catch-up.
        let extra = ClosedLoopLoad(federation: federation, accounts: [SigningAccount.deterministic(seed: 95, index: 1)],
                                   transactionsPerAccount: 1, timeout: .seconds(5))
        #expect(await extra.run().count == 1)
        let finalHeight = await leaderNode.height
        let finalDeadline = clock.now.advanced(by: .seconds(10))
        while clock.now < finalDeadline, await isolated.height < finalHeight {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await isolated.height == finalHeight)
        #expect(await isolated.headHash == leaderNode.headHash)

        // Every orderer's Raft log stays bounded: retained + interval + what one step adds.
        let bound = Self.retainedEntries + Self.intervalEntries + 16
        for orderer in federation.orderers {
            let entries = await orderer.raftStorage.entries.count
            #expect(entries <= bound, "\(orderer.address) holds \(entries) Raft entries")
        }
        await federation.stop()

        // The isolated orderer's block store on disk is the whole chain, and its log file replays
        // to a snapshot and a bounded tail.
        let path = directory.path + "/" + isolated.address.name
        let replay = try replayFromDisk(path, genesis: FederationTests.genesis)
        #expect(replay.head == (await leaderNode.headHash))
        let (_, storage, _) = try RaftLogStore.open(path: path + "/raft.log")
        #expect(storage.snapshot != nil)
        #expect(storage.entries.count <= bound)

        // Restart the federation with that orderer's block store lost (a store left behind its
        // snapshot, as after a crash while fetching): it restores its position from the snapshot
        // and fetches the whole chain from the others.
        let expectedHead = await leaderNode.headHash
        let expectedHeight = await leaderNode.height
        try FileManager.default.removeItem(atPath: path + "/blocks")
        let restarted = try await InProcessFederation.start(Self.plan(directory: directory.path))
        let restartedOrderer = try #require(restarted.orderers.first { $0.address == isolated.address })
        let restartDeadline = clock.now.advanced(by: .seconds(20))
        while clock.now < restartDeadline, await restartedOrderer.height < expectedHeight {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(await restartedOrderer.height == expectedHeight)
        #expect(await restartedOrderer.headHash == expectedHead)
        await restarted.stop()
        #expect(try replayFromDisk(path, genesis: FederationTests.genesis).head == expectedHead)
    }
}
