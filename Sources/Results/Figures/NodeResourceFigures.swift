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
    /// How many of the monitor's samples in the round the node missed (it did not answer in time,
    /// say); nil when none. With fewer than two samples taken, every figure is NaN (not measured).
    public var missedSamples: Int?
    /// Why the last missed sample is missing; nil when none was missed.
    public var missedReason: String?

    /// Whether the figures were measured (else each is NaN, and ``missedReason`` says why).
    public var isMeasured: Bool { cpuSeconds.isFinite }

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

    /// A node's figures from the monitor's summary; NaN for each figure it could not measure
    /// (fewer than two samples in the round), never 0.
    public init(_ resources: NodeResources) {
        let measured = resources.isMeasured
        func figure(_ value: Double) -> Double { measured ? value : .nan }
        node = resources.node
        cpuSeconds = figure(resources.cpuSeconds)
        cpuMeanPercent = figure(resources.cpuMeanPercent)
        cpuMaxPercent = figure(resources.cpuMaxPercent)
        memoryMeanBytes = figure(resources.residentMeanBytes)
        memoryMaxBytes = figure(Double(resources.residentMaxBytes))
        networkInBytes = figure(Double(resources.networkInBytes))
        networkOutBytes = figure(Double(resources.networkOutBytes))
        diskReadBytes = figure(Double(resources.diskReadBytes))
        diskWrittenBytes = figure(Double(resources.diskWrittenBytes))
        memoryScope = resources.memoryScope
        diskSource = resources.diskSource
        networkSource = resources.networkSource
        missedSamples = resources.missedSampleCount > 0 ? resources.missedSampleCount : nil
        missedReason = resources.missedReason
        if !measured, missedReason == nil {
            missedReason = "only \(resources.sampleCount) sample in the round"
        }
    }

    /// What to say about the node's figures in the round when some of its samples are missing:
    /// nil when every sample was taken.
    public var missedNote: String? {
        guard let missedReason else { return nil }
        let count = missedSamples.map { "\($0) sample\($0 == 1 ? "" : "s") missed" } ?? "not enough samples"
        return isMeasured
            ? "\(node): \(count) (\(missedReason)); its figures cover only the samples taken"
            : "\(node): not measured, \(count) (\(missedReason))"
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
