import Statistics

/// A figure every round reports: a typed key for look-ups, with the column header, unit and
/// polarity the result files use. Its raw value is the identifier in run.json and repetitions.csv.
public enum RoundFigure: String, CaseIterable, Sendable, Hashable, Codable {
    case succeeded, failed, sendRate, latencyMax, latencyMin, latencyMean, throughput
    case latencyP50, latencyP90, latencyP99, latencyP999, goodput, totalExecutionTime
    case intendedLatencyP50, intendedLatencyP99, schedulerLagP99, driverCPU
    /// Rounds with faults only (elsewhere not measured): the longest span without a commit, the
    /// first crash's time to the next commit, the first disruption's time back to 90% of the
    /// pre-fault throughput, the first restarted node's time to catch up, and the latency
    /// distance to the same round without faults.
    case unavailability, crashToNextCommit, recovery, restartToCaughtUp, failureSensitivity
    /// `maximum-rate` rounds only (elsewhere not measured): the highest throughput sustained over
    /// a sample interval, and the offered rate at which latency left its bound (see
    /// ``SaturationFigures``).
    case saturationThroughput, latencyBoundRate

    /// The column header (Caliper's where Caliper has one), unit included.
    public var header: String {
        switch self {
        case .succeeded: "Succ"
        case .failed: "Fail"
        case .sendRate: "Send Rate (TPS)"
        case .latencyMax: "Max Latency (s)"
        case .latencyMin: "Min Latency (s)"
        case .latencyMean: "Avg Latency (s)"
        case .throughput: "Throughput (TPS)"
        case .latencyP50: "p50 Latency (s)"
        case .latencyP90: "p90 Latency (s)"
        case .latencyP99: "p99 Latency (s)"
        case .latencyP999: "p99.9 Latency (s)"
        case .goodput: "Goodput (TPS)"
        case .totalExecutionTime: "Total Execution Time (s)"
        case .intendedLatencyP50: "p50 Latency from Intended (s)"
        case .intendedLatencyP99: "p99 Latency from Intended (s)"
        case .schedulerLagP99: "Scheduler Lag p99 (ms)"
        case .driverCPU: "Driver CPU (%)"
        case .unavailability: "Longest Span Without Commit (s)"
        case .crashToNextCommit: "Crash to Next Commit (s)"
        case .recovery: "Recovery to 90% Throughput (s)"
        case .restartToCaughtUp: "Restart to Caught Up (s)"
        case .failureSensitivity: "Failure Sensitivity, 1-Wasserstein (s)"
        case .saturationThroughput: "Saturation Throughput (TPS)"
        case .latencyBoundRate: "Rate at Latency Bound (TPS)"
        }
    }

    public var unit: String {
        switch self {
        case .succeeded, .failed: "tx"
        case .sendRate, .throughput, .goodput, .saturationThroughput, .latencyBoundRate: "tx/s"
        case .schedulerLagP99: "ms"
        case .driverCPU: "%"
        default: "s"
        }
    }

    /// Which direction of change is good; the comparison judges by it.
    public var polarity: FigurePolarity {
        switch self {
        case .succeeded, .sendRate, .throughput, .goodput, .saturationThroughput, .latencyBoundRate: .higherIsBetter
        // The driver's own health is reported (and a round it limited is flagged), not judged:
        // it describes the machine that drives, not the ledger under test.
        case .driverCPU, .schedulerLagP99: .neutral
        default: .lowerIsBetter
        }
    }

    /// The figure of one round (NaN where it could not be measured, such as the driver's CPU
    /// where /proc cannot be read).
    public func value(of round: RoundFigures) -> Double {
        switch self {
        case .succeeded: Double(round.succeeded)
        case .failed: Double(round.failed)
        case .sendRate: round.sendRate
        case .latencyMax: round.latencyFromSent.max
        case .latencyMin: round.latencyFromSent.min
        case .latencyMean: round.latencyFromSent.mean
        case .throughput: round.throughput
        case .latencyP50: round.latencyFromSent.p50
        case .latencyP90: round.latencyFromSent.p90
        case .latencyP99: round.latencyFromSent.p99
        case .latencyP999: round.latencyFromSent.p999
        case .goodput: round.goodput
        case .totalExecutionTime: round.totalExecutionSeconds
        case .intendedLatencyP50: round.latencyFromIntended.p50
        case .intendedLatencyP99: round.latencyFromIntended.p99
        case .schedulerLagP99: round.driver.schedulerLagP99Milliseconds
        case .driverCPU: round.driver.cpuPercent ?? .nan
        case .unavailability: round.faults?.unavailabilitySeconds ?? .nan
        case .crashToNextCommit: (round.faults?.crashToNextCommitSeconds.first ?? nil) ?? .nan
        case .recovery: (round.faults?.recoveries.first?.recoverySeconds) ?? .nan
        case .restartToCaughtUp: (round.faults?.restartToCaughtUpSeconds.first ?? nil) ?? .nan
        case .failureSensitivity: round.faults?.sensitivity?.wassersteinSeconds ?? .nan
        case .saturationThroughput: round.saturation?.sustainedThroughput ?? .nan
        case .latencyBoundRate: round.saturation?.latencyBoundRate ?? .nan
        }
    }

    /// The relative change `vernier compare` tolerates by default, set above the run-to-run noise of
    /// 11 same-build runs of Workloads/ci-regression.yaml on a 2-core VM (docs/ci.md): rates 5%,
    /// successes 3%, failures 5%, saturation 10%, latencies 20%, the rest 10%.
    public var defaultThreshold: Double {
        switch self {
        case .throughput, .sendRate, .goodput: 0.05
        case .saturationThroughput, .latencyBoundRate: 0.10
        case _ where isLatency: 0.20
        // Successes under contention (MVCC conflicts) moved by 0.6% on a quiet machine and 1.6% on a busy one.
        case .succeeded: 0.03
        // Failures under contention (MVCC conflicts) vary by a few in a hundred from run to run.
        case .failed: 0.05
        default: 0.10
        }
    }

    /// The fewest transactions a round needs for `vernier compare` to judge this figure: a
    /// percentile needs ten transactions beyond it (p99: 1,000), else it is one or two extreme
    /// samples and moves with the machine, not the ledger. nil: never judged (the minimum and
    /// maximum are single samples).
    public var transactionsToJudge: Int? {
        switch self {
        case .latencyMin, .latencyMax: nil
        case .latencyP50, .intendedLatencyP50: 20
        case .latencyP90: 100
        case .latencyP99, .intendedLatencyP99: 1_000
        case .latencyP999: 10_000
        default: 0
        }
    }

    /// Whether the figure measures latency (a `maximum-rate` round's latency is the queue the
    /// controller builds on purpose, so `compare` leaves it to the saturation figures).
    public var isLatency: Bool {
        switch self {
        case .latencyMax, .latencyMin, .latencyMean, .latencyP50, .latencyP90, .latencyP99, .latencyP999,
             .intendedLatencyP50, .intendedLatencyP99:
            true
        default:
            false
        }
    }

    /// Short names a `--threshold` option may use: `p99` means `latencyP99`, and so on.
    public static let aliases: [String: RoundFigure] = [
        "p50": .latencyP50, "p90": .latencyP90, "p99": .latencyP99, "p999": .latencyP999,
        "latency": .latencyMean, "tps": .throughput, "saturation": .saturationThroughput,
    ]
}
