public import LedgerCore
public import LedgerPrimitives
public import Transport
import Foundation
public import NodeCore
/// How a federation orders transactions.
public enum FederationKind: Sendable, Codable {
    /// Raft orderers (`members.orderers`) and validating peers (`members.peers`).
    case raft
    /// Proof-of-work: miners (`members.orderers`) and full nodes (`members.peers`), all gossiping;
    /// the options are every node's, with `mines` set per node.
    case proofOfWork(MinerOptions)
    /// No ledger: one store node (`members.orderers[0]`) checks and stores each transaction.
    case store
}

/// Everything needed to start a federation: who is in it, their settings, where they keep data.
public struct FederationPlan: Sendable, Codable {
    public var genesis: GenesisConfiguration
    public var members: FederationMembers
    public var kind: FederationKind
    /// The Raft orderers' settings (unused by the other kinds).
    public var orderer: OrdererOptions
    /// Which peers a client asks to endorse (execute-order-validate only).
    public var endorsementTargets: EndorsementTargets = .first
    /// Each node keeps its files in `<directory>/<node name>`.
    public var directory: String
    public var fsync: Bool
    public var links: LinkSettings
    /// Links between particular nodes in place of ``links`` (sites in different cities), one way
    /// each; nil or empty when every pair has ``links``.
    public var linkOverrides: [NodePairLink]?
    public var seed: UInt64

    public init(genesis: GenesisConfiguration, members: FederationMembers, kind: FederationKind = .raft,
                orderer: OrdererOptions = OrdererOptions(), directory: String, fsync: Bool = true,
                links: LinkSettings = LinkSettings(), seed: UInt64) {
        self.genesis = genesis
        self.members = members
        self.kind = kind
        self.orderer = orderer
        self.directory = directory
        self.fsync = fsync
        self.links = links
        self.seed = seed
    }
}

/// The link from one node to another, where it differs from the federation's default.
public struct NodePairLink: Sendable, Hashable, Codable {
    public var source: NodeAddress
    public var destination: NodeAddress
    public var settings: LinkSettings

    public init(source: NodeAddress, destination: NodeAddress, settings: LinkSettings) {
        self.source = source
        self.destination = destination
        self.settings = settings
    }
}

extension FederationPlan {
    /// The link from `source` to `destination`: its override, or the default.
    public func link(from source: NodeAddress, to destination: NodeAddress) -> LinkSettings {
        linkOverrides?.last { $0.source == source && $0.destination == destination }?.settings ?? links
    }

    /// The overrides of the links from `source`, by destination (a node process's endpoint takes them).
    public func linkOverrides(from source: NodeAddress) -> [NodeAddress: LinkSettings] {
        var overrides: [NodeAddress: LinkSettings] = [:]
        for link in linkOverrides ?? [] where link.source == source { overrides[link.destination] = link.settings }
        return overrides
    }
}

extension FederationPlan {
    /// The share of a core each of `miners` in-process miners may hash with: together at most half
    /// the machine's cores, and never more than one core each.
    public static func miningCoreShare(miners: Int) -> Double {
        let cores = Double(max(1, ProcessInfo.processInfo.activeProcessorCount))
        return min(1, cores / 2 / Double(max(1, miners)))
    }

    /// The network's total hash rate when each of `miners` hashes with its share of a core.
    public static func networkHashRate(miners: Int, hashesPerSecondPerCore: Double) -> Double {
        hashesPerSecondPerCore * miningCoreShare(miners: miners) * Double(max(1, miners))
    }
}

extension FederationPlan {
    /// Every node of the federation, in start order: Raft orderers then peers; proof-of-work miners
    /// then full nodes; the one store node.
    public var nodeAddresses: [NodeAddress] {
        switch kind {
        case .raft, .proofOfWork: members.orderers + members.peers
        case .store: [members.orderers[0]]
        }
    }

