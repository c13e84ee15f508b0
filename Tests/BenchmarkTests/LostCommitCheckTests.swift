import Foundation
import Testing
import TestSupport
@testable import Benchmark
@testable import BenchmarkSpec
@testable import Consensus
@testable import Federation
@testable import LedgerCore
import LedgerPrimitives
@testable import Load
@testable import Node
@testable import NodeCore
@testable import Results
@testable import Transport
@testable import Storage

/// The lost-commit check: every transaction the driver reported committed must be in every live
/// node's stored chain exactly once.
@Suite("Lost acknowledged commits", .serialized)
struct LostCommitCheckTests {
    @Test func missingRepeatedAndSilentNodesFailTheCheck() {
        let ids = ["aa", "bb", "cc", "dd"]
        let clean = CommitCheck.evaluate(network: nil, acknowledged: ids, truncated: false, counts: [
            ("peer0", [1, 1, 1, 1], nil), ("peer1", [1, 1, 1, 1], nil),
        ])
        #expect(clean.passed && clean.lost == 0 && clean.nodes == ["peer0", "peer1"])
        #expect(clean.line.contains("all 4 acknowledged transactions exactly once on each of 2 nodes"))

        let broken = CommitCheck.evaluate(network: "raft", acknowledged: ids, truncated: false, counts: [
            ("peer0", [1, 0, 1, 2], nil), ("peer1", [0, 1, 1, 1], nil), ("peer2", nil, nil), ("peer3", [], "its block store could not be read"),
        ])
        #expect(!broken.passed)
        #expect(broken.lost == 3, "bb and aa missing somewhere, dd repeated")
        #expect(broken.findings == [CommitCheckFinding(node: "peer0", missing: 1, repeated: 1, examples: ["bb", "dd"]),
                                    CommitCheckFinding(node: "peer1", missing: 1, repeated: 0, examples: ["aa"])])
        #expect(broken.failures.map(\.name) == ["peer2", "peer3"])
        #expect(broken.line.contains("LOST COMMITS: raft: 3 of 4"))
        #expect(broken.line.contains("could not check peer2: it did not answer the commit check"))
    }

    @Test func checksOfConsecutiveChunksMergeIntoOne() {
        let first = CommitCheck.evaluate(network: nil, acknowledged: ["aa", "bb"], truncated: false, counts: [
            ("peer0", [1, 0], nil), ("peer1", [1, 1], nil), ("peer2", [1, 1], nil),
        ])
        let second = CommitCheck.evaluate(network: nil, acknowledged: ["cc", "dd", "ee"], truncated: false, counts: [
            ("peer0", [0, 2, 1], nil), ("peer1", [1, 1, 1], nil), ("peer2", nil, nil),
        ])
        let merged = first.merging(second)
        #expect(merged.acknowledged == 5 && merged.lost == 3 && !merged.passed)
        #expect(merged.findings == [CommitCheckFinding(node: "peer0", missing: 2, repeated: 1, examples: ["bb", "cc", "dd"])])
        // A node that failed one chunk is named as unchecked, not counted as checked.
        #expect(merged.nodes == ["peer0", "peer1"] && merged.failures.map(\.name) == ["peer2"])
    }

    /// A real in-process federation: the check passes, then a peer's block store loses its last
    /// committed block on disk behind the running peer's back, and the check names that peer.
    @Test func aPeerThatLostACommittedBlockFailsTheCheck() async throws {
        let directory = try TemporaryDirectory()
        let regulator = SigningAccount.deterministic(seed: 5, index: 0)
        let plan = FederationPlan(
            genesis: GenesisConfiguration(chainId: "lost-commit", regulator: regulator.address),
            members: FederationMembers(orderers: 1, organizations: [("org1", 1), ("org2", 1)]),
            orderer: OrdererOptions(batch: BatchOptions(maxMessageCount: 10, batchTimeoutMilliseconds: 50), tickMilliseconds: 50,
                                    raft: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, maxUncommittedEntries: 256)),
            directory: directory.path, fsync: true, seed: 5)
        let federation = try await InProcessFederation.start(plan)
        #expect(await federation.awaitLeader(timeout: .seconds(10)) != nil)
        let accounts = AccountPool(seed: 5, count: 10, window: 1)
        let context = WorkloadContext(seed: 5, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds())
        let log = try AcknowledgedLog(path: directory.path + "/acknowledged.ids")
        let runner = RoundRunner(target: FederationTarget(federation: federation),
                                 generator: WorkloadGenerator(workload: .simpleOpen(SimpleArguments()), context: context),
                                 accounts: accounts, transactionTimeout: .seconds(10), keptRecords: 0, acknowledgedLog: log)
        let recording = await runner.run(label: "open", length: .transactions(60), schedule: FixedRateSchedule(tps: 200))
        // The ids went to the file, and the round kept no records.
        #expect(recording.acknowledgedIds.isEmpty && recording.records.isEmpty && !recording.recordsTruncated)
        #expect(log.count == 60)
        #expect(await federation.settle(timeout: .seconds(10)))
        let nodes = plan.nodeAddresses
        let before = await CommitChecker.check(log, on: nodes, of: federation, network: nil)
        #expect(before.passed, "\(before.line)")
        #expect(before.nodes.count == 3)

        // The peer's last block disappears from its disk: a second handle on the file cuts it.
        let victim = plan.members.peers[1]
        let (store, _) = try BlockStore.open(path: directory.path + "/" + victim.name + "/blocks", genesis: plan.genesis,
                                              options: BlockStoreOptions(fsync: true))
        try store.truncate(toHeight: store.head.height - 1)
        let after = await CommitChecker.check(log, on: nodes, of: federation, network: nil)
        await federation.stop()
        #expect(!after.passed)
        let named = after.findings.map(\.node) + after.failures.map(\.name)
        #expect(named == [victim.name], "\(after.line)")
    }
}
