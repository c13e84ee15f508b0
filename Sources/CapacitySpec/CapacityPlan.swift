public import NetworkSpec
public import BenchmarkSpec
import ConfigurationReading
import Transport
import Foundation

/// A capacity plan, decoded and checked: a base benchmark, the federation sizes and consensus
/// variants to try, the service goal and how to search for the sustainable rate.
public struct CapacityPlan: Sendable, Encodable {
    /// The plan's name; it names the results directory, so only `[A-Za-z0-9._-]`.
    public var name: String
    /// The base benchmark's path as the plan wrote it (relative to the plan), or nil when inline.
    public var benchmarkPath: String?
    /// The base benchmark: network settings, accounts, seed, monitor and the workload's round.
    public var benchmark: BenchmarkConfiguration
    /// The label of the base benchmark's round whose workload every probe runs.
    public var round: String
    /// The consensus variants, in plan order: one line each on the capacity curve.
    public var consensus: [ConsensusConfiguration]
    /// The federation sizes, in plan order.
    public var sizes: [CapacitySize]
    public var goal: ServiceGoal
    public var search: CapacitySearchSettings

    /// The base benchmark's round whose workload the probes run.
    public var workloadRound: Round {
        benchmark.rounds.first { $0.label == round } ?? benchmark.rounds[0]
    }

    /// The searches the plan asks for, in order: every size for each consensus, and one search for
    /// the no-ledger baseline (`none` has one store node whatever the size).
    public var cells: [CapacityCell] {
        consensus.flatMap { consensus -> [CapacityCell] in
            if case .singleStore = consensus { return [CapacityCell(consensus: consensus, size: nil)] }
            return sizes.map { CapacityCell(consensus: consensus, size: $0) }
        }
    }

    /// The benchmark one probe federation runs: the base with this cell's consensus and size.
    public func configuration(for cell: CapacityCell) -> BenchmarkConfiguration {
        var configuration = benchmark
        var network = configuration.network
        network.consensus = cell.consensus
        if let size = cell.size {
            network.organizations = (1...size.organizations).map {
                Organization(name: "hospital\($0)", peers: size.peersPerOrganization)
            }
            switch cell.consensus {
            case .raft(var settings):
                if let orderers = size.orderers { settings.orderers = orderers }
                network.consensus = .raft(settings)
            case .proofOfWork(var settings):
                if let miners = size.miners { settings.miners = miners }
                network.consensus = .proofOfWork(settings)
            case .singleStore:
                break
            }
        } else {
            network.organizations = []
        }
        configuration.network = network
        configuration.repetitions = 1
        configuration.rounds = [workloadRound]
        return configuration
    }
}

/// One federation size: organisations (hospitals), their peers, and the ordering nodes.
public struct CapacitySize: Sendable, Hashable, Codable {
    /// Organisations (hospitals), 1 to 64.
    public var organizations: Int
    /// Peers each organisation runs, 1 to 64.
    public var peersPerOrganization: Int
    /// Raft orderers (nil: the base benchmark's).
    public var orderers: Int?
    /// Proof-of-work miners (nil: the base benchmark's).
    public var miners: Int?

    public init(organizations: Int, peersPerOrganization: Int = 1, orderers: Int? = nil, miners: Int? = nil) {
        self.organizations = organizations
        self.peersPerOrganization = peersPerOrganization
        self.orderers = orderers
        self.miners = miners
    }

    /// `8×1`: organisations × peers each, the capacity curve's x labels.
    public var label: String { "\(organizations)×\(peersPerOrganization)" }
}

/// One search of a plan: a consensus at a size (no size for the no-ledger baseline).
public struct CapacityCell: Sendable, Hashable {
    public var consensus: ConsensusConfiguration
    public var size: CapacitySize?

    /// `raft 8×1 (3 orderers)`, `pow 4×1 (4 miners)`, `none (one store)`.
    public var label: String {
        guard let size else { return "\(consensus.name) (one store)" }
        switch consensus {
        case .raft(let settings):
            let orderers = size.orderers ?? settings.orderers
            return "\(consensus.name) \(size.label) (\(orderers) orderer\(orderers == 1 ? "" : "s"))"
        case .proofOfWork(let settings):
            let miners = size.miners ?? settings.miners
            return "\(consensus.name) \(size.label) (\(miners) miner\(miners == 1 ? "" : "s"))"
        case .singleStore: return "\(consensus.name) \(size.label)"
        }
    }

