public import NetworkSpec
public import BenchmarkSpec
public import ConfigurationReading
import Transport
import Foundation
import Yams

/// Every problem found in a capacity plan and, when it names one, in its base benchmark file.
public struct CapacityPlanErrors: Error, Sendable, CustomStringConvertible {
    /// The plan's errors first, then the benchmark file's.
    public var files: [ConfigurationErrors]

    /// One line per error: `file:line:col: path: message (did you mean x?)`.
    public var lines: [String] { files.flatMap(\.lines) }

    public var description: String { lines.joined(separator: "\n") }
}

extension CapacityPlan {
    /// The keys allowed at the top level of a plan.
    static let keys = ["name", "benchmark", "round", "consensus", "sizes", "goal", "search"]

    /// Reads and checks the plan at `path`; a `benchmark:` path resolves against the plan's directory.
    ///
    /// - Throws: `CapacityPlanErrors` with every problem found in the plan and its benchmark file.
    public static func load(path: String) throws -> CapacityPlan {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CapacityPlanErrors(files: [ConfigurationErrors(fileName: path, errors: [ConfigurationError(
                path: ConfigurationError.documentPath, message: "cannot read the file: \(error.localizedDescription)")])])
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try CapacityPlan(yaml: yaml, fileName: path) { relative in
            let resolved = relative.hasPrefix("/") ? relative : directory + "/" + relative
            return (resolved, try BenchmarkConfiguration.load(path: resolved))
        }
    }

    /// Decodes and checks a plan's text. `loadBenchmark` loads a `benchmark:` path (as written)
    /// and returns the path it resolved and the configuration, or throws `ConfigurationErrors`.
    public init(yaml: String, fileName: String,
                loadBenchmark: (String) throws -> (path: String, configuration: BenchmarkConfiguration)) throws {
        let diagnostics = ConfigurationDiagnostics()
        let root: Node?
        do {
            root = try YAMLDocument.compose(yaml, knownKeys: Set(Self.keys), diagnostics: diagnostics)?.root
        } catch {
            // The benchmark reader turns YAML errors into positioned ones; reuse it on the same text.
            do {
                _ = try BenchmarkConfiguration(yaml: yaml, fileName: fileName)
            } catch let errors as ConfigurationErrors {
                throw CapacityPlanErrors(files: [errors])
            }
            throw CapacityPlanErrors(files: [ConfigurationErrors(fileName: fileName, errors: [ConfigurationError(
                path: ConfigurationError.documentPath, message: "YAML error: \(error)")])])
        }
        guard let root else {
            throw CapacityPlanErrors(files: [ConfigurationErrors(fileName: fileName, errors: [ConfigurationError(
                path: ConfigurationError.documentPath, message: "the file is empty", line: 1, column: 1)])])
        }
        var benchmarkErrors: ConfigurationErrors?
        let value = ConfigurationValue(node: root, path: "", diagnostics: diagnostics)
        let plan = Self.read(value) { benchmarkValue in
            // A string is a benchmark file's path; a mapping is an inline benchmark.
            if benchmarkValue.node.scalar != nil, benchmarkValue.tagName == .str, let path = benchmarkValue.node.string {
                do {
                    let loaded = try loadBenchmark(path)
                    return (path, loaded.configuration)
                } catch let errors as ConfigurationErrors {
                    benchmarkErrors = errors
                    benchmarkValue.report("cannot use the benchmark file \(path): see its errors below")
                    return nil
                } catch {
                    benchmarkValue.report("cannot load the benchmark file \(path): \(error)")
                    return nil
                }
            }
            guard case .mapping = benchmarkValue.node else {
                benchmarkValue.reportExpected("a benchmark file's path or an inline benchmark (a mapping)")
                return nil
            }
            return BenchmarkConfiguration.read(benchmarkValue).map { (nil, $0) }
        }
        guard let plan, diagnostics.errors.isEmpty else {
            var files = [ConfigurationErrors(fileName: fileName, errors: diagnostics.errors)]
            if let benchmarkErrors { files.append(benchmarkErrors) }
            throw CapacityPlanErrors(files: files)
        }
        self = plan
    }

