import Node

/// What a probe session asks of its federation beyond what `BenchmarkRun` itself uses.
extension BenchmarkRun.Environment {
    /// Threads of this process that run nodes: their CPU is not the driver's.
    var nodeThreadIDs: Set<Int32> { federation?.nodeThreadIDs ?? [] }

    /// Brings the counters the monitor reads up to date (in process they are live; node processes
    /// are asked for their status).
    func refreshCounters() async { await federation?.refreshCounters() }
}
