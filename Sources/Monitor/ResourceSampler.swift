#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One node's resources at one instant: cumulative counters, so that windows subtract two samples.
public struct ResourceSample: Equatable, Sendable {
    /// The node's name.
    public let node: String
    /// When the CPU figure was read, on this process's monotonic clock (`CLOCK_MONOTONIC`), in
    /// nanoseconds; for a reported sample, when its answer arrived. Rounds select samples by it.
    public let timeNanoseconds: UInt64
    /// For a node that reports its own readings, when it read its CPU time on its own monotonic
    /// clock, in nanoseconds: CPU% divides by differences of these. Nil when the driver read `/proc`.
    public let nodeTimeNanoseconds: UInt64?
    /// CPU time used so far, in seconds: a thread's from its `schedstat` (nanoseconds), a process's
    /// user plus system from `stat` (clock-tick resolution, usually 10 ms).
    public let cpuSeconds: Double
    /// Resident memory (`VmRSS`) in bytes: the node's process, or the shared process (``memoryScope``);
    /// 0 for an exited process that was not reaped yet.
    public let residentBytes: UInt64
    /// Bytes received over the node's transport so far (see ``networkSource``).
    public let networkInBytes: UInt64
    /// Bytes sent over the node's transport so far (see ``networkSource``).
    public let networkOutBytes: UInt64
    /// Bytes read from storage so far (see ``diskSource``).
    public let diskReadBytes: UInt64
    /// Bytes written to storage so far (see ``diskSource``).
    public let diskWrittenBytes: UInt64
    /// Whose memory ``residentBytes`` is.
    public let memoryScope: MemoryScope
    /// Where the disk figures came from.
    public let diskSource: DiskSource
    /// Where the network figures came from.
    public let networkSource: NetworkSource

    public init(
        node: String, timeNanoseconds: UInt64, cpuSeconds: Double, residentBytes: UInt64,
        networkInBytes: UInt64 = 0, networkOutBytes: UInt64 = 0, diskReadBytes: UInt64 = 0, diskWrittenBytes: UInt64 = 0,
        memoryScope: MemoryScope = .process, diskSource: DiskSource = .procIO, networkSource: NetworkSource = .unavailable,
        nodeTimeNanoseconds: UInt64? = nil
    ) {
        self.node = node
        self.timeNanoseconds = timeNanoseconds
        self.nodeTimeNanoseconds = nodeTimeNanoseconds
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
        self.networkInBytes = networkInBytes
        self.networkOutBytes = networkOutBytes
        self.diskReadBytes = diskReadBytes
        self.diskWrittenBytes = diskWrittenBytes
        self.memoryScope = memoryScope
        self.diskSource = diskSource
        self.networkSource = networkSource
    }
}

/// A node whose sample (or part of it) could not be taken, and why.
public struct NodeSamplingFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The node's name.
    public let node: String
    /// What could not be read or did not answer, in words.
    public let reason: String
    /// The `/proc` file the driver could not read or understand; nil for a node that reports its
    /// own readings and did not.
    public let procFileError: ProcFileError?
    /// Whether the pass has no sample of the node (true), or only lacks its disk figures (false).
    public let sampleIsMissing: Bool
    /// When the pass tried, on this process's monotonic clock, in nanoseconds.
    public let timeNanoseconds: UInt64

    /// A `/proc` file of `node` that could not be read at `timeNanoseconds`.
    public init(node: String, procFileError: ProcFileError, sampleIsMissing: Bool, timeNanoseconds: UInt64) {
        self.node = node
        reason = procFileError.description
        self.procFileError = procFileError
        self.sampleIsMissing = sampleIsMissing
        self.timeNanoseconds = timeNanoseconds
    }

    /// A node that reports its own readings and gave none at `timeNanoseconds`, for `reason`.
    public init(node: String, missingReport reason: String, timeNanoseconds: UInt64) {
        self.node = node
        self.reason = reason
        procFileError = nil
        sampleIsMissing = true
        self.timeNanoseconds = timeNanoseconds
    }

    public var description: String { "\(node): \(reason)" }
}

