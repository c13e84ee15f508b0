public import NetworkSpec
package import ConfigurationReading
extension BenchmarkConfiguration {
    /// The keys allowed at the top level.
    static let keys = [
        "name", "seed", "network", "networks", "accounts", "nonceWindow", "repetitions", "reuseFederation", "confidence", "monitor",
        "transactionTimeout", "rounds",
    ]

    /// Every key either layout allows at the top level: a top-level anchor block may not use one.
    static var allTopLevelKeys: Set<String> { Set(keys + caliperKeys) }

    /// Reads the whole document; nil if anything was reported.
    package static func read(_ value: ConfigurationValue) -> BenchmarkConfiguration? {
        if isCaliperLayout(value) { return readCaliper(value) }
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let name = mapping.read("name", readName)
        let seed = mapping.read("seed", default: UInt64(42)) { $0.unsignedInteger64() }
        let networks = readNetworks(mapping)
        let accounts = mapping.read("accounts", default: 100) { $0.integer(atLeast: 1) }
        let nonceWindow = mapping.read("nonceWindow", default: 1) { $0.integer(atLeast: 1) }
        let repetitions = mapping.read("repetitions", default: 1) { $0.integer(atLeast: 1) }
        let reuseFederation = mapping.read("reuseFederation", default: false) { $0.bool() }
        let confidence = mapping.read("confidence", default: 0.95) { value in
            value.require(value.number(), "strictly between 0 and 1") { $0 > 0 && $0 < 1 }
        }
        let monitor = mapping.read("monitor", default: MonitorSettings(), readMonitor)
        let transactionTimeout = mapping.read("transactionTimeout", default: Duration?.none) { value in
            value.require(value.positiveDuration(), "at most 1h") { $0 <= .seconds(3600) }.map(Optional.some)
        }
        var context = RoundReadingContext(
            poolAccounts: accounts, namesNetworks: mapping.optional("networks") != nil,
            networkNames: networks?.named?.map(\.name))
        if let networks {
            context.networks = networks.named.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.name, $0.configuration) }) }
                ?? ["": networks.first]
        }
        let rounds = mapping.read("rounds") { Round.readAll($0, context: context) }
        guard let name, let seed, let networks, let accounts, let nonceWindow, let repetitions, let reuseFederation,
              let confidence, let monitor, let transactionTimeout, let rounds else { return nil }
        var configuration = BenchmarkConfiguration(
            name: name, seed: seed, network: networks.first, accounts: accounts, nonceWindow: nonceWindow,
            repetitions: repetitions, confidence: confidence, monitor: monitor, rounds: rounds
        )
        configuration.networks = networks.named
        configuration.reuseFederation = reuseFederation
        configuration.transactionTimeout = transactionTimeout
        return configuration
    }

    /// Reads exactly one of `network` (one federation) and `networks` (several, by name).
    ///
    /// Returns the first federation and, for `networks`, all of them; nil if anything was reported.
    private static func readNetworks(_ mapping: ConfigurationMapping)
        -> (first: NetworkConfiguration, named: [NamedNetwork]?)? {
        switch (mapping.optional("network"), mapping.optional("networks")) {
        case (let single?, nil):
            return NetworkConfiguration.read(single).map { ($0, nil) }
        case (nil, let several?):
            guard let named = readNamedNetworks(several) else { return nil }
            return (named[0].configuration, named)
        case (let single?, let several?):
            _ = NetworkConfiguration.read(single)
            _ = readNamedNetworks(several)
            several.report("network and networks are exclusive: give one network, or name several under networks")
            return nil
        case (nil, nil):
            mapping.value.report(key: "network", "missing required key (or name several federations under networks)")
            return nil
        }
    }

    /// Reads `networks`: a mapping from names (`[A-Za-z0-9._-]`) to federations, at least one.
    private static func readNamedNetworks(_ value: ConfigurationValue) -> [NamedNetwork]? {
        guard let entries = value.namedEntries() else { return nil }
        guard !entries.isEmpty else {
            value.report("at least one network is required")
            return nil
        }
        var named: [NamedNetwork] = []
        var failed = false
        for (name, entry) in entries {
            let valid = name.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
            }
            guard valid else {
                entry.report("invalid network name \"\(name)\": use letters, digits, '.', '_' and '-' only")
                failed = true
                continue
            }
            guard let configuration = NetworkConfiguration.read(entry) else {
                failed = true
                continue
            }
            named.append(NamedNetwork(name: name, configuration: configuration))
        }
        return failed ? nil : named
    }

    /// Reads a benchmark's (or a capacity plan's) name: non-empty, `[A-Za-z0-9._-]` only, as it
    /// becomes a directory name under Results.
    package static func readName(_ value: ConfigurationValue) -> String? {
        guard let name = value.string() else { return nil }
        let allowed = name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
        guard !name.isEmpty, allowed, name != ".", name != ".." else {
            value.report("invalid name \"\(name)\": use a non-empty name of letters, digits, '.', '_' and '-' only "
                + "(it becomes a directory name)")
            return nil
        }
        return name
    }

    /// Reads `monitor`.
    private static func readMonitor(_ value: ConfigurationValue) -> MonitorSettings? {
        guard let mapping = value.mapping(allowedKeys: ["interval"]) else { return nil }
        guard let interval = mapping.read("interval", default: MonitorSettings().interval, { $0.positiveDuration() })
        else { return nil }
        return MonitorSettings(interval: interval)
    }
}
