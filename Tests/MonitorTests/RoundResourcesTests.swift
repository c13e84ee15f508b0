import Testing
@testable import Monitor

/// Per-round figures from fixed samples, and the bounded history.
struct RoundResourcesTests {
    private func sample(_ node: String, seconds: Double, cpu: Double, resident: UInt64, traffic: UInt64) -> ResourceSample {
        ResourceSample(
            node: node, timeNanoseconds: UInt64(seconds * 1e9), cpuSeconds: cpu, residentBytes: resident,
            networkInBytes: traffic, networkOutBytes: 2 * traffic, diskReadBytes: 3 * traffic, diskWrittenBytes: 4 * traffic,
            memoryScope: .sharedProcess, diskSource: .storeCounters, networkSource: .transportCounters
        )
    }

    @Test func meanAndMaximumOverTheWindow() throws {
        let samples = [
            sample("a", seconds: 9, cpu: 0, resident: 999, traffic: 0),      // before the window
            sample("a", seconds: 10, cpu: 1, resident: 100, traffic: 10),
            sample("b", seconds: 10, cpu: 5, resident: 50, traffic: 0),
            sample("a", seconds: 11, cpu: 1.5, resident: 300, traffic: 30),  // 50 % of a core
            sample("a", seconds: 13, cpu: 3.5, resident: 200, traffic: 70),  // 100 % of a core
            sample("b", seconds: 13, cpu: 5, resident: 50, traffic: 0),
            sample("a", seconds: 14, cpu: 9, resident: 999, traffic: 99),    // after the window
        ]
        let figures = RoundResources.summarise(samples: samples, fromNanoseconds: 10_000_000_000, toNanoseconds: 13_000_000_000)
        #expect(figures.map(\.node) == ["a", "b"])
        let a = figures[0]
        #expect(a.sampleCount == 3)
        #expect(abs(a.spanSeconds - 3) < 1e-9)
        #expect(abs(a.cpuMeanPercent - 250.0 / 3) < 1e-9)
        #expect(abs(a.cpuMaxPercent - 100) < 1e-9)
        #expect(a.residentMeanBytes == 200)
        #expect(a.residentMaxBytes == 300)
        #expect(a.networkInBytes == 60 && a.networkOutBytes == 120 && a.diskReadBytes == 180 && a.diskWrittenBytes == 240)
        #expect(a.memoryScope == .sharedProcess && a.diskSource == .storeCounters && a.networkSource == .transportCounters)
        #expect(figures[1].cpuMeanPercent == 0 && figures[1].cpuMaxPercent == 0)
    }

    @Test func oneSampleOrCountersGoingBackwardsGiveZero() {
        let lone = RoundResources.summarise(samples: [sample("a", seconds: 1, cpu: 1, resident: 7, traffic: 5)], fromNanoseconds: 0, toNanoseconds: .max)
        #expect(lone.first?.cpuMeanPercent == 0 && lone.first?.networkInBytes == 0 && lone.first?.residentMaxBytes == 7)
        let reset = RoundResources.summarise(
            samples: [sample("a", seconds: 1, cpu: 2, resident: 7, traffic: 5), sample("a", seconds: 2, cpu: 1, resident: 7, traffic: 1)],
            fromNanoseconds: 0, toNanoseconds: .max
        )
        #expect(reset.first?.cpuMeanPercent == 0 && reset.first?.diskWrittenBytes == 0)
        #expect(RoundResources.summarise(samples: [], fromNanoseconds: 0, toNanoseconds: .max).isEmpty)
    }

    @Test func ringKeepsTheNewestInOrder() {
        var ring = BoundedRing<Int>(capacity: 3)
        for value in 1...2 { ring.append(value) }
        #expect(ring.elements == [1, 2])
        for value in 3...7 { ring.append(value) }
        #expect(ring.elements == [5, 6, 7])
        #expect(ring.count == 3)
    }
}
