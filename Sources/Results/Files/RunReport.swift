public import BenchmarkSpec
public import Monitor
import Foundation

/// One node's end-of-run position, as run.json records it.
public struct NodeReport: Sendable, Hashable, Encodable {
    public var name: String
    /// The named network the node belongs to, when the file names several.
    public var network: String? = nil
    public var height: UInt64
    public var headHash: String
    public var stateDigest: String?
    /// The node's operating-system process id, when nodes run as processes.
    public var processId: Int32?

    public init(name: String, network: String? = nil, height: UInt64, headHash: String, stateDigest: String?, processId: Int32?) {
        self.name = name
        self.network = network
        self.height = height
        self.headHash = headHash
        self.stateDigest = stateDigest
        self.processId = processId
    }
}

/// Every node's chain height when a round started and when it ended: a round that appends no
/// block leaves every height as it was.
public struct RoundHeights: Sendable, Hashable, Codable {
    public var label: String
    /// Node name to height, just before the round's first transaction.
    public var start: [String: UInt64]
    /// Node name to height, once the round's last transaction finished.
    public var end: [String: UInt64]

    public init(label: String, start: [String: UInt64], end: [String: UInt64]) {
        self.label = label
        self.start = start
        self.end = end
    }
}

/// One repetition of every round, on a fresh federation.
public struct RepetitionReport: Sendable, Encodable {
    public var repetition: Int
    public var rounds: [RoundFigures]
    /// Every node's resources in each round, in round order.
    public var resources: [RoundResourceReport] = []
    /// Every node's chain height at each round's start and end, in round order.
    public var heights: [RoundHeights] = []
    public var nodes: [NodeReport]
    /// Nodes that started but could not be checked at the end, and why.
    public var uncheckedNodes: [UncheckedNode] = []
    /// Nodes that ended without a planned fault.
    public var incidents: [NodeIncident] = []
    /// Nodes a planned fault left down at the end: not live, so not checked, and named.
    public var plannedDownNodes: [UncheckedNode] = []
    /// Faults that could not be carried out; any fails the run.
    public var failedFaults: [AppliedFault] = []
    /// Each network's check that every acknowledged transaction is on every live node exactly once.
    public var commitChecks: [CommitCheck] = []
    /// Acknowledged transactions lost (missing or repeated on some node): 0 when all is well.
    public var lostAcknowledged: Int { commitChecks.reduce(0) { $0 + $1.lost } }
    /// Every node that started was checked, and every peer ended on the same height, head and
    /// state digest, and every orderer on the same head.
    public var consistent: Bool

    public init(repetition: Int, rounds: [RoundFigures], resources: [RoundResourceReport] = [], heights: [RoundHeights] = [],
                nodes: [NodeReport], consistent: Bool) {
        self.repetition = repetition
        self.rounds = rounds
        self.resources = resources
        self.heights = heights
        self.nodes = nodes
        self.consistent = consistent
    }
}

/// Everything a run produced: what ran, where, and every figure.
public struct RunReport: Sendable, Encodable {
    public var benchmark: String
    public var runId: String
    public var seed: UInt64
    public var startedAt: String
    public var configuration: BenchmarkConfiguration
    public var machine: MachineDescription
    public var gitCommit: String?
    public var repetitions: [RepetitionReport]
    /// Every round over the repetitions: each figure's values, mean, deviation and interval.
    public var rounds: [RoundSummary] = []
    public var interrupted: Bool
    /// Why the run stopped before its last repetition, when a later repetition could not run
    /// (the repetitions before it are kept); nil when every repetition ran or was interrupted.
    public var failure: String?
    /// The nodes disagreed at the end of some repetition: the measured ledger is broken.
    public var consistent: Bool { repetitions.allSatisfy(\.consistent) }
    /// Acknowledged transactions lost over all repetitions: 0 when all is well.
    public var lostAcknowledged: Int { repetitions.reduce(0) { $0 + $1.lostAcknowledged } }
    /// Every node that ended without a planned fault, over all repetitions.
    public var incidents: [NodeIncident] { repetitions.flatMap(\.incidents) }

    public init(benchmark: String, runId: String, seed: UInt64, startedAt: String, configuration: BenchmarkConfiguration,
                machine: MachineDescription, gitCommit: String?, repetitions: [RepetitionReport], rounds: [RoundSummary] = [],
                interrupted: Bool) {
        self.benchmark = benchmark
        self.runId = runId
        self.seed = seed
        self.startedAt = startedAt
        self.configuration = configuration
        self.machine = machine
        self.gitCommit = gitCommit
        self.repetitions = repetitions
        self.rounds = rounds
        self.interrupted = interrupted
    }

    enum CodingKeys: String, CodingKey {
        case benchmark, runId, seed, startedAt, configuration, machine, gitCommit, repetitions, rounds, interrupted, failure, consistent
        case incidents, lostAcknowledged
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(benchmark, forKey: .benchmark)
        try container.encode(runId, forKey: .runId)
        try container.encode(seed, forKey: .seed)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(machine, forKey: .machine)
        try container.encodeIfPresent(gitCommit, forKey: .gitCommit)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(rounds, forKey: .rounds)
        try container.encode(interrupted, forKey: .interrupted)
        try container.encodeIfPresent(failure, forKey: .failure)
        try container.encode(consistent, forKey: .consistent)
        try container.encode(incidents, forKey: .incidents)
        try container.encode(lostAcknowledged, forKey: .lostAcknowledged)
    }
}
