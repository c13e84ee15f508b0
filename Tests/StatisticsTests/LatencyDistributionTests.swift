import Testing
@testable import Statistics

@Suite("Latency distribution")
struct LatencyDistributionTests {
    @Test func percentilesOfAKnownSample() {
        // 1 ms ... 1000 ms, one each.
        let distribution = LatencyDistribution(nanoseconds: (1...1000).map { UInt64($0) * 1_000_000 })
        let summary = distribution.summary
        #expect(distribution.count == 1000)
        #expect(abs(summary.min - 0.001) < 1e-6)
        #expect(abs(summary.max - 1.0) < 0.001)
        #expect(abs(summary.p50 - 0.5) < 0.001)
        #expect(abs(summary.p90 - 0.9) < 0.001)
        #expect(abs(summary.p99 - 0.99) < 0.001)
        #expect(abs(summary.mean - 0.5005) < 0.0001)
    }

    @Test func emptyIsZero() {
        #expect(LatencyDistribution().summary == LatencySummary())
    }
}
