import Foundation
import LedgerCore
package import Load
package import Monitor
package import Federation

/// What rounds run on: accounts and their nonces, the workloads' prepared facts, and the
/// federation with its monitor. Runs keep one per network; capacity probes keep one per session.
package struct BenchmarkEnvironment: Sendable {
    package var accounts: AccountPool
    package var context: WorkloadContext
    package var federation: (any BenchmarkFederation)?
    package var monitor: ResourceMonitor?
    /// The nodes' data, removed by `close()`.
    package var directory: String
    /// The block device under `directory`, when its activity can be read.
    package var disk: BlockDeviceActivity?
    /// The nodes planned faults crashed on this federation, for as long as it runs (repetitions
    /// that reuse it included).
    let outages = PlannedOutages()

    /// Threads of this process that run nodes: their CPU is not the driver's.
    package var nodeThreadIDs: Set<Int32> { federation?.nodeThreadIDs ?? [] }

    /// Stops the monitor and the federation, and removes the nodes' data.
    package func close() async {
        await monitor?.stop()
        await federation?.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Every node's chain height, by name (empty without a federation).
    package func heights() async -> [String: UInt64] {
        guard let federation else { return [:] }
        var heights: [String: UInt64] = [:]
        for state in await federation.chainStates() { heights[state.address.name] = state.height }
        return heights
    }
}
