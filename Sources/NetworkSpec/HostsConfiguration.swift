import ConfigurationReading

/// The machines of a `deployment: hosts` federation and where its nodes run on them.
///
/// Something else starts the nodes (Kubernetes, systemd, an operator) from the files that
/// `vernier deploy files` writes; the driver only connects to them.
public struct HostsConfiguration: Sendable, Hashable, Encodable {
    /// The machines, in the file's order.
    public var hosts: [Host]
    /// How nodes are spread over them.
    public var placement: Placement

    /// Creates a hosts configuration.
    public init(hosts: [Host], placement: Placement = .perOrganization) {
        self.hosts = hosts
        self.placement = placement
    }

    /// The port a host's first node listens on when the file gives none (Fabric's orderer port).
    public static let defaultFirstPort = 7050
}

/// One machine that runs nodes: its name in the file, the address the others reach it at, and the
/// port its first node listens on (the next nodes on it take the ports after).
public struct Host: Sendable, Hashable, Encodable {
    /// The host's name, `[a-z0-9-]+`, unique; links between sites name hosts by it.
    public var name: String
    /// A DNS name or IP address, as nodes and the driver dial it.
    public var address: String
    /// The first node's port on this host.
    public var firstPort: Int

    /// Creates a host.
    public init(name: String, address: String, firstPort: Int = HostsConfiguration.defaultFirstPort) {
        self.name = name
        self.address = address
        self.firstPort = firstPort
    }
}

/// How nodes are placed on hosts.
public enum Placement: Sendable, Hashable, Encodable {
    /// The first host runs the ordering nodes (orderers, miners, or the store); each later host runs
    /// the peers of one organisation, in the file's order. Needs a host per group; hosts past the
    /// last group run nothing (a capacity plan's smaller sizes use the first hosts only).
    case perOrganization
    /// Nodes in start order (ordering nodes, then peers organisation by organisation) dealt over
    /// the hosts in turn.
    case roundRobin
    /// Each group (`orderers`, `miners` or `store`, and each organisation's name) on the named host.
    case byGroup([String: String])

    /// The names a placement may take in the file besides a mapping.
    static let names = ["per-organization", "round-robin"]

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .perOrganization: try container.encode("per-organization")
        case .roundRobin: try container.encode("round-robin")
        case .byGroup(let groups): try container.encode(groups)
        }
    }
}

/// Where one node runs: its host, and the address and port it listens on.
public struct NodeLocation: Sendable, Hashable, Codable {
    /// The node's name (`orderer0`, `peer1.org2`).
    public var node: String
    /// The host's name in the file.
    public var host: String
    /// The host's address.
    public var address: String
    /// The node's port on the host.
    public var port: Int

    /// Creates a location.
    public init(node: String, host: String, address: String, port: Int) {
        self.node = node
        self.host = host
        self.address = address
        self.port = port
    }
}

extension NetworkConfiguration {
    /// The group each node belongs to for placement: `orderers`, `miners`, `store` or its organisation.
    public var nodeGroups: [(node: String, group: String)] {
        switch consensus {
        case .raft(let settings):
            return (0..<settings.orderers).map { ("orderer\($0)", "orderers") } + peerGroups
        case .proofOfWork(let settings):
            return (0..<settings.miners).map { ("miner\($0)", "miners") } + peerGroups
        case .singleStore:
            return [("store0", "store")]
        }
    }

    /// The placement groups in start order: the ordering group, then the organisations that have nodes.
    public var placementGroups: [String] {
        var groups: [String] = []
        for (_, group) in nodeGroups where !groups.contains(group) { groups.append(group) }
        return groups
    }

    private var peerGroups: [(node: String, group: String)] {
        organizations.flatMap { organization in
            (0..<organization.peers).map { ("peer\($0).\(organization.name)", organization.name) }
        }
    }

    /// Where each node runs, in start order; nil unless the deployment is `hosts`. The reader has
    /// already checked that the placement fits the hosts.
    public var nodeLocations: [NodeLocation]? {
        guard deployment == .hosts, let hosts else { return nil }
        return Self.locations(of: nodeGroups, groups: placementGroups, hosts: hosts)
    }

    /// Places `nodes` on `hosts`; nil when the placement does not fit (the reader reports why).
    static func locations(
        of nodes: [(node: String, group: String)], groups: [String], hosts configuration: HostsConfiguration
    ) -> [NodeLocation]? {
        let hosts = configuration.hosts
        guard !hosts.isEmpty else { return nil }
        let byName = Dictionary(hosts.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var nextPort: [String: Int] = [:]
        var locations: [NodeLocation] = []
        for (index, entry) in nodes.enumerated() {
            let host: Host
            switch configuration.placement {
            case .roundRobin:
                host = hosts[index % hosts.count]
            case .perOrganization:
                guard let position = groups.firstIndex(of: entry.group), position < hosts.count else { return nil }
                host = hosts[position]
            case .byGroup(let placement):
                guard let name = placement[entry.group], let named = byName[name] else { return nil }
                host = named
            }
            let port = nextPort[host.name] ?? host.firstPort
            nextPort[host.name] = port + 1
            locations.append(NodeLocation(node: entry.node, host: host.name, address: host.address, port: port))
        }
        return locations
    }
}