    /// Reads the whole plan; nil if anything was reported.
    static func read(_ value: ConfigurationValue,
                     benchmark readBenchmark: (ConfigurationValue) -> (String?, BenchmarkConfiguration)?) -> CapacityPlan? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let name = mapping.read("name", BenchmarkConfiguration.readName)
        let benchmark = mapping.read("benchmark", readBenchmark)
        let round = readRound(mapping, benchmark: benchmark?.1)
        let consensus = readConsensus(mapping, benchmark: benchmark?.1)
        let sizes = mapping.read("sizes") { readSizes($0, consensus: consensus) }
        let goal = mapping.read("goal", readGoal)
        let search = mapping.read("search", readSearch)
        guard let name, let benchmark, let round, let consensus, let sizes, let goal, let search else { return nil }
        let plan = CapacityPlan(name: name, benchmarkPath: benchmark.0, benchmark: benchmark.1, round: round,
                                consensus: consensus, sizes: sizes, goal: goal, search: search)
        return checkPlacement(of: plan, in: mapping) ? plan : nil
    }

    /// With `deployment: hosts`, checks that the benchmark's hosts and placement fit every cell:
    /// each size brings its own groups (`orderers`, `hospital1` ... `hospitalH`). Reports each
    /// cell that does not fit at its size (or at `consensus` for the no-ledger store).
    private static func checkPlacement(of plan: CapacityPlan, in mapping: ConfigurationMapping) -> Bool {
        guard plan.benchmark.network.deployment == .hosts, let hosts = plan.benchmark.network.hosts else { return true }
        var fits = true
        for cell in plan.cells {
            let network = plan.configuration(for: cell).network
            guard network.nodeLocations == nil else { continue }
            fits = false
            let groups = network.placementGroups
            let reason: String
            switch hosts.placement {
            case .perOrganization:
                reason = "placement per-organization needs a host for each of its groups, in this order: "
                    + "\(groups.joined(separator: ", ")) (\(groups.count) hosts); the benchmark names \(hosts.hosts.count)"
            case .roundRobin:
                reason = "round-robin placement does not fit the benchmark's hosts"
            case .byGroup(let placement):
                let missing = groups.filter { placement[$0] == nil }
                reason = "the benchmark's placement names no host for \(missing.joined(separator: ", ")): a plan's sizes name "
                    + "their organisations hospital1 ... hospitalH, so use placement: per-organization or round-robin"
            }
            let value = cell.size.flatMap { size in
                plan.sizes.firstIndex(of: size).flatMap { mapping.optional("sizes")?.sequence()?[$0] }
            } ?? mapping.optional("consensus") ?? mapping.optional("benchmark")
            value?.report("\(cell.label) on deployment: hosts: \(reason)")
        }
        return fits
    }

    /// Reads `round`: a label among the benchmark's rounds (default: its first round).
    private static func readRound(_ mapping: ConfigurationMapping, benchmark: BenchmarkConfiguration?) -> String? {
        guard let value = mapping.optional("round") else { return benchmark?.rounds.first?.label ?? "" }
        guard let label = value.string() else { return nil }
        guard let benchmark else { return label }
        let labels = benchmark.rounds.map(\.label)
        guard labels.contains(label) else {
            value.report("no round \"\(label)\" in the benchmark (its rounds: \(labels.joined(separator: ", ")))",
                         suggestion: Suggestion.closest(to: label, among: labels))
            return nil
        }
        return label
    }

    /// Reads `consensus`: a list of distinct names among raft, pow, none; default: the benchmark's.
    /// A variant takes the benchmark's settings when the benchmark uses it, else the defaults.
    private static func readConsensus(_ mapping: ConfigurationMapping, benchmark: BenchmarkConfiguration?) -> [ConsensusConfiguration]? {
        guard let value = mapping.optional("consensus") else {
            return benchmark.map { [$0.network.consensus] } ?? []
        }
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one consensus is required (or leave the key out to use the benchmark's)")
            return nil
        }
        var seen: Set<String> = []
        var variants: [ConsensusConfiguration] = []
        var failed = false
        for element in elements {
            guard let name = element.choice(among: ConsensusConfiguration.names) else {
                failed = true
                continue
            }
            guard seen.insert(name).inserted else {
                element.report("duplicate consensus \"\(name)\"")
                failed = true
                continue
            }
            let base = benchmark?.network.consensus
            switch name {
            case "raft":
                if case .raft? = base { variants.append(base!) } else { variants.append(.raft(RaftSettings())) }
            case "pow":
                if case .proofOfWork? = base { variants.append(base!) } else { variants.append(.proofOfWork(ProofOfWorkSettings())) }
            default:
                variants.append(.singleStore)
            }
        }
        return failed ? nil : variants
    }

    /// Reads `sizes`: at least one, each `{organizations, peersPerOrganization, orderers, miners}`.
    private static func readSizes(_ value: ConfigurationValue, consensus: [ConsensusConfiguration]?) -> [CapacitySize]? {
        guard let elements = value.sequence() else { return nil }
        guard !elements.isEmpty else {
            value.report("at least one size is required")
            return nil
        }
        let names = Set((consensus ?? []).map(\.name))
        var sizes: [CapacitySize] = []
        var seen: Set<CapacitySize> = []
        var failed = false
        for element in elements {
            guard let mapping = element.mapping(allowedKeys: ["organizations", "peersPerOrganization", "orderers", "miners"]) else {
                failed = true
                continue
            }
            let organizations = mapping.read("organizations") { $0.integer(atLeast: 1, atMost: 64) }
            let peers = mapping.read("peersPerOrganization", default: 1) { $0.integer(atLeast: 1, atMost: 64) }
            let orderers = mapping.read("orderers", default: Int?.none) { value -> Int?? in
                if consensus != nil, !names.contains("raft") {
                    value.report("orderers apply to raft, which this plan does not run")
                    return nil
                }
                return value.integer(atLeast: 1, atMost: 9).map(Optional.some)
            }
            let miners = mapping.read("miners", default: Int?.none) { value -> Int?? in
                if consensus != nil, !names.contains("pow") {
                    value.report("miners apply to pow, which this plan does not run")
                    return nil
                }
                return value.integer(atLeast: 1, atMost: 64).map(Optional.some)
            }
            guard let organizations, let peers, let orderers, let miners else {
                failed = true
                continue
            }
            let size = CapacitySize(organizations: organizations, peersPerOrganization: peers, orderers: orderers, miners: miners)
            guard seen.insert(size).inserted else {
                element.report("duplicate size \(size.label)")
                failed = true
                continue
            }
            sizes.append(size)
        }
        return failed ? nil : sizes
    }

    /// Reads `goal`: `p95` (a duration), `successRate`, `throughputShare` (shares), `latency`.
    private static func readGoal(_ value: ConfigurationValue) -> ServiceGoal? {
        guard let mapping = value.mapping(allowedKeys: ["p95", "successRate", "throughputShare", "latency"]) else { return nil }
        let p95 = mapping.read("p95") { $0.positiveDuration() }
        let success = mapping.read("successRate", default: 0.999) { $0.share() }
        let throughput = mapping.read("throughputShare", default: 0.9) { $0.share() }
        let latency = mapping.read("latency", default: LatencyBasis.intended) { value in
            value.choice(among: LatencyBasis.allCases.map(\.rawValue)).flatMap(LatencyBasis.init(rawValue:))
        }
        guard let p95, let success, let throughput, let latency else { return nil }
        return ServiceGoal(p95LatencySeconds: p95.inSeconds, minimumSuccessRate: success,
                            minimumThroughputShare: throughput, latency: latency)
    }

    /// The keys allowed in `search`.
    static let searchKeys = ["startRate", "maximumRate", "growth", "resolution", "probe", "warmUp", "repetitions",
                             "maximumProbes", "warmStart", "transactionTimeout"]

    /// Reads `search`.
    private static func readSearch(_ value: ConfigurationValue) -> CapacitySearchSettings? {
        guard let mapping = value.mapping(allowedKeys: searchKeys) else { return nil }
        let defaults = CapacitySearchSettings(startRate: 1, maximumRate: 1)
        let positiveRate = { (value: ConfigurationValue) in value.require(value.number(), "greater than 0") { $0 > 0 } }
        let start = mapping.read("startRate", positiveRate)
        let maximum = mapping.read("maximumRate") { value -> Double? in
            guard let rate = positiveRate(value) else { return nil }
            if let start, rate < start {
                value.report("out of range: must be at least startRate (\(ServiceGoal.text(start))), found \(value.text)")
                return nil
            }
            return rate
        }
        let growth = mapping.read("growth", default: defaults.growthFactor) { value in
            value.require(value.number(), "greater than 1") { $0 > 1 && $0 <= 100 }
        }
        let resolution = mapping.read("resolution", default: defaults.relativeResolution) { value in
            value.require(value.share(), "greater than 0") { $0 > 0 }
        }
        let probe = mapping.read("probe", default: defaults.probeLength) { $0.positiveDuration() }
        let warmUp = mapping.read("warmUp", default: defaults.warmUp) { value -> Duration? in
            guard let warmUp = value.duration() else { return nil }
            if let probe, warmUp >= probe {
                value.report("out of range: the warm-up must be shorter than the probe (\(probe.benchmarkText)), "
                    + "found \(warmUp.benchmarkText)")
                return nil
            }
            return warmUp
        }
        let repetitions = mapping.read("repetitions", default: 1) { $0.integer(atLeast: 1, atMost: 100) }
        let maximumProbes = mapping.read("maximumProbes", default: defaults.maximumProbes) { $0.integer(atLeast: 1, atMost: 100) }
        let warmStart = mapping.read("warmStart", default: defaults.warmStart) { $0.bool() }
        let timeout = mapping.read("transactionTimeout", default: Duration?.none) { $0.positiveDuration().map(Optional.some) }
        guard let start, let maximum, let growth, let resolution, let probe, let warmUp, let repetitions,
              let maximumProbes, let warmStart, let timeout else { return nil }
        return CapacitySearchSettings(startRate: start, maximumRate: maximum, growthFactor: growth,
                                      relativeResolution: resolution, probeLength: probe, warmUp: warmUp,
                                      repetitions: repetitions, maximumProbes: maximumProbes, warmStart: warmStart,
                                      transactionTimeout: timeout)
    }
}

extension ConfigurationValue {
    /// This value as a share in (0, 1]: a percentage string (`99.9%`) or a number (`0.999`).
    func share() -> Double? {
        let share: Double
        if node.scalar != nil, tagName == .str, let text = node.string {
            // One division of exact integers, so 99.9% reads as the same Double as 0.999.
            guard text.hasSuffix("%"), let (mantissa, fractionDigits) = DecimalText.parse(text.dropLast()),
                  fractionDigits <= 12 else {
                report("invalid share \"\(text)\": expected a percentage such as 99.9% or a number such as 0.999")
                return nil
            }
            var divisor = 100.0
            for _ in 0..<fractionDigits { divisor *= 10 }
            share = Double(mantissa) / divisor
        } else {
            guard let number = number() else { return nil }
            share = number
        }
        guard share > 0, share <= 1 else {
            report("out of range: must be above 0 and at most 100% (or 1), found \(text)")
            return nil
        }
        return share
    }
}
