public import BenchmarkSpec
public import CapacitySpec
/// What one probe of a capacity search measured at a fixed offered rate.
public struct CapacityProbe: Sendable, Hashable, Codable {
    public var offeredRate: Double
    /// The rate at which transactions committed in the probe's steady part (after its warm-up).
    public var throughput: Double
    /// The 95th percentile of latency the goal is judged on (from the intended send time by default).
    public var p95LatencySeconds: Double
    /// Succeeded over finished, 0...1.
    public var successRate: Double
    /// The load side, not the federation, fell behind: the driver's scheduler lagged, or every
    /// signing account was busy while the federation still answered within the goal.
    public var limitedByDriver: Bool
    /// The probe was stopped before its end because its backlog alone guaranteed a miss.
    public var stoppedEarly: Bool

    public init(offeredRate: Double, throughput: Double, p95LatencySeconds: Double, successRate: Double,
                limitedByDriver: Bool, stoppedEarly: Bool = false) {
        self.offeredRate = offeredRate
        self.throughput = throughput
        self.p95LatencySeconds = p95LatencySeconds
        self.successRate = successRate
        self.limitedByDriver = limitedByDriver
        self.stoppedEarly = stoppedEarly
    }
}

extension ServiceGoal {
    /// Why a probe misses the goal, or nil when it meets it.
    public func miss(_ probe: CapacityProbe) -> String? {
        if probe.stoppedEarly { return "backlog beyond twice the latency goal: stopped early" }
        if probe.p95LatencySeconds >= p95LatencySeconds {
            return "p95 \(Self.text(probe.p95LatencySeconds)) s >= \(Self.text(p95LatencySeconds)) s"
        }
        if probe.successRate < minimumSuccessRate {
            return "success \(Self.text(probe.successRate * 100))% < \(Self.text(minimumSuccessRate * 100))%"
        }
        if probe.throughput < probe.offeredRate * minimumThroughputShare {
            return "throughput \(Self.text(probe.throughput)) of \(Self.text(probe.offeredRate)) tps"
        }
        return nil
    }
}

/// Finds the highest rate a federation sustains within a goal: raises the offered rate by
/// `growthFactor` until the goal fails, then bisects between the last rate that met it and the
/// first that did not, down to `relativeResolution`. Pure: it proposes rates and is told what each
/// probe measured, so tests drive it against a simulated target.
///
/// A probe limited by the driver says nothing about the federation: it is never taken as met nor
/// as missed. Its rate becomes a ceiling the search bisects below, so a federation knee under the
/// driver's ceiling is still found; when the ceiling comes first, the outcome says the driver
/// limited the search and gives only the rate the federation sustained at least.
struct CapacitySearch: Sendable {
    public let goal: ServiceGoal
    public let startRate: Double
    public let maximumRate: Double
    /// Stop when the bracket is this narrow, relative to its lower end.
    public let relativeResolution: Double
    /// The most probes the search may ask for.
    public let maximumProbes: Int
    /// The factor a met rate is raised by (and a first missed rate lowered by) before bisection.
    public let growthFactor: Double

    public private(set) var probes: [CapacityProbe] = []
    /// The highest rate that met the goal.
    public private(set) var highestMet: Double?
    /// The lowest rate at which the federation missed the goal.
    public private(set) var lowestMissed: Double?
    /// The lowest rate at which the driver could not keep up.
    public private(set) var lowestDriverLimited: Double?

    public init(goal: ServiceGoal, startRate: Double, maximumRate: Double, relativeResolution: Double = 0.05,
                maximumProbes: Int = 24, growthFactor: Double = 2) {
        precondition(startRate > 0 && maximumRate >= startRate && relativeResolution > 0 && maximumProbes >= 1
                     && growthFactor > 1, "a capacity search needs positive rates, bounds and a growth factor above 1")
        self.goal = goal
        self.startRate = startRate
        self.maximumRate = maximumRate
        self.relativeResolution = relativeResolution
        self.maximumProbes = maximumProbes
        self.growthFactor = growthFactor
    }

    /// The lowest rate the search will try before it gives up on meeting the goal.
    public var floorRate: Double { startRate / 1_024 }

    /// The lowest rate known not to be sustainable or not measurable, if any.
    private var ceiling: Double? {
        switch (lowestMissed, lowestDriverLimited) {
        case (nil, nil): nil
        case (let missed?, nil): missed
        case (nil, let limited?): limited
        case (let missed?, let limited?): min(missed, limited)
        }
    }

    /// The rate to probe next, or nil when the search is over.
    public func nextRate() -> Double? {
        guard probes.count < maximumProbes else { return nil }
        switch (highestMet, ceiling) {
        case (nil, nil):
            return startRate
        case (let met?, nil):
            // Still meeting the goal: raise, up to the maximum.
            return met >= maximumRate ? nil : min(met * growthFactor, maximumRate)
        case (nil, let upper?):
            // Even the first rate missed: look lower, down to a floor.
            let lower = upper / growthFactor
            return lower < floorRate ? nil : lower
        case (let met?, let upper?):
            guard upper - met > met * relativeResolution else { return nil }
            return (met + upper) / 2
        }
    }

    /// Whether the search has nothing left to ask.
    public var isFinished: Bool { nextRate() == nil }

    /// Takes what the probe at the proposed rate measured.
    public mutating func record(_ probe: CapacityProbe) {
        probes.append(probe)
        if probe.limitedByDriver {
            lowestDriverLimited = min(lowestDriverLimited ?? .infinity, probe.offeredRate)
        } else if goal.miss(probe) == nil {
            highestMet = max(highestMet ?? 0, probe.offeredRate)
        } else {
            lowestMissed = min(lowestMissed ?? .infinity, probe.offeredRate)
        }
    }

    /// What the search found.
    public var outcome: CapacityOutcome {
        guard let met = highestMet else {
            if let limited = lowestDriverLimited, limited <= (lowestMissed ?? .infinity) {
                return .limitedByDriver(atRate: limited, sustainedAtLeast: nil)
            }
            return .goalNeverMet(lowestTried: lowestMissed ?? startRate)
        }
        if let limited = lowestDriverLimited, limited <= (lowestMissed ?? .infinity) {
            return .limitedByDriver(atRate: limited, sustainedAtLeast: met)
        }
        if lowestMissed == nil, met >= maximumRate { return .atLeast(met) }
        return .sustainable(met, firstMiss: lowestMissed)
    }
}

/// The result of a capacity search.
enum CapacityOutcome: Sendable, Hashable {
    /// The highest rate that met the goal, and the lowest that did not (nil if the probes ran out first).
    case sustainable(Double, firstMiss: Double?)
    /// The goal held up to the search's maximum rate.
    case atLeast(Double)
    /// No probed rate met the goal.
    case goalNeverMet(lowestTried: Double)
    /// The driver fell behind before the federation did: this is not the federation's capacity.
    case limitedByDriver(atRate: Double, sustainedAtLeast: Double?)

    /// The rate the federation was seen to sustain (a lower bound unless the outcome is `sustainable`).
    public var sustainedRate: Double? {
        switch self {
        case .sustainable(let rate, _), .atLeast(let rate): rate
        case .goalNeverMet: nil
        case .limitedByDriver(_, let rate): rate
        }
    }

    /// A short name: `sustainable`, `at-least`, `goal-never-met`, `driver-limited`.
    public var kind: String {
        switch self {
        case .sustainable: "sustainable"
        case .atLeast: "at-least"
        case .goalNeverMet: "goal-never-met"
        case .limitedByDriver: "driver-limited"
        }
    }
}