/// What one pass over every node produced.
public struct SamplingPass: Sendable {
    /// One sample per node that could be read, in the order the nodes were given.
    public let samples: [ResourceSample]
    /// Nodes that could not be sampled (their process exited, or a reporting node did not answer),
    /// or whose disk figures could not be read (those still have a sample, with ``DiskSource/unavailable``).
    public let failures: [NodeSamplingFailure]
    /// When the pass began, on the monotonic clock, in nanoseconds.
    public let startNanoseconds: UInt64
    /// When the pass ended, on the monotonic clock, in nanoseconds.
    public let endNanoseconds: UInt64
}

/// Takes samples of a fixed set of nodes from `/proc`, reading each file with one `read` into a
/// buffer it reuses.
///
/// Per pass it reads `stat`, `status` and `io` for each process node, the thread's `stat` for each
/// in-process node, and `/proc/self/status` once for all of them. Nodes that report their own
/// readings (``ResourceSource/reported``) are not its: the ``ResourceMonitor`` asks them. Not
/// thread-safe: one owner (the ``ResourceMonitor`` actor) calls it.
final class ResourceSampler {
    /// The largest file the sampler reads, in bytes; `status` is about 1.5 KiB.
    public static let bufferCapacityBytes = ProcFileReader.bufferCapacityBytes

    /// The nodes, in the order passes report them.
    public let nodes: [MonitoredNode]

    /// Each node's files, nil for a node that reports its own readings.
    private let paths: [NodePaths?]
    private let sharedStatusPath: String
    private let sharedProcessID: Int32
    private let ticksPerSecond: Double
    private let reader = ProcFileReader()

    /// A sampler of `nodes`; their names should differ, as summaries group samples by name.
    public init(nodes: [MonitoredNode]) {
        self.nodes = nodes
        sharedProcessID = getpid()
        sharedStatusPath = "/proc/self/status"
        let hasThreadNodes = nodes.contains { if case .thread = $0.source { true } else { false } }
        paths = nodes.map { NodePaths(source: $0.source, ownProcessID: getpid(), processIsShared: hasThreadNodes) }
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        ticksPerSecond = Double(ticks > 0 ? ticks : 100)
    }