    /// Creates the node at `address` on `endpoint`, opening (or recovering) its stores in
    /// `<directory>/<name>`; the caller starts it. In-process federations and `vernier node` build
    /// their nodes here, so both run the same federation from the same plan.
    public func makeNode(_ address: NodeAddress, endpoint: any TransportEndpoint) throws -> any LedgerNode {
        let path = directory + "/" + address.name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let storage = NodeStorage(directory: path, fsync: fsync)
        switch kind {
        case .raft:
            if let index = members.orderers.firstIndex(of: address) {
                return try OrdererNode(index: index, members: members, genesis: genesis, options: orderer,
                                       storage: storage, endpoint: endpoint, seed: seed)
            }
            guard let index = members.peers.firstIndex(of: address) else { throw FederationPlanError.notAMember(address) }
            let endorser = genesis.endorsement == nil ? nil
                : EndorserIdentity(index: UInt16(index), account: endorsingIdentity(ofPeer: index))
            return try PeerNode(index: index, members: members, genesis: genesis, storage: storage, endpoint: endpoint,
                                endorser: endorser)
        case .proofOfWork(let options):
            let everyone = members.orderers + members.peers
            guard let index = everyone.firstIndex(of: address) else { throw FederationPlanError.notAMember(address) }
            var nodeOptions = options
            nodeOptions.mines = index < members.orderers.count
            // Miners start their nonce search in different places, as real miners do.
            nodeOptions.firstNonce = UInt64(index) << 48
            return try ProofOfWorkNode(address: address, network: everyone, genesis: genesis, options: nodeOptions,
                                       storage: storage, endpoint: endpoint,
                                       miningCoreShare: FederationPlan.miningCoreShare(miners: members.orderers.count))
        case .store:
            guard address == members.orderers[0] else { throw FederationPlanError.notAMember(address) }
            return try StoreNode(address: address, genesis: genesis, storage: storage, endpoint: endpoint)
        }
    }
}

/// A node asked of a plan that does not name it.
enum FederationPlanError: Error, CustomStringConvertible {
    case notAMember(NodeAddress)

    public var description: String {
        switch self {
        case .notAMember(let address): "\(address) is not a node of this federation"
        }
    }
}


extension FederationPlan {
    /// The endorsing key of peer `index`: derived from the plan's seed, so the driver can list
    /// every endorser's public key in the genesis configuration and each node finds its own.
    public func endorsingIdentity(ofPeer index: Int) -> SigningAccount {
        SigningAccount.deterministic(seed: seed ^ 0x656E_646F_7273_6572, index: UInt64(index))
    }

    /// Switches the plan to execute-order-validate under `policy`: every peer endorses, each listed
    /// in the genesis configuration with its organisation and key.
    public mutating func enableEndorsement(policy: EndorsementPolicy, targets: EndorsementTargets) {
        let endorsers = members.peers.indices.map { index in
            EndorsementConfiguration.Endorser(organization: members.organization(ofPeer: index),
                                              publicKey: endorsingIdentity(ofPeer: index).publicKey)
        }
        genesis.endorsement = EndorsementConfiguration(policy: policy, endorsers: endorsers)
        endorsementTargets = targets
    }

    /// The peers account `account` asks to endorse: for each organisation the policy needs (as
    /// often as it needs it), its first peers or, spread, the peers from `account mod peers` on.
    /// Empty in order-execute.
    public func endorsers(forAccount account: Int) -> [NodeAddress] {
        guard let endorsement = genesis.endorsement else { return [] }
        var taken: [String: Int] = [:]
        var chosen: [NodeAddress] = []
        for organization in endorsement.policy.targetOrganizations {
            let peers = members.peers.indices.filter { members.organization(ofPeer: $0) == organization }
            guard !peers.isEmpty else { continue }
            let offset = endorsementTargets == .spread ? account % peers.count : 0
            let position = (offset + taken[organization, default: 0]) % peers.count
            taken[organization, default: 0] += 1
            chosen.append(members.peers[peers[position]])
        }
        return chosen
    }
}
