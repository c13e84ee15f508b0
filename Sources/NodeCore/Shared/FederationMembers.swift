public import Consensus
public import Transport
import Foundation

/// Who is in a federation: orderers (with their Raft ids) and peers, named as Fabric names them.
public struct FederationMembers: Sendable, Hashable, Codable {
    public let orderers: [NodeAddress]
    public let peers: [NodeAddress]

    /// `orderers` orderers named `orderer0...`, and `peersPerOrganization` peers per organisation
    /// named `peer<j>.<organisation>`.
    public init(orderers: Int, organizations: [(name: String, peers: Int)]) {
        self.init(ordering: (0..<orderers).map { NodeAddress("orderer\($0)") }, organizations: organizations)
    }

    /// Ordering nodes with the given names (`miner0...` for proof-of-work, `store0` for none) and
    /// each organisation's peers.
    public init(ordering: [NodeAddress], organizations: [(name: String, peers: Int)]) {
        orderers = ordering
        peers = organizations.flatMap { organization in
            (0..<organization.peers).map { NodeAddress("peer\($0).\(organization.name)") }
        }
    }

    /// The organisation of peer `index`: its name after `peer<j>.`.
    public func organization(ofPeer index: Int) -> String {
        let name = peers[index].name
        guard let dot = name.firstIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// The Raft id of the orderer at `index` (ids start at 1).
    public func raftID(ofOrderer index: Int) -> Raft.NodeID { Raft.NodeID(UInt64(index + 1)) }

    public var voters: [Raft.NodeID] { orderers.indices.map(raftID(ofOrderer:)) }

    /// The address of a Raft id, if it names one of the orderers.
    public func address(of id: Raft.NodeID) -> NodeAddress? {
        let index = Int(id.rawValue) - 1
        return orderers.indices.contains(index) ? orderers[index] : nil
    }

    /// The Raft id of an orderer's address.
    public func raftID(of address: NodeAddress) -> Raft.NodeID? {
        orderers.firstIndex(of: address).map(raftID(ofOrderer:))
    }
}
