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
    /// The driver, not the ledger, shaped the round's figures (see ``isLimited``).
    public var limitedByDriver: Bool

    /// Whether the driver limited a round: it sent below 95% of the intended rate, or its
    /// scheduler lag p99 passed 10 ms and a tenth of the round's median latency from sending.
    /// Lag a few milliseconds long against latencies of a tenth of a second or more moves no
    /// figure: such a round is not flagged.
    public static func isLimited(lagP99Milliseconds: Double, latencyP50Seconds: Double, intendedRate: Double,
                                 achievedSendRate: Double) -> Bool {
        let sendBehind = intendedRate > 0 && achievedSendRate < 0.95 * intendedRate
        let lagMatters = lagP99Milliseconds > RoundFigures.driverLagBoundMilliseconds
            && lagP99Milliseconds / 1000 > 0.1 * latencyP50Seconds
        return sendBehind || lagMatters
    }
}

/// One round's figures, with Caliper's definitions where Caliper has one.
public struct RoundFigures: Sendable, Hashable, Codable {
    /// The scheduler lag below which a round never counts as limited by the driver.
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
    /// Where a `maximum-rate` round saturated the federation.
    public var saturation: SaturationFigures?
    /// Transactions the ledger carried to their end, warm-up included (committed valid or
    /// invalid, or answered): what the per-transaction costs divide by.
    public var processedByLedger: Int

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
        processedByLedger = aggregate.processedByLedger

        let lagP99 = recording.schedulerLag.seconds(atPercentile: 99) * 1e3
        let roundSeconds = seconds(recording.durationNanoseconds)
        let intendedRate = lastIntended > firstIntended ? (total - 1) / seconds(lastIntended - firstIntended) : 0
        // The achieved send rate on the same footing as the intended one (n - 1 gaps).
        let achieved = lastSent > firstSent ? (total - 1) / seconds(lastSent - firstSent) : 0
        driver = DriverHealth(
            intendedRate: intendedRate, achievedSendRate: sendRate, schedulerLagP99Milliseconds: lagP99,
            cpuPercent: recording.driverCPUSeconds.map { roundSeconds > 0 ? $0 / roundSeconds * 100 : 0 },
            limitedByDriver: DriverHealth.isLimited(lagP99Milliseconds: lagP99, latencyP50Seconds: latencyFromSent.p50,
                                                    intendedRate: intendedRate, achievedSendRate: achieved))
    }
}
