public import Load

/// A fault as it was carried out: when, what, on which nodes, and whether it worked.
public struct AppliedFault: Sendable, Hashable, Codable {
    /// When it was applied, in seconds since the round started.
    public var seconds: Double
    /// The fault as the file gives it (`crash orderer-leader`).
    public var fault: String
    /// `crash`, `restart`, `pause`, `resume`, `partition`, `heal`, `slow` or `unslow`.
    public var kind: String
    /// The nodes it hit (the selector resolved).
    public var nodes: [String]
    /// Why it could not be applied, if it could not; such a fault fails the run.
    public var error: String?

    public init(seconds: Double, fault: String, kind: String, nodes: [String], error: String? = nil) {
        self.seconds = seconds
        self.fault = fault
        self.kind = kind
        self.nodes = nodes
        self.error = error
    }
}

/// How a round with faults fared: availability and recovery, from the driver's view of commits.
public struct FaultFigures: Sendable, Hashable, Codable {
    /// Every fault action, in order (lasting faults also list their end).
    public var applied: [AppliedFault]
    /// For each crash, seconds from the crash to the next transaction the driver saw committed
    /// (nil: none after it).
    public var crashToNextCommitSeconds: [Double?]
    /// The longest span with no commit between the round's first transaction and its end, in
    /// seconds, and where it started.
    public var unavailabilitySeconds: Double
    public var unavailabilityStartSeconds: Double
    /// For each restart, seconds until the restarted node's chain reached the height the others
    /// had when it came back (nil: not within two minutes).
    public var restartToCaughtUpSeconds: [Double?]
    /// Commits per second before the first fault (its first second left out as warm-up).
    public var preFaultThroughput: Double?
    /// For each fault that starts a disruption (crash, pause, partition, slow), the seconds from
    /// it until a one-second window starting after it again commits at least 90% of the pre-fault
    /// throughput (nil: not within the round, or no pre-fault throughput to recover).
    public var recoveries: [FaultRecovery]
    /// Failures by class of the transactions sent between the first fault and the end of the last
    /// (or, for faults without an end, recovery or the round's end).
    public var failuresDuringFaults: [String: Int]
    /// Commits in each 100 ms of the round, for the time series.
    public var commitsPer100Milliseconds: [Int]
    /// The distance to the same round without faults, when the file has one.
    public var sensitivity: FailureSensitivity?

    /// The share of the pre-fault rate a window must reach to count as recovered.
    public static let recoveredShare = 0.9

    /// Computes the figures from a round's transaction records and the faults applied.
    public static func compute(records: [TransactionRecord], applied: [AppliedFault], durationNanoseconds: UInt64,
                               faultEndSeconds: Double?) -> FaultFigures {
        let commits = records.filter { $0.outcome == .succeeded }.map { Double($0.finishedNanoseconds) / 1e9 }.sorted()
        let duration = Double(durationNanoseconds) / 1e9
        let firstSend = records.map { Double($0.intendedNanoseconds) / 1e9 }.min() ?? 0
        // The longest span without a commit, from the first send to the round's end.
        var longest = (length: 0.0, start: firstSend)
        var previous = firstSend
        for time in commits + [max(duration, commits.last ?? 0)] {
            if time - previous > longest.length { longest = (time - previous, previous) }
            previous = max(previous, time)
        }
        let crashes = applied.filter { $0.kind == "crash" && $0.error == nil }.map(\.seconds)
        let nextCommit = crashes.map { crash in commits.first { $0 >= crash }.map { $0 - crash } }
        let firstFault = applied.filter { $0.error == nil }.map(\.seconds).min()
        var preFault: Double?
        var recovery: Double?
        if let firstFault, firstFault - firstSend > 2 {
            let before = commits.filter { $0 >= firstSend + 1 && $0 < firstFault }.count
            preFault = Double(before) / (firstFault - firstSend - 1)
        }
        let lastEnd = faultEndSeconds ?? firstFault
        var recoveries: [FaultRecovery] = []
        for fault in applied where fault.error == nil && ["crash", "pause", "partition", "slow"].contains(fault.kind) {
            var seconds: Double?
            if let preFault, preFault > 0 {
                // Slide a one-second window in 100 ms steps from the fault.
                var start = fault.seconds
                while start + 1 <= duration {
                    let count = commits.filter { $0 >= start && $0 < start + 1 }.count
                    if Double(count) >= recoveredShare * preFault {
                        seconds = start + 1 - fault.seconds
                        break
                    }
                    start += 0.1
                }
            }
            recoveries.append(FaultRecovery(fault: fault.kind + " " + fault.nodes.joined(separator: " "), atSeconds: fault.seconds,
                                            recoverySeconds: seconds))
        }
        recovery = recoveries.last?.recoverySeconds.map { $0 + (recoveries.last!.atSeconds) }
        var failures: [String: Int] = [:]
        if let firstFault {
            let until = max(lastEnd ?? firstFault, recovery ?? duration)
            for record in records {
                let sent = Double(record.sentNanoseconds) / 1e9
                guard sent >= firstFault, sent <= until, let failure = record.outcome.failureClass else { continue }
                failures[failure, default: 0] += 1
            }
        }
        let buckets = max(1, Int((duration * 10).rounded(.up)))
        var series = [Int](repeating: 0, count: buckets)
        for time in commits { series[min(buckets - 1, max(0, Int(time * 10)))] += 1 }
        let restarts = applied.filter { $0.kind == "restart" && $0.error == nil }
        let caughtUp = restarts.map { restart in
            applied.first { $0.kind == "caught-up" && $0.nodes == restart.nodes && $0.seconds >= restart.seconds }
                .map { $0.seconds - restart.seconds }
        }
        return FaultFigures(applied: applied, crashToNextCommitSeconds: nextCommit, unavailabilitySeconds: longest.length,
                            unavailabilityStartSeconds: longest.start, restartToCaughtUpSeconds: caughtUp,
                            preFaultThroughput: preFault, recoveries: recoveries,
                            failuresDuringFaults: failures, commitsPer100Milliseconds: series, sensitivity: nil)
    }
}

