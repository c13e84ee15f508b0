@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Capacity
@testable import BenchmarkSpec
@testable import CapacitySpec

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

    /// The driver gives out at 3 000 tps, long before the federation's knee (~48 750): the search
    /// bisects below the driver's ceiling, and reports what the federation sustained at least,
    /// never a capacity.
    @Test func aDriverLimitedProbeIsNeverTakenAsCapacity() {
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: 100, maximumRate: 1_000_000)
        while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: 50_000, driverCeiling: 3_000)) }
        guard case .limitedByDriver(let limitedAt, let sustained?) = search.outcome else {
            Issue.record("\(search.outcome)")
            return
        }
        #expect(limitedAt > 3_000 && limitedAt <= 3_200)
        #expect(sustained <= 3_000 && sustained >= 3_000 / 1.05)
        #expect(search.lowestMissed == nil, "no probe may count as a federation miss")
        #expect(search.probes.filter(\.limitedByDriver).allSatisfy { $0.offeredRate > 3_000 })
    }

    /// Driver-limited probes above the federation's knee do not hide it: the knee is found.
    @Test func aKneeBelowTheDriversCeilingIsStillFound() {
        let truth = Self.knee(capacity: 1_000, goal: 2)
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: 100, maximumRate: 100_000,
                                    relativeResolution: 0.05)
        // The driver cannot send 1 600 tps: the first probe above the knee is driver-limited.
        while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: 1_000, driverCeiling: 1_500)) }
        guard case .sustainable(let found, let miss?) = search.outcome else {
            Issue.record("\(search.outcome)")
            return
        }
        #expect(found <= truth && miss >= truth)
        #expect((miss - found) / found <= 0.05)
        #expect(search.lowestDriverLimited == 1_600)
    }

    /// No probe met the goal and the driver gave out: still not a capacity.
    @Test func onlyDriverLimitedProbesGiveNoCapacity() {
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: 100, maximumRate: 1_000, maximumProbes: 5)
        while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: 1_000_000, driverCeiling: 0)) }
        #expect(search.outcome == .limitedByDriver(atRate: 100.0 / 16, sustainedAtLeast: nil))
        #expect(search.outcome.sustainedRate == nil)
    }

    /// A noisy simulated federation, as a seeded generator draws it: the knee at `capacity` moves
    /// by up to ±`kneeNoise` from probe to probe, and p95 carries ±`latencyNoise` of relative noise.
    struct NoisyTarget {
        var generator: SeededGenerator
        let capacity: Double
        let kneeNoise: Double
        let latencyNoise: Double

        mutating func uniform() -> Double { Double(generator.next() % 1_000_001) / 1_000_000 * 2 - 1 }

        mutating func probe(_ rate: Double) -> CapacityProbe {
            let effective = capacity * (1 + kneeNoise * uniform())
            var probe = CapacitySearchTests.probe(rate, capacity: effective)
            probe.p95LatencySeconds *= 1 + latencyNoise * uniform()
            probe.throughput *= 1 + 0.02 * uniform()
            return probe
        }
    }

    /// Over many seeded noisy targets the search lands within its resolution of the knee, widened
    /// only by the noise itself; a deterministic seed replays any failure.
    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func findsANoisyKneeWithinTheResolution(seed: UInt64) {
        var generator = SeededGenerator(seed: seed)
        let capacity = 50 + Double(generator.next() % 5_000)
        let goalSeconds = [0.5, 1, 2, 5][Int(generator.next() % 4)]
        let resolution = [0.05, 0.1, 0.2][Int(generator.next() % 3)]
        let startRate = 5 + Double(generator.next() % 500)
        var target = NoisyTarget(generator: generator, capacity: capacity, kneeNoise: 0.02, latencyNoise: 0.05)
        var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: goalSeconds, minimumThroughputShare: 0.9),
                                    startRate: startRate, maximumRate: 100_000, relativeResolution: resolution)
        while let rate = search.nextRate() { search.record(target.probe(rate)) }
        let truth = Self.knee(capacity: capacity, goal: goalSeconds)
        guard case .sustainable(let found, let miss?) = search.outcome else {
            Issue.record("seed \(seed): no bracket: \(search.outcome)")
            return
        }
        // The knee itself moves by the noise: 2% of capacity, and 5% of latency near the goal
        // moves the crossing by at most goal·5% / slope; allow both on top of the resolution.
        let slack = 0.02 + 0.05
        #expect(found >= truth * (1 - resolution - slack) && found <= truth * (1 + slack),
                "seed \(seed): found \(found), truth \(truth)")
        #expect(miss >= found && (miss - found) / found <= resolution)
        #expect(search.probes.count <= 24)
    }

    /// A warm start near the knee (the previous size's rate) needs fewer probes than a cold one.
    @Test func aWarmStartNeedsFewerProbes() {
        func probes(from start: Double) -> Int {
            var search = CapacitySearch(goal: ServiceGoal(p95LatencySeconds: 2), startRate: start, maximumRate: 100_000,
                                        relativeResolution: 0.1)
            while let rate = search.nextRate() { search.record(Self.probe(rate, capacity: 800)) }
            return search.probes.count
        }
        #expect(probes(from: 900) < probes(from: 25))
    }

    @Test func aStoppedProbeMissesTheGoal() {
        let goal = ServiceGoal(p95LatencySeconds: 2)
        let stopped = CapacityProbe(offeredRate: 100, throughput: 100, p95LatencySeconds: 0.1, successRate: 1, limitedByDriver: false,
                                    stoppedEarly: true)
        #expect(goal.miss(stopped)?.contains("stopped early") == true)
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