    /// A name for files and directories: `raft-8x1-3-orderers`, `pow-4x1-4-miners`, `none`.
    public var slug: String {
        guard let size else { return consensus.name }
        let ordering = switch consensus {
        case .raft: "-\(orderingNodes)-orderer\(orderingNodes == 1 ? "" : "s")"
        case .proofOfWork: "-\(orderingNodes)-miner\(orderingNodes == 1 ? "" : "s")"
        case .singleStore: ""
        }
        return "\(consensus.name)-\(size.organizations)x\(size.peersPerOrganization)" + ordering
    }

    /// The ordering nodes of this cell: orderers (raft), miners (pow), 1 store (none).
    public var orderingNodes: Int {
        switch consensus {
        case .raft(let settings): size?.orderers ?? settings.orderers
        case .proofOfWork(let settings): size?.miners ?? settings.miners
        case .singleStore: 1
        }
    }
}

/// Which latency the goal judges.
public enum LatencyBasis: String, Sendable, Hashable, Codable, CaseIterable {
    /// From the time the schedule intended: includes any queueing in the driver (the default).
    case intended
    /// From the time the transaction was sent (Caliper's).
    case sent
}

/// A service goal: 95% of transactions commit within a latency, and enough of them succeed at
/// the offered rate. Capacity plans set it; the capacity search judges every probe by it.
public struct ServiceGoal: Sendable, Hashable, Codable {
    /// p95 latency must stay strictly below this, in seconds.
    public var p95LatencySeconds: Double
    /// Succeeded over finished must be at least this, 0...1.
    public var minimumSuccessRate: Double
    /// The committed rate must follow the offered rate to at least this share, 0...1, or the
    /// federation is saturated.
    public var minimumThroughputShare: Double
    /// Which latency the goal judges.
    public var latency: LatencyBasis

    public init(p95LatencySeconds: Double, minimumSuccessRate: Double = 0.999, minimumThroughputShare: Double = 0.9,
                latency: LatencyBasis = .intended) {
        self.p95LatencySeconds = p95LatencySeconds
        self.minimumSuccessRate = minimumSuccessRate
        self.minimumThroughputShare = minimumThroughputShare
        self.latency = latency
    }

    /// `p95 < 2s, success >= 99.9%, throughput >= 90% of the offered rate`.
    public var summary: String {
        "p95 (from \(latency.rawValue)) < \(Self.text(p95LatencySeconds)) s, success >= "
            + "\(Self.text(minimumSuccessRate * 100))%, committed rate >= "
            + "\(Self.text(minimumThroughputShare * 100))% of the offered rate"
    }

