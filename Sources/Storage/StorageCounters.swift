import Synchronization

/// A node's disk traffic as its stores counted it, readable from any thread without waiting for
/// the node: the monitor samples it while the node runs.
public final class StorageCounters: Sendable {
    private let read = Atomic<UInt64>(0)
    private let written = Atomic<UInt64>(0)

    public init() {}

    /// Publishes the stores' totals (they only grow).
    public func publish(read bytesRead: UInt64, written bytesWritten: UInt64) {
        read.store(bytesRead, ordering: .relaxed)
        written.store(bytesWritten, ordering: .relaxed)
    }

    public var bytesRead: UInt64 { read.load(ordering: .relaxed) }
    public var bytesWritten: UInt64 { written.load(ordering: .relaxed) }
}
