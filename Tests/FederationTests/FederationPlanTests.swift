@testable import LedgerCore
import LedgerPrimitives
@testable import Node
import Testing
@testable import BenchmarkSpec
@testable import Consensus
@testable import NodeCore
@testable import Federation
import Transport

@Suite("Federation plan from a benchmark file")
struct FederationPlanTests {
    @Test func raftFileMapsOntoNodesTimersAndBatches() throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: plan
            network:
              consensus: raft
              organizations: [{ name: org1, peers: 2 }, { name: org2, peers: 3 }]
              raft: { orderers: 3, batchSize: { maxMessageCount: 100, preferredMaxBytes: 1MiB, absoluteMaxBytes: 4MiB },
                      batchTimeout: 40ms, electionTimeout: 1s, heartbeatInterval: 100ms }
              links: { latency: 2ms, jitter: 1ms, loss: 0.01 }
              storage: { fsync: false }
            rounds:
              - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
            """, fileName: "plan.yaml")
        guard case .raft(let raft) = configuration.network.consensus else {
            Issue.record("not raft")
            return
        }
        let genesis = GenesisConfiguration(chainId: "plan", regulator: SigningAccount.deterministic(seed: 1, index: 0).address)
        let plan = FederationPlan(raft: raft, network: configuration.network, genesis: genesis, directory: "/tmp/x", seed: 5)
        #expect((plan.members.orderers + plan.members.peers).map(\.name) == configuration.nodeNames)
        #expect(plan.orderer.tickMilliseconds == 100)
        #expect(plan.orderer.raft.electionTimeoutTicks == 10)
        #expect(plan.orderer.batch == BatchOptions(maxMessageCount: 100, preferredMaxBytes: 1_048_576,
                                                   absoluteMaxBytes: 4 * 1_048_576, batchTimeoutMilliseconds: 40))
        #expect(plan.fsync == false)
        #expect(plan.links.latency == .milliseconds(2))
        #expect(plan.links.lossProbability == 0.01)
    }

    @Test func siteLinksBecomeLinksBetweenTheirNodesBothWays() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: sites
            network:
              consensus: raft
              organizations: [{ name: org1, peers: 1 }, { name: org2, peers: 2 }]
              raft: { orderers: 1 }
              links: { latency: 1ms, between: [ { sites: [org1, org2], latency: 30ms, jitter: 2ms } ] }
            rounds:
              - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
            """, fileName: "sites.yaml")
        let genesis = GenesisConfiguration(chainId: "sites", regulator: SigningAccount.deterministic(seed: 1, index: 0).address)
        let plan = FederationPlan(network: configuration.network, genesis: genesis, directory: "/tmp/x", seed: 5)
        let far = LinkSettings(latency: .milliseconds(30), jitter: .milliseconds(2))
        #expect(plan.link(from: "peer0.org1", to: "peer1.org2") == far)
        #expect(plan.link(from: "peer1.org2", to: "peer0.org1") == far)
        #expect(plan.link(from: "peer0.org2", to: "peer1.org2") == LinkSettings(latency: .milliseconds(1)))
        #expect(plan.link(from: "orderer0", to: "peer0.org1") == LinkSettings(latency: .milliseconds(1)))
        #expect(plan.linkOverrides?.count == 4)
        #expect(plan.linkOverrides(from: "peer0.org1") == ["peer0.org2": far, "peer1.org2": far])
    }
}
