package import ConfigurationReading
extension NetworkConfiguration {
    /// The keys allowed in `network`.
    static let keys = ["consensus", "deployment", "organizations", "raft", "pow", "links", "storage", "hosts", "placement", "resources"]

    /// Reads `network`; nil if anything was reported.
    package static func read(_ value: ConfigurationValue) -> NetworkConfiguration? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let consensusName = mapping.read("consensus") { $0.choice(among: ConsensusConfiguration.names) }
        let deployment = mapping.read("deployment", default: Deployment.inProcess) { value in
            value.choice(among: Deployment.allCases.map(\.rawValue)).flatMap(Deployment.init(rawValue:))
        }
        let consensus: ConsensusConfiguration?
        let organizations: [Organization]?
        switch consensusName {
        case "raft":
            organizations = mapping.read("organizations", readOrganizations)
            consensus = mapping.read("raft", default: RaftSettings()) { RaftSettings.read($0, organizations: organizations) }
                .map(ConsensusConfiguration.raft)
            rejectSection("pow", of: mapping, consensus: "raft")
        case "pow":
            consensus = mapping.read("pow", default: ProofOfWorkSettings(), ProofOfWorkSettings.read)
                .map(ConsensusConfiguration.proofOfWork)
            organizations = mapping.read("organizations", readOrganizations)
            rejectSection("raft", of: mapping, consensus: "pow")
        case "none":
            consensus = .singleStore
            organizations = mapping.read("organizations", default: [], readOrganizations)
            rejectSection("raft", of: mapping, consensus: "none")
            rejectSection("pow", of: mapping, consensus: "none")
        default:
            // The consensus is unknown or missing (already reported): still check what can be checked.
            consensus = nil
            organizations = mapping.read("organizations", default: [], readOrganizations)
            _ = mapping.read("raft", default: RaftSettings()) { RaftSettings.read($0, organizations: nil) }
            _ = mapping.read("pow", default: ProofOfWorkSettings(), ProofOfWorkSettings.read)
        }
        let links = mapping.read("links", default: LinkConfiguration(), LinkConfiguration.read)
        let storage = mapping.read("storage", default: StorageSettings(), StorageSettings.read)
        guard let consensus, let deployment, let organizations, let links, let storage else {
            if deployment != .hosts { rejectHosts(in: mapping) }
            return nil
        }
        var network = NetworkConfiguration(
            consensus: consensus, deployment: deployment, organizations: organizations, links: links, storage: storage
        )
        if deployment == .hosts {
            let hosts = HostsConfiguration.read(in: mapping, network: network)
            let resources = mapping.read("resources", default: NodeResourceLimits?.none) { NodeResourceLimits.read($0).map(Optional.some) }
            guard let hosts, let resources else { return nil }
            network.hosts = hosts
            network.resources = resources
        } else {
            rejectHosts(in: mapping)
        }
        guard checkSiteLinks(of: network, in: mapping) else { return nil }
        return network
    }

    /// Reports site links that name an unknown site, or a pair given twice; true when all are fine.
    private static func checkSiteLinks(of network: NetworkConfiguration, in mapping: ConfigurationMapping) -> Bool {
        guard !network.links.between.isEmpty,
              let elements = mapping.optional("links")?.mapping(allowedKeys: ["latency", "jitter", "loss", "between"])?
                .optional("between")?.sequence() else { return true }
        let names = network.siteNames
        var seen: Set<Set<String>> = []
        var fine = true
        for (link, element) in zip(network.links.between, elements) {
            let sitesValue = element.mapping(allowedKeys: ["sites", "latency", "jitter", "loss"])?.optional("sites")
            for (index, site) in link.sites.enumerated() where !names.contains(site) {
                sitesValue?.sequence()?[index].report("unknown site \"\(site)\": a site is a group (\(network.placementGroups.joined(separator: ", ")))"
                    + (network.hosts == nil ? "" : " or a host"), suggestion: Suggestion.closest(to: site, among: names))
                fine = false
            }
            if !seen.insert(Set(link.sites)).inserted {
                sitesValue?.report("the link between \(link.sites[0]) and \(link.sites[1]) is given twice")
                fine = false
            }
        }
        return fine
    }

    /// Reports `hosts`, `placement` and `resources` where the deployment is not `hosts`.
    private static func rejectHosts(in mapping: ConfigurationMapping) {
        for key in ["hosts", "placement", "resources"] {
            mapping.optional(key)?.report("\(key) is read only with deployment: hosts")
        }
    }

    /// Reports a consensus section that does not belong to the chosen consensus.
    private static func rejectSection(_ section: String, of mapping: ConfigurationMapping, consensus: String) {
        guard let value = mapping.optional(section) else { return }
        value.report("a \(section) section is not allowed with consensus \(consensus)")
    }

    /// Reads `organizations`: at least one, unique names of `[a-z0-9-]`, 1 to 64 peers each.
    private static func readOrganizations(_ value: ConfigurationValue) -> [Organization]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one organization is required")
            return nil
        }
        var seen: Set<String> = []
        var organizations: [Organization] = []
        var failed = false
        for element in elements {
            guard let mapping = element.mapping(allowedKeys: ["name", "peers"]) else {
                failed = true
                continue
            }
            let name = mapping.read("name") { value -> String? in
                guard let name = value.string() else { return nil }
                let valid = !name.isEmpty && name.unicodeScalars.allSatisfy {
                    ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-"
                }
                guard valid else {
                    value.report("invalid organization name \"\(name)\": use lowercase letters, digits and '-' only")
                    return nil
                }
                guard seen.insert(name).inserted else {
                    value.report("duplicate organization name \"\(name)\"")
                    return nil
                }
                return name
            }
            let peers = mapping.read("peers") { $0.integer(atLeast: 1, atMost: 64) }
            guard let name, let peers else {
                failed = true
                continue
            }
            organizations.append(Organization(name: name, peers: peers))
        }
        return failed ? nil : organizations
    }
}
