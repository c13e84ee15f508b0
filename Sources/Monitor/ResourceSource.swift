#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one monitored node is, as the kernel sees it: a process, or a thread of this process.
public enum ResourceSource: Hashable, Sendable {
    /// A node running as its own process: CPU, memory and disk come from `/proc/<pid>/`.
    case process(pid: Int32)
    /// An in-process node running on its own thread of this process: CPU comes from
    /// `/proc/self/task/<tid>/stat`; memory is the whole process's; disk comes from the node's store.
    case thread(tid: Int32)
    /// A node that measures itself and reports its readings when asked (a node process, on this
    /// machine or another): the driver reads no `/proc` for it (see ``MonitoredNode/report``).
    case reported

    /// This process, as the driver monitors itself.
    public static var currentProcess: ResourceSource { .process(pid: getpid()) }

    /// The calling thread, for an in-process node to name the thread it runs on.
    public static var currentThread: ResourceSource { .thread(tid: KernelThreadID.current()) }
}

/// Counters a node keeps itself, which `/proc` cannot attribute to it: its transport's bytes and,
/// for an in-process node, its store's bytes. All are totals since the node started, in bytes.
public struct NodeCounters: Equatable, Sendable {
    /// Bytes the node received over its transport.
    public var bytesIn: UInt64
    /// Bytes the node sent over its transport.
    public var bytesOut: UInt64
    /// Bytes the node's store read from disk.
    public var diskRead: UInt64
    /// Bytes the node's store wrote to disk.
    public var diskWritten: UInt64

    public init(bytesIn: UInt64 = 0, bytesOut: UInt64 = 0, diskRead: UInt64 = 0, diskWritten: UInt64 = 0) {
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
        self.diskRead = diskRead
        self.diskWritten = diskWritten
    }
}

/// Reads a node's own counters; returns nil when they are not available (yet, or any more).
public typealias NodeCountersProvider = @Sendable () -> NodeCounters?

/// What a node that measures itself reported: its own reading of `/proc/self` and its transport's bytes.
public struct ReportedResources: Equatable, Sendable {
    /// The node's CPU time, memory and disk bytes, with the time of the reading on its own clock.
    public var reading: ProcessResourceReading
    /// Bytes the node received over its transport so far.
    public var networkInBytes: UInt64
    /// Bytes the node sent over its transport so far.
    public var networkOutBytes: UInt64

    public init(reading: ProcessResourceReading, networkInBytes: UInt64, networkOutBytes: UInt64) {
        self.reading = reading
        self.networkInBytes = networkInBytes
        self.networkOutBytes = networkOutBytes
    }
}

/// A self-measuring node's answer to the monitor: its readings, or why there are none.
public enum NodeReport: Equatable, Sendable {
    /// The node answered with its readings.
    case measured(ReportedResources)
    /// The node did not answer in time, could not read its own counters, or reports none; the
    /// reason says which. The monitor records a missed sample, never zeros.
    case missing(reason: String)
}

/// Asks a self-measuring node for its readings; it must return within its own timeout.
public typealias NodeReportProvider = @Sendable () async -> NodeReport

/// One node the monitor samples: its name in reports, what the kernel knows it as, and its counters.
public struct MonitoredNode: Sendable {
    /// The node's name, as the reports' rows show it (`orderer0`, `peer1`, `driver`).
    public let name: String
    /// The process or thread to read from `/proc`, or ``ResourceSource/reported``.
    public let source: ResourceSource
    /// The node's transport (and, in-process, store) counters; nil if it has none.
    public let counters: NodeCountersProvider?
    /// How to ask a ``ResourceSource/reported`` node for its readings; nil for the others.
    public let report: NodeReportProvider?

    /// A node whose process or thread the driver reads from `/proc`, with its own counters if it keeps any.
    public init(name: String, source: ResourceSource, counters: NodeCountersProvider? = nil) {
        self.name = name
        self.source = source
        self.counters = counters
        report = nil
    }

    /// A node that measures itself and reports its readings when `report` asks.
    public init(name: String, report: @escaping NodeReportProvider) {
        self.name = name
        source = .reported
        counters = nil
        self.report = report
    }
}

/// Whose resident memory a sample reports.
public enum MemoryScope: String, Hashable, Sendable, Codable {
    /// The node's own process.
    case process
    /// The process that all in-process nodes share (and the driver too): the same figure for each.
    /// A `.process` node for this very process is labelled so too when in-process nodes are monitored,
    /// and its `/proc/self/io` then includes their stores' disk traffic.
    case sharedProcess
}

/// Where a sample's disk figures came from.
public enum DiskSource: String, Hashable, Sendable, Codable {
    /// `/proc/<pid>/io` `read_bytes` / `write_bytes`: bytes the process moved from or to storage.
    case procIO
    /// The in-process node's store counters (``NodeCounters/diskRead`` and ``NodeCounters/diskWritten``).
    case storeCounters
    /// The node's own `/proc/self/io` `read_bytes` / `write_bytes`, as it reported them.
    case reportedProcIO
    /// Nothing reported them: the figures are 0.
    case unavailable
}

/// Where a sample's network figures came from.
public enum NetworkSource: String, Hashable, Sendable, Codable {
    /// The node's transport counters (``NodeCounters/bytesIn`` and ``NodeCounters/bytesOut``).
    case transportCounters
    /// The node reported no counters: the figures are 0.
    case unavailable
}

/// The kernel id of the calling thread (`gettid`), as `/proc/self/task/<tid>` names it.
enum KernelThreadID {
    /// The calling thread's kernel thread id.
    public static func current() -> Int32 {
        #if os(Linux)
        return gettidFunction()
        #else
        var identifier: UInt64 = 0
        pthread_threadid_np(nil, &identifier)
        return Int32(truncatingIfNeeded: identifier)
        #endif
    }

    #if os(Linux)
    /// `pid_t gettid(void)` (glibc 2.30 and later), which Swift's `Glibc` module hides behind
    /// `_GNU_SOURCE`; looked up by name in the already loaded C library.
    private static let gettidFunction: @convention(c) () -> Int32 = {
        guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "gettid") else {
            fatalError("the C library lacks gettid")
        }
        return unsafeBitCast(symbol, to: (@convention(c) () -> Int32).self)
    }()
    #endif
}