    /// The monotonic clock (`CLOCK_MONOTONIC`) now, in nanoseconds: the time base of every sample.
    public static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
    }

    /// Samples every node the driver reads from `/proc` once.
    public func sample() -> SamplingPass {
        let start = Self.monotonicNanoseconds()
        var samples: [ResourceSample] = []
        samples.reserveCapacity(nodes.count)
        var failures: [NodeSamplingFailure] = []
        var sharedResidentBytes: Result<UInt64, ProcFileError>?
        for (node, path) in zip(nodes, paths) {
            guard let path else { continue }
            do {
                let stat = try readFile(path.stat) { try ProcParser.parseStat($0, path: path.stat) }
                var cpuSeconds = Double(stat.userTicks &+ stat.systemTicks) / ticksPerSecond
                if let schedstat = path.schedstat,
                   let nanoseconds = try? readFile(schedstat, { try ProcParser.parseScheduledNanoseconds($0, path: schedstat) }) {
                    cpuSeconds = Double(nanoseconds) / 1e9
                }
                let time = Self.monotonicNanoseconds()
                let residentBytes: UInt64
                if path.statusIsShared {
                    let shared = sharedResidentBytes ?? readSharedResidentBytes()
                    sharedResidentBytes = shared
                    residentBytes = try shared.get()
                } else if stat.isZombie {
                    residentBytes = 0
                } else {
                    residentBytes = try readFile(path.status) { try ProcParser.parseResidentBytes($0, path: path.status) }
                }
                let counters = node.counters?()
                var diskReadBytes: UInt64 = 0
                var diskWrittenBytes: UInt64 = 0
                var diskSource = DiskSource.unavailable
                if let ioPath = path.io {
                    do {
                        let io = try readFile(ioPath) { try ProcParser.parseIO($0, path: ioPath) }
                        (diskReadBytes, diskWrittenBytes, diskSource) = (io.readBytes, io.writeBytes, .procIO)
                    } catch {
                        failures.append(NodeSamplingFailure(node: node.name, procFileError: ProcFileReader.procFileError(error, path: ioPath),
                                                            sampleIsMissing: false, timeNanoseconds: time))
                    }
                } else if let counters {
                    (diskReadBytes, diskWrittenBytes, diskSource) = (counters.diskRead, counters.diskWritten, .storeCounters)
                }
                samples.append(ResourceSample(
                    node: node.name, timeNanoseconds: time,
                    cpuSeconds: cpuSeconds,
                    residentBytes: residentBytes,
                    networkInBytes: counters?.bytesIn ?? 0, networkOutBytes: counters?.bytesOut ?? 0,
                    diskReadBytes: diskReadBytes, diskWrittenBytes: diskWrittenBytes,
                    memoryScope: path.statusIsShared || path.processIsShared ? .sharedProcess : .process,
                    diskSource: diskSource,
                    networkSource: counters == nil ? .unavailable : .transportCounters
                ))
            } catch {
                failures.append(NodeSamplingFailure(node: node.name, procFileError: ProcFileReader.procFileError(error, path: path.stat),
                                                    sampleIsMissing: true, timeNanoseconds: Self.monotonicNanoseconds()))
            }
        }
        return SamplingPass(samples: samples, failures: failures, startNanoseconds: start, endNanoseconds: Self.monotonicNanoseconds())
    }

    /// The resident memory of this process, which every in-process node reports.
    private func readSharedResidentBytes() -> Result<UInt64, ProcFileError> {
        do {
            return .success(try readFile(sharedStatusPath) { try ProcParser.parseResidentBytes($0, path: sharedStatusPath) })
        } catch {
            return .failure(ProcFileReader.procFileError(error, path: sharedStatusPath))
        }
    }

    private func readFile<Parsed>(_ path: String, _ parse: (UnsafeBufferPointer<UInt8>) throws -> Parsed) throws -> Parsed {
        try reader.readFile(path, parse)
    }
}

/// The `/proc` files of one node.
private struct NodePaths {
    /// The CPU figures: `/proc/<pid>/stat` or `/proc/self/task/<tid>/stat`.
    let stat: String
    /// The process's `status` (memory); unused when ``statusIsShared``.
    let status: String
    /// A thread's `schedstat` (its CPU time in nanoseconds), or nil for a process, whose
    /// `schedstat` covers its main thread only: a process's CPU is `stat`'s, in clock ticks.
    let schedstat: String?
    /// The process's `io`, or nil for a thread (its disk figures come from its store's counters).
    let io: String?
    /// Whether memory is this process's, read once per pass for every in-process node.
    let statusIsShared: Bool
    /// Whether this is this process and in-process nodes share it.
    let processIsShared: Bool

    init?(source: ResourceSource, ownProcessID: Int32, processIsShared: Bool) {
        switch source {
        case .process(let pid):
            stat = "/proc/\(pid)/stat"
            status = "/proc/\(pid)/status"
            io = "/proc/\(pid)/io"
            schedstat = nil
            statusIsShared = false
            self.processIsShared = processIsShared && pid == ownProcessID
        case .thread(let tid):
            stat = "/proc/self/task/\(tid)/stat"
            status = "/proc/self/status"
            io = nil
            schedstat = "/proc/self/task/\(tid)/schedstat"
            statusIsShared = true
            self.processIsShared = true
        case .reported:
            return nil
        }
    }
}
