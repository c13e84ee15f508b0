/// Samples a set of nodes every `interval` in the background, and on demand at round marks.
///
/// Each node keeps a bounded history (a ring buffer of ``historyCapacity`` samples; the oldest are
/// dropped first). Call ``sampleNow()`` exactly at a round's start and end, then ``summary(from:to:)``
/// with the two passes' times to get the round's per-node figures.
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
        for node in nodes { histories[node.name] = BoundedRing(capacity: capacity) }
        self.histories = histories
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

    /// Samples every node now, records the samples, and returns the pass (for a round's start or end mark).
    @discardableResult
    public func sampleNow() -> SamplingPass {
        let pass = sampler.sample()
        for sample in pass.samples { histories[sample.node]?.append(sample) }
        for failure in pass.failures { recentFailures.append(failure) }
        return pass
    }

    /// The recorded samples of `node`, oldest first.
    public func samples(node: String) -> [ResourceSample] {
        histories[node]?.elements ?? []
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

    /// The per-node figures of a round that began with the pass `start` and ended with the pass `end`.
    public func summary(from start: SamplingPass, to end: SamplingPass) -> [NodeResources] {
        let samples = samples(fromNanoseconds: start.startNanoseconds, toNanoseconds: end.endNanoseconds)
        return RoundResources.summarise(samples: samples, fromNanoseconds: start.startNanoseconds, toNanoseconds: end.endNanoseconds)
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
    /// From the first to the last sample in the window, in seconds.
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
}

/// Turning samples into a round's per-node figures.
public enum RoundResources {
    /// The per-node figures of the samples taken from `startNanoseconds` to `endNanoseconds`, in
    /// the order nodes first appear.
    ///
    /// CPU% between two samples is Δcpu / Δwall × 100 (share of one core); the mean is over the
    /// whole window (first to last sample), the maximum over consecutive pairs. Traffic and disk
    /// are the last sample's counters minus the first's (0 if a counter went backwards). A node
    /// with one sample in the window has CPU and traffic 0.
    public static func summarise(samples: [ResourceSample], fromNanoseconds startNanoseconds: UInt64, toNanoseconds endNanoseconds: UInt64) -> [NodeResources] {
        var order: [String] = []
        var byNode: [String: [ResourceSample]] = [:]
        for sample in samples where sample.timeNanoseconds >= startNanoseconds && sample.timeNanoseconds <= endNanoseconds {
            if byNode[sample.node] == nil { order.append(sample.node) }
            byNode[sample.node, default: []].append(sample)
        }
        return order.map { node in
            summarise(node: node, samples: byNode[node]!.sorted { $0.timeNanoseconds < $1.timeNanoseconds })
        }
    }

    private static func summarise(node: String, samples: [ResourceSample]) -> NodeResources {
        let first = samples[0], last = samples[samples.count - 1]
        var cpuMaxPercent = 0.0
        for (earlier, later) in zip(samples, samples.dropFirst()) {
            cpuMaxPercent = max(cpuMaxPercent, cpuPercent(from: earlier, to: later))
        }
        let residentTotal = samples.reduce(0.0) { $0 + Double($1.residentBytes) }
        return NodeResources(
            node: node,
            sampleCount: samples.count,
            spanSeconds: Double(last.timeNanoseconds - first.timeNanoseconds) / 1e9,
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

    /// CPU use between two samples of one node, in percent of one core; 0 if no time passed.
    public static func cpuPercent(from earlier: ResourceSample, to later: ResourceSample) -> Double {
        guard later.timeNanoseconds > earlier.timeNanoseconds else { return 0 }
        let wallSeconds = Double(later.timeNanoseconds - earlier.timeNanoseconds) / 1e9
        return max(later.cpuSeconds - earlier.cpuSeconds, 0) / wallSeconds * 100
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