    /// A figure with four significant digits at most, for goals, reasons and summaries.
    public static func text(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = abs(value)
        let decimals = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 10 ? 2 : 3
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

/// How a plan searches for each size's sustainable rate.
public struct CapacitySearchSettings: Sendable, Hashable, Encodable {
    /// The first probe's rate (of the first size, or of every size without a warm start), tps.
    public var startRate: Double
    /// The highest rate probed, tps.
    public var maximumRate: Double
    /// A met rate is multiplied by this before bisection begins.
    public var growthFactor: Double
    /// Bisection stops when (first miss − last met) / last met is at most this.
    public var relativeResolution: Double
    /// How long each probe sends at its fixed rate.
    public var probeLength: Duration
    /// The start of each probe left out of its figures.
    public var warmUp: Duration
    /// How many times each size's search runs (n >= 2 gives the sustainable rate an interval).
    public var repetitions: Int
    /// The most probes one search may use.
    public var maximumProbes: Int
    /// Each size's search starts one growth step below the previous size's sustainable rate
    /// instead of at `startRate`.
    public var warmStart: Bool
    /// How long one transaction may take before it counts as timed out; nil: four times the goal, at least 5 s.
    public var transactionTimeout: Duration?

    public init(startRate: Double, maximumRate: Double, growthFactor: Double = 2, relativeResolution: Double = 0.1,
                probeLength: Duration = .seconds(20), warmUp: Duration = .seconds(5), repetitions: Int = 1,
                maximumProbes: Int = 12, warmStart: Bool = true, transactionTimeout: Duration? = nil) {
        self.startRate = startRate
        self.maximumRate = maximumRate
        self.growthFactor = growthFactor
        self.relativeResolution = relativeResolution
        self.probeLength = probeLength
        self.warmUp = warmUp
        self.repetitions = repetitions
        self.maximumProbes = maximumProbes
        self.warmStart = warmStart
        self.transactionTimeout = transactionTimeout
    }

    /// The transaction timeout in effect under `goal`.
    public func effectiveTransactionTimeout(goal: ServiceGoal) -> Duration {
        if let transactionTimeout { return transactionTimeout }
        let seconds = max(5, goal.p95LatencySeconds * 4)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}

extension CapacityPlan {
    /// A one-screen summary of the plan in effect, defaults included.
    public var summary: String {
        var lines: [String] = []
        func row(_ label: String, _ value: String) {
            lines.append(label.padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
        let round = workloadRound
        row("plan", name)
        row("benchmark", "\(benchmarkPath ?? "inline") (\(benchmark.name), seed \(benchmark.seed)); round \(round.label): \(round.workload)")
        row("load", "\(benchmark.accounts) accounts, nonce window \(benchmark.nonceWindow), \(benchmark.network.deployment.rawValue)")
        row("consensus", consensus.map(\.name).joined(separator: ", "))
        for cell in cells {
            let network = configuration(for: cell).network
            let nodes = network.nodeNames.count
            let hosts = Set((network.nodeLocations ?? []).map(\.host)).count
            row("", "\(cell.label): \(nodes) node\(nodes == 1 ? "" : "s")" + (hosts == 0 ? "" : " on \(hosts) host\(hosts == 1 ? "" : "s")"))
        }
        row("goal", goal.summary)
        row("search", "from \(ServiceGoal.text(search.startRate)) to \(ServiceGoal.text(search.maximumRate)) tps, ×"
            + "\(ServiceGoal.text(search.growthFactor)) then bisect to \(ServiceGoal.text(search.relativeResolution * 100))%; "
            + "probes \(search.probeLength.benchmarkText) (warm-up \(search.warmUp.benchmarkText)), "
            + "\(search.repetitions) search(es) per size, at most \(search.maximumProbes) probes each"
            + (search.warmStart ? ", warm start" : ""))
        let estimate = estimatedSeconds
        row("duration", "about \(Int((estimate.typical / 60).rounded(.up))) min (\(estimate.typicalProbes) probes), "
            + "at most \(Int((estimate.most / 60).rounded(.up))) min")
        return lines.joined(separator: "\n")
    }

    /// A rough duration: typically ~9 probes for a search from the start rate and ~6 for a warm
    /// start, each its length plus ~2 s of drain and settling, plus ~30 s to start each cell's
    /// federation and prepare its workload (2 500 clinical accounts, measured on 2 cores); at most every search using all
    /// its probes, each drained to the transaction timeout.
    public var estimatedSeconds: (typical: Double, typicalProbes: Int, most: Double) {
        let probeSeconds = search.probeLength.inSeconds
        let timeoutSeconds = (search.effectiveTransactionTimeout(goal: goal)).inSeconds
        var probes = 0
        var seenConsensus: Set<String> = []
        for cell in cells {
            let warm = search.warmStart && !seenConsensus.insert(cell.consensus.name).inserted
            probes += min(warm ? 6 : 9, search.maximumProbes) * search.repetitions
        }
        let startSeconds: Double = Double(cells.count) * 30
        let typical: Double = Double(probes) * (probeSeconds + 2) + startSeconds
        let allProbes: Int = cells.count * search.repetitions * search.maximumProbes
        let most: Double = Double(allProbes) * (probeSeconds + timeoutSeconds + 2) + startSeconds
        return (typical, probes, most)
    }
}
