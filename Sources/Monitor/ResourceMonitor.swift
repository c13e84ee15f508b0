/// Samples a set of nodes every `interval` in the background, and on demand at round marks.
///
/// Each node keeps a bounded history (a ring buffer of ``historyCapacity`` samples; the oldest are
/// dropped first). Call ``sampleNow()`` exactly at a round's start and end, then ``summary(from:to:)``
/// with the two passes' times to get the round's per-node figures.
///
/// A pass reads `/proc` for the processes and threads the driver can see, and asks every node that
/// reports its own readings (``ResourceSource/reported``) at the same time. A node that cannot be
/// sampled leaves a missed sample (a ``NodeSamplingFailure``), which summaries count and name.
public actor ResourceMonitor {
    /// The sampling interval when none is given: one second, as `monitor.interval`.
    public static let defaultInterval: Duration = .seconds(1)
    /// The samples kept per node when no capacity is given: a bit over 27 hours at 1 Hz.
    public static let defaultHistoryCapacity = 100_000
    /// The failures kept (the most recent), so a node that exited cannot grow memory without bound.
    public static let failureHistoryCapacity = 100

    /// The time between background samples.
    public let interval: Duration
    /// The most samples kept per node.
    public let historyCapacity: Int

    private let sampler: ResourceSampler
    private var histories: [String: BoundedRing<ResourceSample>]
    /// Each node's missed samples, bounded as its samples are.
    private var missedHistories: [String: BoundedRing<NodeSamplingFailure>]
    private var recentFailures: BoundedRing<NodeSamplingFailure>
    private var samplingTask: Task<Void, Never>?

    /// A monitor of `nodes` (names should differ); it samples nothing until ``start()`` or ``sampleNow()``.
    public init(
        nodes: [MonitoredNode],
        interval: Duration = ResourceMonitor.defaultInterval,
        historyCapacity: Int = ResourceMonitor.defaultHistoryCapacity
    ) {
        let capacity = max(historyCapacity, 2)
        self.interval = interval > .zero ? interval : Self.defaultInterval
        self.historyCapacity = capacity
        sampler = ResourceSampler(nodes: nodes)
        var histories: [String: BoundedRing<ResourceSample>] = [:]
        var missedHistories: [String: BoundedRing<NodeSamplingFailure>] = [:]
        for node in nodes {
            histories[node.name] = BoundedRing(capacity: capacity)
            missedHistories[node.name] = BoundedRing(capacity: capacity)
        }
        self.histories = histories
        self.missedHistories = missedHistories
        recentFailures = .init(capacity: Self.failureHistoryCapacity)
    }

    deinit { samplingTask?.cancel() }

    /// Starts sampling every ``interval`` in a background task, beginning now; does nothing if running.
    public func start() {
        guard samplingTask == nil else { return }
        let interval = interval
        samplingTask = Task { [weak self] in
            let clock = ContinuousClock()
            var deadline = clock.now
            while !Task.isCancelled {
                guard let monitor = self else { return }
                await monitor.sampleNow()
                deadline = max(deadline.advanced(by: interval), clock.now)
                do { try await clock.sleep(until: deadline) } catch { return }
            }
        }
    }

    /// Stops background sampling; the history stays.
    public func stop() {
        samplingTask?.cancel()
        samplingTask = nil
    }

    /// Samples every node now, records the samples and the missed ones, and returns the pass (for a
    /// round's start or end mark). Nodes that report their own readings are asked all at once; the
    /// pass ends when the last has answered or given up (each provider keeps its own timeout).
    @discardableResult
    public func sampleNow() async -> SamplingPass {
        let start = ResourceSampler.monotonicNanoseconds()
        let reporting = sampler.nodes.enumerated().compactMap { index, node in node.report.map { (index, node.name, $0) } }
        var reported: [(index: Int, sample: ResourceSample?, failure: NodeSamplingFailure?)] = []
        if !reporting.isEmpty {
            reported = await withTaskGroup(of: (Int, ResourceSample?, NodeSamplingFailure?).self) { group in
                for (index, name, report) in reporting {
                    group.addTask {
                        let answer = await report()
                        let received = ResourceSampler.monotonicNanoseconds()
                        switch answer {
                        case .measured(let resources):
                            return (index, Self.sample(of: name, reported: resources, receivedNanoseconds: received), nil)
                        case .missing(let reason):
                            return (index, nil, NodeSamplingFailure(node: name, missingReport: reason, timeNanoseconds: received))
                        }
                    }
                }
                var answers: [(index: Int, sample: ResourceSample?, failure: NodeSamplingFailure?)] = []
                for await answer in group { answers.append(answer) }
                return answers.sorted { $0.index < $1.index }
            }
        }
        let read = sampler.sample()
        let order = Dictionary(sampler.nodes.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let samples = (read.samples + reported.compactMap(\.sample)).sorted { (order[$0.node] ?? 0) < (order[$1.node] ?? 0) }
        let failures = read.failures + reported.compactMap(\.failure)
        let pass = SamplingPass(samples: samples, failures: failures, startNanoseconds: start,
                                endNanoseconds: ResourceSampler.monotonicNanoseconds())
        for sample in pass.samples { histories[sample.node]?.append(sample) }
        for failure in pass.failures {
            recentFailures.append(failure)
            if failure.sampleIsMissing { missedHistories[failure.node]?.append(failure) }
        }
        return pass
    }

    /// The sample a reporting node's answer gives: its own readings, received at `receivedNanoseconds`.
    static func sample(of node: String, reported: ReportedResources, receivedNanoseconds: UInt64) -> ResourceSample {
        let reading = reported.reading
        return ResourceSample(
            node: node, timeNanoseconds: receivedNanoseconds, cpuSeconds: Double(reading.cpuNanoseconds) / 1e9,
            residentBytes: reading.residentBytes,
            networkInBytes: reported.networkInBytes, networkOutBytes: reported.networkOutBytes,
            diskReadBytes: reading.diskReadBytes, diskWrittenBytes: reading.diskWrittenBytes,
            memoryScope: .process, diskSource: .reportedProcIO, networkSource: .transportCounters,
            nodeTimeNanoseconds: reading.monotonicNanoseconds)
    }

    /// The recorded samples of `node`, oldest first (by time: two passes can overlap while they
    /// wait for reporting nodes, so samples are not always recorded in time order).
    public func samples(node: String) -> [ResourceSample] {
        (histories[node]?.elements ?? []).sorted { $0.timeNanoseconds < $1.timeNanoseconds }
    }

    /// Every node's recorded samples taken from `startNanoseconds` to `endNanoseconds` (inclusive), by
    /// node in the order given, oldest first.
    public func samples(fromNanoseconds startNanoseconds: UInt64, toNanoseconds endNanoseconds: UInt64) -> [ResourceSample] {
        sampler.nodes.flatMap { node in
            (histories[node.name]?.elements ?? []).filter {
                $0.timeNanoseconds >= startNanoseconds && $0.timeNanoseconds <= endNanoseconds
            }
        }
    }

    /// Every node's missed samples from `startNanoseconds` to `endNanoseconds` (inclusive), by node
    /// in the order given, oldest first.
    public func missedSamples(fromNanoseconds startNanoseconds: UInt64, toNanoseconds endNanoseconds: UInt64) -> [NodeSamplingFailure] {
        sampler.nodes.flatMap { node in
            (missedHistories[node.name]?.elements ?? []).filter {
                $0.timeNanoseconds >= startNanoseconds && $0.timeNanoseconds <= endNanoseconds
            }
        }
    }

    /// The per-node figures of a round that began with the pass `start` and ended with the pass
    /// `end`: every node that had a sample or missed one, in the order given.
    public func summary(from start: SamplingPass, to end: SamplingPass) -> [NodeResources] {
        let samples = samples(fromNanoseconds: start.startNanoseconds, toNanoseconds: end.endNanoseconds)
        let missed = missedSamples(fromNanoseconds: start.startNanoseconds, toNanoseconds: end.endNanoseconds)
        return RoundResources.summarise(samples: samples, missed: missed, fromNanoseconds: start.startNanoseconds,
                                        toNanoseconds: end.endNanoseconds)
    }

    /// The most recent failures, oldest first (at most ``failureHistoryCapacity``).
    public var failures: [NodeSamplingFailure] { recentFailures.elements }
}

/// One node's resources over one round: the columns of a resources table.
public struct NodeResources: Equatable, Sendable {
    /// The node's name.
    public let node: String
    /// How many samples fell in the window (the round's start and end marks included).
    public let sampleCount: Int
    /// How many passes in the window got no sample of the node (it did not answer, say).
    public let missedSampleCount: Int
    /// Why the last missed sample is missing; nil when none was missed.
    public let missedReason: String?
    /// From the first to the last sample in the window, in seconds (on the node's own clock for a
    /// node that reports its readings).
    public let spanSeconds: Double
    /// CPU time used over the window, user plus system, in seconds.
    public let cpuSeconds: Double
    /// Mean CPU use over the window, as a share of one core (100 = one core busy), in percent.
    public let cpuMeanPercent: Double
    /// The highest CPU use between two consecutive samples, in percent of one core.
    public let cpuMaxPercent: Double
    /// Mean resident memory over the samples, in bytes.
    public let residentMeanBytes: Double
    /// Largest resident memory among the samples, in bytes.
    public let residentMaxBytes: UInt64
    /// Bytes received over the window.
    public let networkInBytes: UInt64
    /// Bytes sent over the window.
    public let networkOutBytes: UInt64
    /// Bytes read from storage over the window.
    public let diskReadBytes: UInt64
    /// Bytes written to storage over the window.
    public let diskWrittenBytes: UInt64
    /// Whose memory the figures are (the process's, or the one shared by in-process nodes).
    public let memoryScope: MemoryScope
    /// Where the disk figures came from.
    public let diskSource: DiskSource
    /// Where the network figures came from.
    public let networkSource: NetworkSource

    /// Whether the figures were measured: at least two samples, so that CPU, traffic and disk are
    /// differences. When false every figure is 0 and must be shown as not measured.
    public var isMeasured: Bool { sampleCount >= 2 }
}

/// Turning samples into a round's per-node figures.
public enum RoundResources {
    /// The per-node figures of the samples taken from `startNanoseconds` to `endNanoseconds`, in
    /// the order nodes first appear.
    ///
    /// CPU% between two samples is Δcpu / Δwall × 100 (share of one core); the mean is over the
    /// whole window (first to last sample), the maximum over consecutive pairs. Traffic and disk
    /// are the last sample's counters minus the first's (0 if a counter went backwards). A node
    /// with one sample in the window has CPU and traffic 0, and one with none (every sample of it
    /// `missed`) has every figure 0: neither ``NodeResources/isMeasured``. Missed samples are
    /// counted, with the last one's reason; nodes first seen there come after the sampled ones.
    public static func summarise(samples: [ResourceSample], missed: [NodeSamplingFailure] = [],
                                 fromNanoseconds startNanoseconds: UInt64, toNanoseconds endNanoseconds: UInt64) -> [NodeResources] {
        var order: [String] = []
        var byNode: [String: [ResourceSample]] = [:]
        for sample in samples where sample.timeNanoseconds >= startNanoseconds && sample.timeNanoseconds <= endNanoseconds {
            if byNode[sample.node] == nil { order.append(sample.node) }
            byNode[sample.node, default: []].append(sample)
        }
        var missedByNode: [String: [NodeSamplingFailure]] = [:]
        for failure in missed where failure.sampleIsMissing
            && failure.timeNanoseconds >= startNanoseconds && failure.timeNanoseconds <= endNanoseconds {
            if byNode[failure.node] == nil && missedByNode[failure.node] == nil { order.append(failure.node) }
            missedByNode[failure.node, default: []].append(failure)
        }
        return order.map { node in
            let nodeMissed = (missedByNode[node] ?? []).sorted { $0.timeNanoseconds < $1.timeNanoseconds }
            guard let nodeSamples = byNode[node] else { return unmeasured(node: node, missed: nodeMissed) }
            return summarise(node: node, samples: nodeSamples.sorted { $0.timeNanoseconds < $1.timeNanoseconds }, missed: nodeMissed)
        }
    }

    /// A node with no sample in the window, only missed ones.
    private static func unmeasured(node: String, missed: [NodeSamplingFailure]) -> NodeResources {
        NodeResources(
            node: node, sampleCount: 0, missedSampleCount: missed.count, missedReason: missed.last?.reason,
            spanSeconds: 0, cpuSeconds: 0, cpuMeanPercent: 0, cpuMaxPercent: 0, residentMeanBytes: 0, residentMaxBytes: 0,
            networkInBytes: 0, networkOutBytes: 0, diskReadBytes: 0, diskWrittenBytes: 0,
            memoryScope: .process, diskSource: .unavailable, networkSource: .unavailable)
    }

    private static func summarise(node: String, samples: [ResourceSample], missed: [NodeSamplingFailure]) -> NodeResources {
        let first = samples[0], last = samples[samples.count - 1]
        var cpuMaxPercent = 0.0
        for (earlier, later) in zip(samples, samples.dropFirst()) {
            cpuMaxPercent = max(cpuMaxPercent, cpuPercent(from: earlier, to: later))
        }
        let residentTotal = samples.reduce(0.0) { $0 + Double($1.residentBytes) }
        return NodeResources(
            node: node,
            sampleCount: samples.count,
            missedSampleCount: missed.count,
            missedReason: missed.last?.reason,
            spanSeconds: Double(elapsedNanoseconds(from: first, to: last) ?? 0) / 1e9,
            cpuSeconds: max(last.cpuSeconds - first.cpuSeconds, 0),
            cpuMeanPercent: cpuPercent(from: first, to: last),
            cpuMaxPercent: cpuMaxPercent,
            residentMeanBytes: residentTotal / Double(samples.count),
            residentMaxBytes: samples.map(\.residentBytes).max() ?? 0,
            networkInBytes: delta(first.networkInBytes, last.networkInBytes),
            networkOutBytes: delta(first.networkOutBytes, last.networkOutBytes),
            diskReadBytes: delta(first.diskReadBytes, last.diskReadBytes),
            diskWrittenBytes: delta(first.diskWrittenBytes, last.diskWrittenBytes),
            memoryScope: last.memoryScope,
            diskSource: last.diskSource,
            networkSource: last.networkSource
        )
    }

    /// CPU use between two samples of one node, in percent of one core; 0 if no time passed. The
    /// time is the node's own clock when both samples carry it (readings it reported), else the
    /// driver's.
    public static func cpuPercent(from earlier: ResourceSample, to later: ResourceSample) -> Double {
        guard let elapsed = elapsedNanoseconds(from: earlier, to: later), elapsed > 0 else { return 0 }
        return max(later.cpuSeconds - earlier.cpuSeconds, 0) / (Double(elapsed) / 1e9) * 100
    }

    /// The time between two samples of one node: on the node's clock when both carry it, else on
    /// the driver's; nil if it went backwards (a node process restarted on another host, say).
    static func elapsedNanoseconds(from earlier: ResourceSample, to later: ResourceSample) -> UInt64? {
        if let earlierNode = earlier.nodeTimeNanoseconds, let laterNode = later.nodeTimeNanoseconds {
            return laterNode >= earlierNode ? laterNode - earlierNode : nil
        }
        return later.timeNanoseconds >= earlier.timeNanoseconds ? later.timeNanoseconds - earlier.timeNanoseconds : nil
    }

    private static func delta(_ earlier: UInt64, _ later: UInt64) -> UInt64 {
        later >= earlier ? later - earlier : 0
    }
}

/// A fixed-capacity ring buffer: appending to a full ring drops the oldest element.
struct BoundedRing<Element> {
    /// The most elements kept.
    let capacity: Int
    private var storage: [Element] = []
    private var oldestIndex = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    mutating func append(_ element: Element) {
        if storage.count < capacity {
            storage.append(element)
        } else {
            storage[oldestIndex] = element
            oldestIndex = (oldestIndex + 1) % capacity
        }
    }

    /// The elements, oldest first.
    var elements: [Element] { Array(storage[oldestIndex...]) + Array(storage[..<oldestIndex]) }

    /// How many elements the ring holds.
    var count: Int { storage.count }
}
