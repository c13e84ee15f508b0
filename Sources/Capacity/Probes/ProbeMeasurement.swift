import BenchmarkSpec
public import CapacitySpec
import Monitor
public import Results

/// What one probe measured.
public struct ProbeMeasurement: Sendable, Codable {
    /// The probe's round figures, with Caliper's definitions.
    public var figures: RoundFigures
    public var offeredRate: Double
    public var p95FromIntendedSeconds: Double
    public var p95FromSentSeconds: Double
    /// Transactions finished per second in the probe's steady part (see `steadyRate`).
    public var committedRate: Double
    /// Succeeded over finished after the warm-up, 0...1 (0 when nothing finished).
    public var successRate: Double
    /// The backlog passed its limit and the probe stopped sending early.
    public var stoppedEarly: Bool
    /// Every node's resources over the probe, and `process` for the whole process.
    public var resources: [NodeResourceFigures]
    public var evidence: SaturationEvidence
    /// Blocks the federation appended during the probe (the highest node's height change).
    public var blocks: UInt64
    /// From the probe's start to its last transaction's end.
    public var probeSeconds: Double
    /// How long the federation took to come to rest after the probe.
    public var settleSeconds: Double

    /// The p95 the goal judges.
    public func p95Seconds(_ basis: LatencyBasis) -> Double {
        basis == .intended ? p95FromIntendedSeconds : p95FromSentSeconds
    }

    /// Whether the federation itself missed the goal: its own response time (from the sent time,
    /// which no driver queueing inflates) or its failures. A miss the driver cannot explain.
    public func federationMissed(_ goal: ServiceGoal) -> Bool {
        p95FromSentSeconds >= goal.p95LatencySeconds || successRate < goal.minimumSuccessRate
    }

    /// The probe as the pure search sees it. The load side (the driver or its accounts) limited it
    /// when the federation did not miss on its own account and either the driver fell behind (its
    /// lag past `SaturationAnalysis.driverLagBound`, or under 95% of the rate sent: a pass then
    /// proves nothing either) or every account slot was busy and the probe missed.
    /// A probe the federation missed by itself stays a miss even when the driver lagged too: the
    /// driver then offered less than the rate, and the federation still fell short.
    public func searchProbe(goal: ServiceGoal) -> CapacityProbe {
        var probe = CapacityProbe(offeredRate: offeredRate, throughput: committedRate, p95LatencySeconds: p95Seconds(goal.latency),
                                  successRate: successRate, limitedByDriver: false, stoppedEarly: stoppedEarly)
        let missed = goal.miss(probe) != nil
        let accountsLimited = SaturationAnalysis.accountsExhausted(evidence) && missed
        probe.limitedByDriver = !federationMissed(goal) && (SaturationAnalysis.driverFellBehind(evidence) || accountsLimited)
        return probe
    }

    /// The rate of finishes over whole seconds `from..<to` of `finishedPerSecond`; nil when that
    /// window is shorter than two seconds.
    public static func steadyRate(finishedPerSecond: [Int], from: Int, to: Int) -> Double? {
        let start = max(0, from), end = min(to, finishedPerSecond.count)
        guard end - start >= 2 else { return nil }
        return Double(finishedPerSecond[start..<end].reduce(0, +)) / Double(end - start)
    }
}
