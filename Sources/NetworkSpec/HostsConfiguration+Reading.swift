package import ConfigurationReading

extension HostsConfiguration {
    /// Reads `network.hosts` and `network.placement` for `network`; nil if anything was reported.
    package static func read(in mapping: ConfigurationMapping, network: NetworkConfiguration) -> HostsConfiguration? {
        guard let hostsValue = mapping.required("hosts") else { return nil }
        guard let hosts = readHosts(hostsValue) else { return nil }
        let groups = network.placementGroups
        let placement = mapping.read("placement", default: Placement.perOrganization) { value in
            readPlacement(value, hosts: hosts, groups: groups)
        }
        guard let placement else { return nil }
        if mapping.optional("placement") == nil, hosts.count < groups.count {
            hostsValue.report(perOrganizationMismatch(groups: groups, hostCount: hosts.count) + " (placement: per-organization, the default)")
            return nil
        }
        let configuration = HostsConfiguration(hosts: hosts, placement: placement)
        guard let locations = NetworkConfiguration.locations(of: network.nodeGroups, groups: groups, hosts: configuration) else {
            (mapping.optional("placement") ?? hostsValue).report("the placement does not fit the hosts")
            return nil
        }
        var failed = false
        for (index, host) in hosts.enumerated() {
            let last = locations.filter { $0.host == host.name }.map(\.port).max() ?? host.firstPort
            if last > 65_535 {
                hostsValue.sequence()?[index].report("its nodes would need ports up to \(last): give a lower port")
                failed = true
            }
        }
        return failed ? nil : configuration
    }

    /// Reads the list of hosts: unique names of `[a-z0-9-]`, an address, an optional first port.
    private static func readHosts(_ value: ConfigurationValue) -> [Host]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one host is required")
            return nil
        }
        var seen: Set<String> = []
        var hosts: [Host] = []
        var failed = false
        for element in elements {
            guard let mapping = element.mapping(allowedKeys: ["name", "address", "port"]) else {
                failed = true
                continue
            }
            let name = mapping.read("name") { value -> String? in
                guard let name = value.string() else { return nil }
                guard isValidName(name) else {
                    value.report("invalid host name \"\(name)\": use lowercase letters, digits and '-' only")
                    return nil
                }
                guard seen.insert(name).inserted else {
                    value.report("duplicate host name \"\(name)\"")
                    return nil
                }
                return name
            }
            let address = mapping.read("address") { value -> String? in
                guard let address = value.string() else { return nil }
                guard !address.isEmpty, !address.contains(where: { $0 == " " || $0 == "/" || $0 == "\t" }) else {
                    value.report("invalid address \"\(address)\": give a DNS name or an IP address")
                    return nil
                }
                return address
            }
            let port = mapping.read("port", default: HostsConfiguration.defaultFirstPort) { $0.integer(atLeast: 1, atMost: 65_535) }
            guard let name, let address, let port else {
                failed = true
                continue
            }
            hosts.append(Host(name: name, address: address, firstPort: port))
        }
        return failed ? nil : hosts
    }

    /// Reads `placement`: a name, or a mapping from every group to a host.
    private static func readPlacement(_ value: ConfigurationValue, hosts: [Host], groups: [String]) -> Placement? {
        let hostNames = hosts.map(\.name)
        if value.tagName == .str {
            guard let name = value.choice(among: Placement.names) else { return nil }
            if name == "round-robin" { return .roundRobin }
            guard hosts.count >= groups.count else {
                value.report(perOrganizationMismatch(groups: groups, hostCount: hosts.count))
                return nil
            }
            return .perOrganization
        }
        guard let mapping = value.mapping(allowedKeys: groups) else { return nil }
        var placement: [String: String] = [:]
        var failed = false
        for group in groups {
            guard let host = mapping.read(group, { value -> String? in
                guard let name = value.string() else { return nil }
                guard hostNames.contains(name) else {
                    value.report("unknown host \"\(name)\"", suggestion: Suggestion.closest(to: name, among: hostNames))
                    return nil
                }
                return name
            }) else {
                failed = true
                continue
            }
            placement[group] = host
        }
        return failed ? nil : .byGroup(placement)
    }

    private static func perOrganizationMismatch(groups: [String], hostCount: Int) -> String {
        "per-organization needs one host per group, in this order: \(groups.joined(separator: ", ")) "
            + "(at least \(groups.count) hosts); the file names \(hostCount)"
    }

    private static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}
