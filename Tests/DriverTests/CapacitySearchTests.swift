import Testing
@testable import Driver

@Suite("Capacity search")
struct CapacitySearchTests {
    /// A simulated federation with a knee: throughput follows the offered rate up to `capacity`,
    /// latency grows as the rate approaches it (an M/M/1-like queue) and explodes past it.
    static func probe(_ rate: Double, capacity: Double, driverCeiling: Double = .infinity) -> CapacityProbe {
        let utilisation = rate / capacity
        let p95 = utilisation < 1 ? 0.05 + 0.05 * utilisation / (1 - utilisation) : 30
        return CapacityProbe(offeredRate: rate, throughput: min(rate, capacity), p95LatencySeconds: p95,
                             successRate: 1, limitedByDriver: rate > driverCeiling)
    }

    /// The rate at which the simulated p95 reaches the goal: the true sustainable rate.
    static func knee(capacity: Double, goal: Double) -> Double {
        // 0.05 + 0.05 u / (1 - u) = goal  =>  u = (goal - 0.05) / goal
        capacity * (goal - 0.05) / goal
    }

    @Test(arguments: [(850.0, 2.0), (12_000.0, 1.0), (37.0, 0.5), (5_000.0, 0.2)])
    func findsTheKneeWithinTheResolution(capacity: Double, goalSeconds: Double) {
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: goalSeconds), startRate: 10, maximumRate: 1_000_000,
                                    relativeResolution: 0.02)
        while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: capacity)) }
        let truth = Self.knee(capacity: capacity, goal: goalSeconds)
        guard case .sustainable(let found, let miss?) = search.outcome else {
            Issue.record("no bracket: \(search.outcome)")
            return
        }
        #expect(found <= truth && miss >= truth, "bracket [\(found), \(miss)] misses \(truth)")
        #expect((miss - found) / found <= 0.02)
        #expect(search.probes.count <= 24)
    }

    @Test func aDriverLimitedProbeIsNeverTakenAsCapacity() {
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: 100, maximumRate: 1_000_000)
        while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: 50_000, driverCeiling: 3_000)) }
        #expect(search.outcome == .limitedByDriver(atRate: 3_200, sustainedAtLeast: 1_600))
    }

    @Test func theGoalCanHoldToTheMaximumOrNeverHold() {
        var easy = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: 100, maximumRate: 1_000)
        while let rate = easy.nextRate() { easy.record(Self.probe(rate, capacity: 1_000_000)) }
        #expect(easy.outcome == .atLeast(1_000))

        var hopeless = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 0.01), startRate: 100, maximumRate: 1_000)
        while let rate = hopeless.nextRate() { hopeless.record(Self.probe(rate, capacity: 1_000)) }
        guard case .goalNeverMet = hopeless.outcome else {
            Issue.record("\(hopeless.outcome)")
            return
        }
        #expect(hopeless.probes.count <= 24)
    }

    @Test func failuresAndSaturationMissTheGoal() {
        let goal = ServiceGoal(p95LatencySeconds: 2, minimumSuccessRate: 0.999)
        #expect(goal.miss(CapacityProbe(offeredRate: 100, throughput: 100, p95LatencySeconds: 0.1, successRate: 0.99, limitedByDriver: false)) != nil)
        #expect(goal.miss(CapacityProbe(offeredRate: 100, throughput: 80, p95LatencySeconds: 0.1, successRate: 1, limitedByDriver: false)) != nil)
        #expect(goal.miss(CapacityProbe(offeredRate: 100, throughput: 99, p95LatencySeconds: 0.1, successRate: 1, limitedByDriver: false)) == nil)
    }
}
