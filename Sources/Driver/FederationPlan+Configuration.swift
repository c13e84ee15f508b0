public import LedgerCore
public import Node
import Consensus
import Transport

extension FederationPlan {
    /// The in-process federation a Raft benchmark file describes.
    ///
    /// One Raft tick is the heartbeat interval; the election timeout is a whole number of ticks.
    public init(raft settings: RaftSettings, network: NetworkConfiguration, genesis: GenesisConfiguration,
                directory: String, seed: UInt64) {
        let tickMilliseconds = max(1, Self.milliseconds(settings.heartbeatInterval))
        let electionTicks = max(2, Int(Self.milliseconds(settings.electionTimeout) / tickMilliseconds))
        let orderer = OrdererOptions(
            batch: BatchOptions(
                maxMessageCount: settings.batchSize.maxMessageCount,
                preferredMaxBytes: settings.batchSize.preferredMaxBytes,
                absoluteMaxBytes: settings.batchSize.absoluteMaxBytes,
                batchTimeoutMilliseconds: max(1, Self.milliseconds(settings.batchTimeout))),
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
    }

    static func milliseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) * 1000 + UInt64(max(0, attoseconds)) / 1_000_000_000_000_000
    }
}
