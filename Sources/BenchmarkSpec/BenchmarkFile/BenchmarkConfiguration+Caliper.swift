public import NetworkSpec
import ConfigurationReading
import Transport
import Yams

extension BenchmarkConfiguration {
    /// The keys of a benchmark file in Caliper's layout (`test` and `monitors`), plus vernier's own
    /// top-level settings, which such a file may add.
    static let caliperKeys = ["test", "monitors", "monitor", "network", "seed", "accounts", "nonceWindow", "repetitions", "confidence"]

    /// The network a Caliper file runs on when it names none: Caliper's Fabric sample, in process.
    static let caliperDefaultNetwork = NetworkConfiguration(
        consensus: .raft(RaftSettings()), organizations: [Organization(name: "org1", peers: 2), Organization(name: "org2", peers: 2)])

    /// Whether the document is in Caliper's layout (it has a top-level `test`).
    static func isCaliperLayout(_ value: ConfigurationValue) -> Bool {
        guard case .mapping(let mapping) = value.node else { return false }
        return mapping.keys.contains { $0.string == "test" }
    }

    /// Reads a Caliper benchmark file: `test: {name, description, workers, rounds}` and `monitors`.
    /// Workers are ignored (vernier's driver is one process); a resource monitor's `interval`
    /// (seconds) sets the monitor interval; Caliper's simple module paths map to the built-ins.
    static func readCaliper(_ value: ConfigurationValue) -> BenchmarkConfiguration? {
        guard let mapping = value.mapping(allowedKeys: caliperKeys) else { return nil }
        guard let test = mapping.required("test")?.mapping(allowedKeys: ["name", "description", "workers", "clients", "rounds"]) else {
            return nil
        }
        let name = test.read("name") { value -> String? in
            guard let text = value.string() else { return nil }
            // Caliper names may hold spaces; vernier's name becomes a directory name.
            let cleaned = String(text.map { $0.isLetter || $0.isNumber || "._-".contains($0) ? $0 : "-" })
            guard !cleaned.isEmpty else {
                value.report("a name with letters or digits is needed")
                return nil
            }
            return cleaned
        }
        // Caliper's workers (older files: clients) are load-generating processes; vernier's driver
        // is one process, so their number is checked and noted, not used.
        for key in ["workers", "clients"] {
            guard let workers = test.optional(key),
                  let workerMapping = workers.mapping(allowedKeys: ["type", "number"],
                                                      unknownKeysNote: "not a Caliper \(key) setting vernier reads: ignored")
            else { continue }
            let number = workerMapping.read("number", default: 1) { $0.integer(atLeast: 1) }
            _ = workerMapping.read("type", default: "local") { $0.string() }
            if let number {
                workers.note("Caliper's \(number) \(key == "clients" ? "client" : "worker")\(number == 1 ? "" : "s"): "
                             + "vernier's driver is one process with every account, so this is not used")
            }
        }
        let accounts = mapping.read("accounts", default: 100) { $0.integer(atLeast: 1) }
        let network = mapping.read("network", default: caliperDefaultNetwork, NetworkConfiguration.read)
        var context = RoundReadingContext(poolAccounts: accounts, namesNetworks: false, networkNames: nil, caliper: true)
        if let network { context.networks = ["": network] }
        let rounds = test.read("rounds") { Round.readAll($0, context: context) }
        let monitor: MonitorSettings?
        if let older = mapping.optional("monitor") {
            if let both = mapping.optional("monitors") {
                both.report("give monitors once: monitors, or older Caliper's monitor")
                monitor = nil
            } else {
                monitor = readOlderCaliperMonitor(older)
            }
        } else {
            monitor = mapping.read("monitors", default: MonitorSettings(), readCaliperMonitors)
        }
        let seed = mapping.read("seed", default: UInt64(42)) { $0.unsignedInteger64() }
        let nonceWindow = mapping.read("nonceWindow", default: 1) { $0.integer(atLeast: 1) }
        let repetitions = mapping.read("repetitions", default: 1) { $0.integer(atLeast: 1) }
        let confidence = mapping.read("confidence", default: 0.95) { value in
            value.require(value.number(), "strictly between 0 and 1") { $0 > 0 && $0 < 1 }
        }
        guard let name, let rounds, let monitor, let network, let seed, let accounts, let nonceWindow,
              let repetitions, let confidence else { return nil }
        return BenchmarkConfiguration(
            name: name, seed: seed, network: network, accounts: accounts, nonceWindow: nonceWindow,
            repetitions: repetitions, confidence: confidence, monitor: monitor, rounds: rounds)
    }

