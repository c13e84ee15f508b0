import NetworkSpec
import ConfigurationReading
extension NetworkConfiguration {
    /// The names of the federation's nodes, in Fabric's style.
    ///
    /// Raft: `orderer0 ... orderer{n-1}`, then `peer{j}.{org}` for every organisation;
    /// proof of work: `miner0 ...`, then the peers; `none`: the single `store0`.
    public var nodeNames: [String] {
        let peers = organizations.flatMap { organization in
            (0..<organization.peers).map { "peer\($0).\(organization.name)" }
        }
        switch consensus {
        case .raft(let settings):
            return (0..<settings.orderers).map { "orderer\($0)" } + peers
        case .proofOfWork(let settings):
            return (0..<settings.miners).map { "miner\($0)" } + peers
        case .singleStore:
            return ["store0"]
        }
    }
}
