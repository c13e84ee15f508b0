public import Monitor
import BenchmarkSpec
import Statistics

/// One node's resources over one round: the columns of the seed papers' Fabric tables.
public struct NodeResourceFigures: Sendable, Hashable, Codable {
    public var node: String
    /// CPU time used over the round, user plus system, in seconds.
    public var cpuSeconds: Double
    /// CPU as a share of one core (100 = one core busy), mean over the round and highest between samples.
    public var cpuMeanPercent: Double
    public var cpuMaxPercent: Double
    public var memoryMeanBytes: Double
    public var memoryMaxBytes: Double
    public var networkInBytes: Double
    public var networkOutBytes: Double
    public var diskReadBytes: Double
    public var diskWrittenBytes: Double
    /// Where memory, disk and network figures came from: in-process nodes share one process's
    /// memory, and their disk figures are their stores' own counters.
    public var memoryScope: MemoryScope
    public var diskSource: DiskSource
    public var networkSource: NetworkSource

    /// A node's figures as given (a capacity probe's or a test's).
    public init(node: String, cpuSeconds: Double, cpuMeanPercent: Double, cpuMaxPercent: Double, memoryMeanBytes: Double,
                memoryMaxBytes: Double, networkInBytes: Double, networkOutBytes: Double, diskReadBytes: Double,
                diskWrittenBytes: Double, memoryScope: MemoryScope, diskSource: DiskSource, networkSource: NetworkSource) {
        self.node = node
        self.cpuSeconds = cpuSeconds
        self.cpuMeanPercent = cpuMeanPercent
        self.cpuMaxPercent = cpuMaxPercent
        self.memoryMeanBytes = memoryMeanBytes
        self.memoryMaxBytes = memoryMaxBytes
        self.networkInBytes = networkInBytes
        self.networkOutBytes = networkOutBytes
        self.diskReadBytes = diskReadBytes
        self.diskWrittenBytes = diskWrittenBytes
        self.memoryScope = memoryScope
        self.diskSource = diskSource
        self.networkSource = networkSource
    }

    public init(_ resources: NodeResources) {
        node = resources.node
        cpuSeconds = resources.cpuSeconds
        cpuMeanPercent = resources.cpuMeanPercent
        cpuMaxPercent = resources.cpuMaxPercent
        memoryMeanBytes = resources.residentMeanBytes
        memoryMaxBytes = Double(resources.residentMaxBytes)
        networkInBytes = Double(resources.networkInBytes)
        networkOutBytes = Double(resources.networkOutBytes)
        diskReadBytes = Double(resources.diskReadBytes)
        diskWrittenBytes = Double(resources.diskWrittenBytes)
        memoryScope = resources.memoryScope
        diskSource = resources.diskSource
        networkSource = resources.networkSource
    }
}

/// Every node's resources in one round.
public struct RoundResourceReport: Sendable, Hashable, Codable {
    public var label: String
    public var nodes: [NodeResourceFigures]
    /// The whole process's CPU (% of one core) between consecutive samples: seconds since the
    /// round started, and the share.
    public var processCPU: [TimelinePoint] = []

    public init(label: String, nodes: [NodeResourceFigures], processCPU: [TimelinePoint] = []) {
        self.label = label
        self.nodes = nodes
        self.processCPU = processCPU
    }
}

/// One point of a time series.
public struct TimelinePoint: Sendable, Hashable, Codable {
    public var seconds: Double
    public var value: Double

    public init(seconds: Double, value: Double) {
        self.seconds = seconds
        self.value = value
    }
}

extension ResultFiles {
    /// `resources.csv`: one row per round and node; each figure's mean over the repetitions, then
    /// its standard deviation and interval bounds (empty with one repetition).
    public static func resourcesCSV(_ report: RunReport) -> String {
        let confidence = report.configuration.confidence
        var header = ["Round", "Node"]
        for figure in NodeResourceFigure.allCases { header += IntervalColumns.header(figure.header, confidence: confidence) }
        header += ["Memory", "Disk", "Network"]
        var lines = [CSV.line(header)]
        guard let first = report.repetitions.first else { return lines.joined(separator: "\n") + "\n" }
        for (roundIndex, round) in first.resources.enumerated() {
            for node in round.nodes {
                let samples = report.repetitions.compactMap { repetition -> NodeResourceFigures? in
                    guard repetition.resources.indices.contains(roundIndex) else { return nil }
                    return repetition.resources[roundIndex].nodes.first { $0.node == node.node }
                }
                var row = [round.label, node.node]
                for figure in NodeResourceFigure.allCases {
                    row += IntervalColumns.cells(ConfidenceInterval(samples: samples.map(figure.value(of:)), confidence: confidence))
                }
                row += [node.memoryScope.rawValue, node.diskSource.rawValue, node.networkSource.rawValue]
                lines.append(CSV.line(row))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
