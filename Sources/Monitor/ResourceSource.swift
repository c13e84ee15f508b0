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

/// One node the monitor samples: its name in reports, what the kernel knows it as, and its counters.
public struct MonitoredNode: Sendable {
    /// The node's name, as the reports' rows show it (`orderer0`, `peer1`, `driver`).
    public let name: String
    /// The process or thread to read from `/proc`.
    public let source: ResourceSource
    /// The node's transport (and, in-process, store) counters; nil if it has none.
    public let counters: NodeCountersProvider?

    public init(name: String, source: ResourceSource, counters: NodeCountersProvider? = nil) {
        self.name = name
        self.source = source
        self.counters = counters
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
