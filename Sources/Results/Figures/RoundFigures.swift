import BenchmarkSpec
public import Load
public import Statistics

/// The driver's own health in a round: whether the numbers describe the ledger or the driver.
public struct DriverHealth: Sendable, Hashable, Codable {
    /// The rate the schedule intended, from its intended times (transactions per second).
    public var intendedRate: Double
    /// The rate at which transactions actually went out.
    public var achievedSendRate: Double
    /// 99th percentile of how late the scheduler released a transaction after its intended time.
    public var schedulerLagP99Milliseconds: Double
    /// CPU of the driver's own threads, in % of one core (nil where it cannot be read).
    public var cpuPercent: Double?
    /// The scheduler fell behind its schedule beyond the bound: the driver, not the ledger, limited the round.
    public var limitedByDriver: Bool
}

/// One round's figures, with Caliper's definitions where Caliper has one.
public struct RoundFigures: Sendable, Hashable, Codable {
    /// The scheduler lag above which a round counts as limited by the driver.
    public static let driverLagBoundMilliseconds = 10.0

    public var label: String
    public var succeeded: Int
    public var failed: Int
    /// Failures by class (`invalid:<code>`, `rejected:<reason>`, `timeout`).
    public var failures: [String: Int]
    /// Caliper's send rate: (Succ + Fail) / (last sent − first sent).
    public var sendRate: Double
    /// Caliper's throughput: (Succ + Fail) / (last finished − first sent).
    public var throughput: Double
    /// Succ / (last finished − first sent).
    public var goodput: Double
    /// Last finished − first intended.
    public var totalExecutionSeconds: Double
    /// From intended send time to finish: includes queueing in the driver (no coordinated omission).
    public var latencyFromIntended: LatencySummary
    /// From actual send to finish: Caliper's latency.
    public var latencyFromSent: LatencySummary
    /// Transactions left out as warm-up.
    public var trimmed: Int
    public var driver: DriverHealth
    public var interrupted: Bool
    /// Transactions finished in each second of the round, for the report's time series.
    public var finishedPerSecond: [Int]
    /// Availability and recovery, for a round with faults.
    public var faults: FaultFigures?

    /// Computes the figures of a recording (its warm-up was left out as it ran).
    public init(recording: RoundRecording) {
        let aggregate = recording.aggregate
        label = recording.label
        interrupted = recording.interrupted
        trimmed = aggregate.trimmed
        succeeded = aggregate.succeeded
        failed = aggregate.measured - aggregate.succeeded
        failures = aggregate.failures
        let total = Double(aggregate.measured)
        func seconds(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e9 }
        let (firstSent, lastSent) = (aggregate.firstSentNanoseconds, aggregate.lastSentNanoseconds)
        let (firstIntended, lastIntended) = (aggregate.firstIntendedNanoseconds, aggregate.lastIntendedNanoseconds)
        let lastFinished = aggregate.lastFinishedNanoseconds
        sendRate = lastSent > firstSent ? total / seconds(lastSent - firstSent) : 0
        throughput = lastFinished > firstSent ? total / seconds(lastFinished - firstSent) : 0
        goodput = lastFinished > firstSent ? Double(succeeded) / seconds(lastFinished - firstSent) : 0
        totalExecutionSeconds = lastFinished > firstIntended ? seconds(lastFinished - firstIntended) : 0
        latencyFromIntended = aggregate.fromIntended.summary
        latencyFromSent = aggregate.fromSent.summary
        finishedPerSecond = aggregate.finishedPerSecond

        let lagP99 = recording.schedulerLag.seconds(atPercentile: 99) * 1e3
        let roundSeconds = seconds(recording.durationNanoseconds)
        driver = DriverHealth(
            intendedRate: lastIntended > firstIntended ? (total - 1) / seconds(lastIntended - firstIntended) : 0,
            achievedSendRate: sendRate, schedulerLagP99Milliseconds: lagP99,
            cpuPercent: recording.driverCPUSeconds.map { roundSeconds > 0 ? $0 / roundSeconds * 100 : 0 },
            limitedByDriver: lagP99 > Self.driverLagBoundMilliseconds)
    }
}
