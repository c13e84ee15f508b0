public import LedgerCore
public import Node
import Consensus
import Foundation
import Transport
public import NetworkSpec
public import BenchmarkSpec
import NodeCore

extension FederationPlan {
    /// The in-process federation a Raft benchmark file describes.
    ///
    /// One Raft tick is the heartbeat interval; the election timeout is a whole number of ticks.
    public init(raft settings: RaftSettings, network: NetworkConfiguration, genesis: GenesisConfiguration,
                directory: String, seed: UInt64) {
        let tickMilliseconds = max(1, settings.heartbeatInterval.nonNegativeMilliseconds)
        let electionTicks = max(2, Int(settings.electionTimeout.nonNegativeMilliseconds / tickMilliseconds))
        let orderer = OrdererOptions(
            batch: BatchOptions(
                maxMessageCount: settings.batchSize.maxMessageCount,
                preferredMaxBytes: settings.batchSize.preferredMaxBytes,
                absoluteMaxBytes: settings.batchSize.absoluteMaxBytes,
                batchTimeoutMilliseconds: max(1, settings.batchTimeout.nonNegativeMilliseconds)),
            tickMilliseconds: tickMilliseconds,
            raft: Raft.Options(electionTimeoutTicks: electionTicks, heartbeatIntervalTicks: 1, maxUncommittedEntries: 256))
        self.init(
            genesis: genesis,
            members: FederationMembers(orderers: settings.orderers,
                                       organizations: network.organizations.map { ($0.name, $0.peers) }),
            orderer: orderer, directory: directory, fsync: network.storage.fsync,
            links: Transport.LinkSettings(latency: network.links.latency, jitter: network.links.jitter,
                                          lossProbability: network.links.loss),
            seed: seed)
        if settings.flow == .executeOrderValidate, let endorsement = settings.endorsement {
            enableEndorsement(policy: endorsement.policy, targets: endorsement.targets)
        }
    }

    /// The in-process proof-of-work network a benchmark file describes: `miners` miners and every
    /// organisation's peers as full nodes. The first target comes from this machine's measured hash
    /// rate and the miners' share of the cores, so the first blocks arrive near the target interval.
    public init(proofOfWork settings: ProofOfWorkSettings, network: NetworkConfiguration, genesis: GenesisConfiguration,
                directory: String, seed: UInt64, hashesPerSecondPerCore: Double) {
        let intervalMilliseconds = max(1, settings.targetBlockInterval.nonNegativeMilliseconds)
        let networkHashRate = FederationPlan.networkHashRate(miners: settings.miners, hashesPerSecondPerCore: hashesPerSecondPerCore)
        let retarget = ProofOfWork.RetargetRule(
            targetBlockIntervalMilliseconds: intervalMilliseconds,
            initialTarget: ProofOfWork.initialTarget(hashesPerSecond: networkHashRate, targetIntervalMilliseconds: intervalMilliseconds))
        let options = MinerOptions(mines: true, retarget: retarget, confirmations: UInt64(settings.confirmations),
                                   maxBlockTransactions: settings.maxBlockTransactions)
        self.init(
            genesis: genesis,
            members: FederationMembers(ordering: (0..<settings.miners).map { NodeAddress("miner\($0)") },
                                       organizations: network.organizations.map { ($0.name, $0.peers) }),
            kind: .proofOfWork(options), directory: directory, fsync: network.storage.fsync,
            links: Transport.LinkSettings(latency: network.links.latency, jitter: network.links.jitter,
                                          lossProbability: network.links.loss),
            seed: seed)
    }

    /// The federation `network` describes, whatever its consensus; proof-of-work measures this
    /// machine's hash rate for its first target.
    public init(network: NetworkConfiguration, genesis: GenesisConfiguration, directory: String, seed: UInt64) {
        switch network.consensus {
        case .raft(let settings):
            self.init(raft: settings, network: network, genesis: genesis, directory: directory, seed: seed)
        case .proofOfWork(let settings):
            self.init(proofOfWork: settings, network: network, genesis: genesis, directory: directory, seed: seed,
                      hashesPerSecondPerCore: FederationPlan.measureHashRate())
        case .singleStore:
            self.init(storeNetwork: network, genesis: genesis, directory: directory, seed: seed)
        }
        linkOverrides = Self.siteLinkOverrides(of: network, nodes: nodeAddresses)
    }

    /// The node-to-node links that `network`'s site links give, both ways; nil when there are none.
    static func siteLinkOverrides(of network: NetworkConfiguration, nodes: [NodeAddress]) -> [NodePairLink]? {
        guard !network.links.between.isEmpty else { return nil }
        var overrides: [NodePairLink] = []
        for source in nodes {
            for destination in nodes where destination != source {
                guard let link = network.siteLink(from: source.name, to: destination.name) else { continue }
                overrides.append(NodePairLink(source: source, destination: destination, settings: LinkSettings(
                    latency: link.latency, jitter: link.jitter, lossProbability: link.loss)))
            }
        }
        return overrides
    }

    /// The no-ledger baseline: one store node.
    public init(storeNetwork network: NetworkConfiguration, genesis: GenesisConfiguration, directory: String, seed: UInt64) {
        self.init(genesis: genesis, members: FederationMembers(ordering: [NodeAddress("store0")], organizations: []),
                  kind: .store, directory: directory, fsync: network.storage.fsync, seed: seed)
    }

    /// SHA-256 hashes of a block header per second on one core, measured for about 50 ms.
    public static func measureHashRate() -> Double {
        let header = BlockHeader(height: 1, previousHash: .zero, merkleRoot: .zero, timestampMilliseconds: 0,
                                 transactionCount: 0, seal: .proofOfWork(targetLeadingWord: 0, nonce: 0))
        let clock = ContinuousClock()
        let start = clock.now
        var attempts: UInt64 = 0
        while clock.now - start < .milliseconds(50) {
            attempts += ProofOfWork.mine(header: header, startNonce: attempts, maxAttempts: 2_000).attempts
        }
        return Double(attempts) / (clock.now - start).inSeconds
    }
}
