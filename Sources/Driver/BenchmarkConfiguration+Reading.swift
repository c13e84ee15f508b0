extension BenchmarkConfiguration {
    /// The keys allowed at the top level.
    static let keys = [
        "name", "seed", "network", "accounts", "nonceWindow", "repetitions", "reuseFederation", "confidence", "monitor",
        "rounds",
    ]

    /// Reads the whole document; nil if anything was reported.
    static func read(_ value: ConfigurationValue) -> BenchmarkConfiguration? {
        if isCaliperLayout(value) { return readCaliper(value) }
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let name = mapping.read("name", readName)
        let seed = mapping.read("seed", default: UInt64(42)) { $0.unsignedInteger64() }
        let network = mapping.read("network", NetworkConfiguration.read)
        let accounts = mapping.read("accounts", default: 100) { $0.integer(atLeast: 1) }
        let nonceWindow = mapping.read("nonceWindow", default: 1) { $0.integer(atLeast: 1) }
        let repetitions = mapping.read("repetitions", default: 1) { $0.integer(atLeast: 1) }
        let reuseFederation = mapping.read("reuseFederation", default: false) { $0.bool() }
        let confidence = mapping.read("confidence", default: 0.95) { value in
            value.require(value.number(), "strictly between 0 and 1") { $0 > 0 && $0 < 1 }
        }
        let monitor = mapping.read("monitor", default: MonitorSettings(), readMonitor)
        let rounds = mapping.read("rounds", Round.readAll)
        guard let name, let seed, let network, let accounts, let nonceWindow, let repetitions, let reuseFederation,
              let confidence, let monitor, let rounds else { return nil }
        var configuration = BenchmarkConfiguration(
            name: name, seed: seed, network: network, accounts: accounts, nonceWindow: nonceWindow,
            repetitions: repetitions, confidence: confidence, monitor: monitor, rounds: rounds
        )
        configuration.reuseFederation = reuseFederation
        return configuration
    }

    /// Reads the benchmark name: non-empty, `[A-Za-z0-9._-]` only, as it becomes a directory name.
    private static func readName(_ value: ConfigurationValue) -> String? {
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