    /// Caliper's `monitors: {resource: [{module, options: {interval, ...}}], transaction: [...]}`;
    /// vernier samples every node itself, so only the interval (seconds) is taken.
    /// Older Caliper's `monitor: {type: [docker, process, prometheus], interval, docker, process}`:
    /// the interval (seconds) is taken; the monitor types are noted as not applicable, since
    /// vernier samples every node itself.
    private static func readOlderCaliperMonitor(_ value: ConfigurationValue) -> MonitorSettings? {
        guard let mapping = value.mapping(allowedKeys: ["type", "interval", "docker", "process", "prometheus"]) else { return nil }
        for key in ["type", "docker", "process", "prometheus"] {
            let what = key == "type" ? "Caliper's monitor types" : "Caliper's \(key) monitor settings"
            mapping.optional(key)?.note("\(what) do not apply: vernier samples every node's CPU, memory, network and disk itself")
        }
        let seconds = mapping.read("interval", default: MonitorSettings().interval.inSeconds) { value in
            value.require(value.number(), "a positive number of seconds") { $0 > 0 }
        }
        guard let seconds else { return nil }
        return MonitorSettings(interval: .milliseconds(Int64((seconds * 1000).rounded())))
    }

    private static func readCaliperMonitors(_ value: ConfigurationValue) -> MonitorSettings? {
        guard let mapping = value.mapping(allowedKeys: ["resource", "transaction"]) else { return nil }
        mapping.optional("transaction")?.note("Caliper's transaction monitors (logging, prometheus push) do not apply: "
                                              + "vernier writes every transaction's figures to its own results")
        var interval = MonitorSettings().interval
        for monitor in mapping.optional("resource")?.sequence() ?? [] {
            guard let entry = monitor.mapping(allowedKeys: ["module", "options"]) else { continue }
            if let module = entry.read("module", { $0.string() }) {
                entry.value.note("Caliper's \(module) resource monitor: its interval is taken; the rest does not apply, "
                                 + "vernier samples every node's CPU, memory, network and disk itself")
            }
            guard case .mapping(let options)? = entry.optional("options")?.node else { continue }
            for (key, node) in options where key.string == "interval" {
                let option = ConfigurationValue(node: node, path: monitor.childPath("options.interval"), diagnostics: value.diagnostics)
                if let seconds = option.require(option.number(), "a positive number of seconds", { $0 > 0 }) {
                    interval = .milliseconds(Int64(seconds * 1000))
                }
            }
        }
        return MonitorSettings(interval: interval)
    }
}

extension Workload {
    /// vernier's module for one of Caliper's scenario paths (`benchmarks/scenario/simple/open.js`).
    static func builtInModule(forCaliperPath path: String) -> String? {
        guard path.hasSuffix(".js") else { return nil }
        let components = path.dropLast(3).split(separator: "/")
        guard components.count >= 2 else { return nil }
        let candidate = components.suffix(2).joined(separator: "/")
        if let renamed = caliperModuleNames[candidate] { return renamed }
        return moduleNames.contains(candidate) ? candidate : nil
    }

    /// Caliper's scenario files whose vernier module has another name.
    static let caliperModuleNames = ["smallbank/smallbankOperations": "smallbank/operations"]
}
