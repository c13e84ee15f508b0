/// What one probe of a capacity search measured at a fixed offered rate.
public struct CapacityProbe: Sendable, Hashable, Codable {
    public var offeredRate: Double
    /// Caliper's throughput over the probe (after its warm-up).
    public var throughput: Double
    public var p95LatencySeconds: Double
    /// Succeeded over finished, 0...1.
    public var successRate: Double
    /// The driver, not the federation, fell behind its schedule.
    public var limitedByDriver: Bool

    public init(offeredRate: Double, throughput: Double, p95LatencySeconds: Double, successRate: Double, limitedByDriver: Bool) {
        self.offeredRate = offeredRate
        self.throughput = throughput
        self.p95LatencySeconds = p95LatencySeconds
        self.successRate = successRate
        self.limitedByDriver = limitedByDriver
    }
}

/// A service goal: 95% of transactions commit within a latency, and enough of them succeed.
public struct ServiceGoal: Sendable, Hashable, Codable {
    public var p95LatencySeconds: Double
    public var minimumSuccessRate: Double
    /// Throughput must follow the offered rate to at least this fraction, or the federation is saturated.
    public var minimumThroughputShare: Double

    public init(p95LatencySeconds: Double, minimumSuccessRate: Double = 0.999, minimumThroughputShare: Double = 0.95) {
        self.p95LatencySeconds = p95LatencySeconds
        self.minimumSuccessRate = minimumSuccessRate
        self.minimumThroughputShare = minimumThroughputShare
    }

    /// Why a probe misses the goal, or nil when it meets it.
    public func miss(_ probe: CapacityProbe) -> String? {
        if probe.p95LatencySeconds >= p95LatencySeconds { return "p95 \(probe.p95LatencySeconds) s" }
        if probe.successRate < minimumSuccessRate { return "success \(probe.successRate)" }
        if probe.throughput < probe.offeredRate * minimumThroughputShare { return "throughput \(probe.throughput) of \(probe.offeredRate)" }
        return nil
    }
}

/// Finds the highest rate a federation sustains within a goal: doubles the offered rate until the
/// goal fails, then bisects between the last rate that met it and the first that did not, down to
/// `resolution`. Pure: it proposes rates and is told what each probe measured, so tests drive it
/// against a simulated target. A probe limited by the driver ends the search: what it measured
/// describes the driver, never the federation.
public struct CapacitySearch: Sendable {
    public let goal: ServiceGoal
    public let startRate: Double
    public let maximumRate: Double
    /// Stop when the bracket is this narrow, relative to its lower end.
    public let relativeResolution: Double
    /// The most probes the search may ask for.
    public let maximumProbes: Int

    public private(set) var probes: [CapacityProbe] = []
    private var highestMet: Double?
    private var lowestMissed: Double?
    private var driverLimitedAt: Double?

    public init(goal: ServiceGoal, startRate: Double, maximumRate: Double, relativeResolution: Double = 0.05, maximumProbes: Int = 24) {
        precondition(startRate > 0 && maximumRate >= startRate && relativeResolution > 0 && maximumProbes >= 1,
                     "a capacity search needs positive rates and bounds")
        self.goal = goal
        self.startRate = startRate
        self.maximumRate = maximumRate
        self.relativeResolution = relativeResolution
        self.maximumProbes = maximumProbes
    }

    /// The rate to probe next, or nil when the search is over.
    public func nextRate() -> Double? {
        guard probes.count < maximumProbes, driverLimitedAt == nil else { return nil }
        switch (highestMet, lowestMissed) {
        case (nil, nil):
            return startRate
        case (let met?, nil):
            // Still meeting the goal: double, up to the maximum.
            return met >= maximumRate ? nil : min(met * 2, maximumRate)
        case (nil, let missed?):
            // Even the first rate missed: look lower, down to a floor.
            let lower = missed / 2
            return lower < startRate / 1_024 ? nil : lower
        case (let met?, let missed?):
            guard missed - met > met * relativeResolution else { return nil }
            return (met + missed) / 2
        }
    }

    /// Takes what the probe at the proposed rate measured.
    public mutating func record(_ probe: CapacityProbe) {
        probes.append(probe)
        if probe.limitedByDriver {
            driverLimitedAt = probe.offeredRate
            return
        }
        if goal.miss(probe) == nil {
            highestMet = max(highestMet ?? 0, probe.offeredRate)
        } else {
            lowestMissed = min(lowestMissed ?? .infinity, probe.offeredRate)
        }
    }

    /// What the search found.
    public var outcome: CapacityOutcome {
        if let rate = driverLimitedAt { return .limitedByDriver(atRate: rate, sustainedAtLeast: highestMet) }
        guard let met = highestMet else { return .goalNeverMet(lowestTried: lowestMissed ?? startRate) }
        if lowestMissed == nil, met >= maximumRate { return .atLeast(met) }
        return .sustainable(met, firstMiss: lowestMissed)
    }
}

/// The result of a capacity search.
public enum CapacityOutcome: Sendable, Hashable {
    /// The highest rate that met the goal, and the lowest that did not (nil if the probes ran out first).
    case sustainable(Double, firstMiss: Double?)
    /// The goal held up to the search's maximum rate.
    case atLeast(Double)
    /// No probed rate met the goal.
    case goalNeverMet(lowestTried: Double)
    /// The driver fell behind before the federation did: this is not the federation's capacity.
    case limitedByDriver(atRate: Double, sustainedAtLeast: Double?)
}
