import ConfigurationReading
/// The simulated links between nodes: one setting for every pair, and settings between sites.
public struct LinkConfiguration: Sendable, Hashable, Encodable {
    /// The one-way delay added to every message.
    public var latency: Duration
    /// The largest random deviation added to the latency.
    public var jitter: Duration
    /// The probability, in `0..<1`, that a message is dropped.
    public var loss: Double
    /// Links between two sites in place of the settings above, both ways.
    public var between: [SiteLink]

    /// Creates link settings; the default is a perfect link.
    public init(latency: Duration = .zero, jitter: Duration = .zero, loss: Double = 0, between: [SiteLink] = []) {
        self.latency = latency
        self.jitter = jitter
        self.loss = loss
        self.between = between
    }
}

/// The link between two sites, both ways: hospitals in different cities, say. A site is a host
/// (`deployment: hosts`) or a group of nodes: `orderers`, `miners`, `store`, or an organisation.
public struct SiteLink: Sendable, Hashable, Encodable {
    /// The two sites, different.
    public var sites: [String]
    public var latency: Duration
    public var jitter: Duration
    public var loss: Double

    /// Creates a link between two sites.
    public init(sites: [String], latency: Duration, jitter: Duration = .zero, loss: Double = 0) {
        self.sites = sites
        self.latency = latency
        self.jitter = jitter
        self.loss = loss
    }
}

extension NetworkConfiguration {
    /// The sites a node belongs to: its group and, on hosts, its host.
    public func sites(of node: String) -> Set<String> {
        var sites: Set<String> = []
        if let group = nodeGroups.first(where: { $0.node == node })?.group { sites.insert(group) }
        if let host = nodeLocations?.first(where: { $0.node == node })?.host { sites.insert(host) }
        return sites
    }

    /// Every site name a link may use: the groups, and the hosts' names.
    public var siteNames: [String] {
        placementGroups + (hosts?.hosts.map(\.name) ?? []).filter { !placementGroups.contains($0) }
    }

    /// The link from `source` to `destination` where a site link covers them (the last one listed
    /// wins), nil where the default links apply.
    public func siteLink(from source: String, to destination: String) -> SiteLink? {
        let from = sites(of: source), to = sites(of: destination)
        return links.between.last { link in
            (from.contains(link.sites[0]) && to.contains(link.sites[1])) || (from.contains(link.sites[1]) && to.contains(link.sites[0]))
        }
    }
}
