public import Monitor

/// A figure of what one round cost a node, or the whole federation: a typed key with its column
/// header, unit, polarity and the threshold `vernier compare` judges it by. Its raw value is the
/// identifier in run.json.
///
/// Below saturation, latency and throughput follow the batch timer and the offered rate, so a
/// slower validation path moves neither; what a transaction costs the nodes moves at once.
public enum CostFigure: String, CaseIterable, Sendable, Hashable, Codable {
    /// CPU time (user + system) per transaction the ledger carried, in microseconds.
    case cpuPerTransaction
    /// Bytes received over the node's transport per transaction.
    case bytesReceivedPerTransaction
    /// Bytes sent over the node's transport per transaction.
    case bytesSentPerTransaction
    /// Bytes written to disk per transaction.
    case diskWrittenPerTransaction
    /// The highest resident memory sampled in the round, in megabytes.
    case peakMemory

    /// The column header, unit included.
    public var header: String {
        switch self {
        case .cpuPerTransaction: "CPU per Tx (µs)"
        case .bytesReceivedPerTransaction: "Received per Tx (B)"
        case .bytesSentPerTransaction: "Sent per Tx (B)"
        case .diskWrittenPerTransaction: "Disk Written per Tx (B)"
        case .peakMemory: "Peak RAM (MB)"
        }
    }

    public var unit: String {
        switch self {
        case .cpuPerTransaction: "µs"
        case .bytesReceivedPerTransaction, .bytesSentPerTransaction, .diskWrittenPerTransaction: "B"
        case .peakMemory: "MB"
        }
    }

    /// Costs only ever get worse by growing.
    public var polarity: FigurePolarity { .lowerIsBetter }

    /// The relative change `vernier compare` tolerates by default, set above the run-to-run noise
    /// of 11 same-build runs of Workloads/ci-regression.yaml on a 2-core VM (docs/ci.md): CPU 25%,
    /// traffic 3%, disk 5%, memory 15%.
    public var defaultThreshold: Double {
        switch self {
        case .cpuPerTransaction: 0.25
        case .bytesReceivedPerTransaction, .bytesSentPerTransaction: 0.03
        case .diskWrittenPerTransaction: 0.05
        case .peakMemory: 0.15
        }
    }

    /// The figure of one scope's cost (NaN where it was not measured).
    public func value(of cost: RoundCost) -> Double {
        guard cost.transactions > 0 || self == .peakMemory else { return .nan }
        let perTransaction = 1 / Double(cost.transactions)
        return switch self {
        case .cpuPerTransaction: cost.cpuSeconds * 1e6 * perTransaction
        case .bytesReceivedPerTransaction: cost.networkSource == nil ? .nan : cost.bytesReceived * perTransaction
        case .bytesSentPerTransaction: cost.networkSource == nil ? .nan : cost.bytesSent * perTransaction
        case .diskWrittenPerTransaction: cost.diskSource == nil ? .nan : cost.diskWritten * perTransaction
        case .peakMemory: cost.peakMemoryBytes.map { $0 / 1e6 } ?? .nan
        }
    }
}

/// What one round cost one node, or the whole federation, in one repetition: the totals the cost
/// figures divide by the transactions the ledger carried.
public struct RoundCost: Sendable, Hashable, Codable {
    /// The scope's name in run.json: ``RoundCost/federationScope`` or a node's name.
    public static let federationScope = "federation"

    /// A node's name, or `federation` for every node together.
    public var scope: String
    /// Transactions the ledger carried to their end in the round, warm-up included (the work the
    /// nodes did was for every one of them).
    public var transactions: Int
    public var cpuSeconds: Double
    public var bytesReceived: Double
    public var bytesSent: Double
    public var diskWritten: Double
    /// Highest resident memory, in bytes; nil for an in-process node, which shares the process's
    /// memory (the federation's figure is then the whole process's, driver included).
    public var peakMemoryBytes: Double?
    /// Where the traffic and disk figures came from; nil where nothing reported them.
    public var networkSource: NetworkSource?
    public var diskSource: DiskSource?

    /// Each node's cost in a round, then the federation's (their sums; for memory, the sum of
    /// the nodes' peaks, or the shared process's peak in process). The `process` row, the
    /// driver's own process, is not a node.
    public static func costs(of resources: RoundResourceReport, transactions: Int) -> [RoundCost] {
        let nodes = resources.nodes.filter { $0.node != processRow }
        guard !nodes.isEmpty else { return [] }
        let perNode = nodes.map { node in
            RoundCost(scope: node.node, transactions: transactions, cpuSeconds: node.cpuSeconds,
                      bytesReceived: node.networkInBytes, bytesSent: node.networkOutBytes, diskWritten: node.diskWrittenBytes,
                      peakMemoryBytes: node.memoryScope == .sharedProcess ? nil : node.memoryMaxBytes,
                      networkSource: node.networkSource == .unavailable ? nil : node.networkSource,
                      diskSource: node.diskSource == .unavailable ? nil : node.diskSource)
        }
        let shared = nodes.contains { $0.memoryScope == .sharedProcess }
        let processPeak = resources.nodes.first { $0.node == processRow }?.memoryMaxBytes
        let federation = RoundCost(
            scope: federationScope, transactions: transactions, cpuSeconds: perNode.reduce(0) { $0 + $1.cpuSeconds },
            bytesReceived: perNode.reduce(0) { $0 + $1.bytesReceived }, bytesSent: perNode.reduce(0) { $0 + $1.bytesSent },
            diskWritten: perNode.reduce(0) { $0 + $1.diskWritten },
            peakMemoryBytes: shared ? processPeak : perNode.reduce(0) { $0 + ($1.peakMemoryBytes ?? 0) },
            networkSource: perNode.allSatisfy { $0.networkSource != nil } ? perNode.first?.networkSource : nil,
            diskSource: perNode.allSatisfy { $0.diskSource != nil } ? perNode.first?.diskSource : nil)
        return [federation] + perNode
    }

    /// The monitor's row for the driver's whole process.
    static let processRow = "process"
}

/// One scope's costs in a round over all repetitions: every cost figure's values and interval.
public struct CostSummary: Sendable, Hashable, Codable {
    /// `federation` or a node's name.
    public var scope: String
    /// One entry per ``CostFigure``, in catalog order.
    public var figures: [FigureStatistics]

    public init(scope: String, figures: [FigureStatistics]) {
        self.scope = scope
        self.figures = figures
    }

    /// The values and interval of `figure`, if the summary has it.
    public func statistics(_ figure: CostFigure) -> FigureStatistics? {
        figures.first { $0.key == figure.rawValue }
    }

    /// Every scope's costs in one round, from each repetition's costs of that round.
    public static func summarise(_ repetitions: [[RoundCost]], confidence: Double) -> [CostSummary] {
        guard let first = repetitions.first(where: { !$0.isEmpty }) else { return [] }
        return first.map(\.scope).map { scope in
            let costs = repetitions.compactMap { $0.first { $0.scope == scope } }
            return CostSummary(scope: scope, figures: CostFigure.allCases.map { figure in
                FigureStatistics(key: figure.rawValue, unit: figure.unit, polarity: figure.polarity,
                                 values: costs.map(figure.value(of:)).filter(\.isFinite), confidence: confidence)
            })
        }
    }
}
