import Node

/// What a probe session asks of its federation beyond what `BenchmarkRun` itself uses. Kept in
/// one place so that moving `BenchmarkRun` to a federation protocol (`deployment: processes`)
/// changes this file only: `federation?.nodeThreadIDs`, and `federation?.refreshCounters()`.
extension BenchmarkRun.Environment {
    /// Threads of this process that run nodes: their CPU is not the driver's.
    var nodeThreadIDs: Set<Int32> { Set(federation?.nodes.map(\.executor.threadID) ?? []) }

    /// Brings the counters the monitor reads up to date (in process they are live).
    func refreshCounters() async {}
}