extension FaultFigures {
    /// The terminal's lines for a round with faults.
    public func lines(label: String) -> [String] {
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.2f s", $0) } ?? "never" }
        var lines = ["  \(label) faults: " + applied.map { entry in
            String(format: "%.1f s ", entry.seconds) + entry.kind + (entry.nodes.isEmpty ? "" : " " + entry.nodes.joined(separator: " "))
                + (entry.error.map { " FAILED: \($0)" } ?? "")
        }.joined(separator: ", ")]
        var figures = ["longest span without a commit \(seconds(unavailabilitySeconds)) from \(seconds(unavailabilityStartSeconds))"]
        if !crashToNextCommitSeconds.isEmpty {
            figures.append("crash to next commit " + crashToNextCommitSeconds.map(seconds).joined(separator: ", "))
        }
        if !restartToCaughtUpSeconds.isEmpty {
            figures.append("restart to caught up " + restartToCaughtUpSeconds.map(seconds).joined(separator: ", "))
        }
        if let preFaultThroughput {
            figures.append(String(format: "pre-fault %.1f tx/s; back to 90%% ", preFaultThroughput)
                + recoveries.map { "\(seconds($0.recoverySeconds)) after \($0.fault)" }.joined(separator: ", "))
        }
        if !failuresDuringFaults.isEmpty {
            figures.append("failures during faults " + failuresDuringFaults.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        if let sensitivity {
            figures.append(String(format: "latency moved %.3f s (1-Wasserstein) from %@", sensitivity.wassersteinSeconds, sensitivity.baseline)
                + (sensitivity.relativeToBaselineMean.map { String(format: ", %.1fx its mean", $0) } ?? ""))
        }
        lines.append("    " + figures.joined(separator: "; "))
        return lines
    }
}

/// How long throughput took to come back after one fault.
public struct FaultRecovery: Sendable, Hashable, Codable {
    /// The fault and the nodes it hit (`crash orderer1`).
    public var fault: String
    /// When it struck, in seconds since the round started.
    public var atSeconds: Double
    /// Seconds from the fault to the end of the first one-second window after it that commits at
    /// least 90% of the pre-fault throughput; nil if none did within the round.
    public var recoverySeconds: Double?

    public init(fault: String, atSeconds: Double, recoverySeconds: Double?) {
        self.fault = fault
        self.atSeconds = atSeconds
        self.recoverySeconds = recoverySeconds
    }
}

/// How far a round's latency distribution moved from the same round without faults.
public struct FailureSensitivity: Sendable, Hashable, Codable {
    /// The fault-free round compared with.
    public var baseline: String
    /// The 1-Wasserstein (earth mover's) distance between the two distributions of latency from
    /// the intended send time, in seconds: the mean over quantiles 0.5% to 99.5% of the gap
    /// between them.
    public var wassersteinSeconds: Double
    /// That distance divided by the baseline's mean latency.
    public var relativeToBaselineMean: Double?

    public init(baseline: String, wassersteinSeconds: Double, relativeToBaselineMean: Double?) {
        self.baseline = baseline
        self.wassersteinSeconds = wassersteinSeconds
        self.relativeToBaselineMean = relativeToBaselineMean
    }

    /// The distance between two distributions, given by their quantile functions.
    public static func wasserstein(_ first: (Double) -> Double, _ second: (Double) -> Double) -> Double {
        let percentiles = stride(from: 0.5, through: 99.5, by: 0.5).map { $0 }
        return percentiles.reduce(0) { $0 + abs(first($1) - second($1)) } / Double(percentiles.count)
    }
}
