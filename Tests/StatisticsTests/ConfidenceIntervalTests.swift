import Foundation
import Testing
@testable import Statistics

@Suite("Sample summaries and confidence intervals")
struct ConfidenceIntervalTests {
    @Test func oneToFive() throws {
        // Mean 3, variance 10/4, sd √2.5 = 1.5811388300841898; the 95% half-width is
        // t_{0.975,4} · sd/√5 = 2.7764451051977987 · 0.7071067811865476 = 1.9632431614775577
        // (99%: t_{0.995,4} = 4.604094871350383, half-width 3.2555867047577853).
        let interval = try #require(ConfidenceInterval(samples: [1, 2, 3, 4, 5]))
        #expect(interval.mean == 3)
        #expect(interval.count == 5)
        #expect(interval.hasInterval)
        #expect(interval.confidence == 0.95)
        #expect(abs(interval.standardDeviation - 1.5811388300841898) < 1e-15)
        #expect(abs(interval.halfWidth - 1.9632431614775577) < 1e-14)
        #expect(abs(interval.lower - (3 - 1.9632431614775577)) < 1e-14)
        #expect(abs(interval.upper - (3 + 1.9632431614775577)) < 1e-14)
        #expect(interval.contains(1.1) && !interval.contains(1.0))

        let wider = try #require(ConfidenceInterval(samples: [1, 2, 3, 4, 5], confidence: 0.99))
        #expect(abs(wider.halfWidth - 3.2555867047577853) < 1e-14)
        #expect(wider.halfWidth > interval.halfWidth)
    }

    @Test func summaryIsStableUnderALargeOffset() {
        // Knuth's example of cancellation: 4, 7, 13, 16 have variance 30; shifted by 1e9 the
        // textbook sum-of-squares formula loses every digit, Welford's update does not.
        let summary = SampleSummary([4, 7, 13, 16].map { 1e9 + $0 })
        #expect(summary.count == 4)
        #expect(summary.mean == 1e9 + 10)
        #expect(abs(summary.variance - 30) < 1e-6)
        #expect(abs(summary.standardError - (30.0 / 4).squareRoot()) < 1e-7)
    }

    @Test func singleValueCollapses() throws {
        let interval = try #require(ConfidenceInterval(samples: [42.5]))
        #expect(interval.hasInterval == false)
        #expect(interval.halfWidth == 0)
        #expect(interval.standardDeviation == 0)
        #expect(interval.lower == 42.5 && interval.upper == 42.5 && interval.mean == 42.5)
        #expect(interval.count == 1)
    }

    @Test func emptySampleOrImpossibleConfidenceHasNoInterval() {
        #expect(ConfidenceInterval(samples: []) == nil)
        #expect(ConfidenceInterval(samples: [1, 2], confidence: 1) == nil)
        #expect(ConfidenceInterval(samples: [1, 2], confidence: 0) == nil)
        #expect(ConfidenceInterval(samples: [1, 2], confidence: .nan) == nil)
        let empty = SampleSummary([Double]())
        #expect(empty.count == 0 && empty.mean.isNaN && empty.standardDeviation.isNaN)
    }

    @Test func constantSampleHasZeroWidth() throws {
        let interval = try #require(ConfidenceInterval(samples: [7, 7, 7, 7]))
        #expect(interval.hasInterval)
        #expect(interval.halfWidth == 0 && interval.lower == 7 && interval.upper == 7)
    }

    @Test func twoValuesUseTheCauchyQuantile() throws {
        // n = 2: one degree of freedom, t_{0.975,1} = tan(0.475π) = 12.706204736174707;
        // sd of {0, 2} is √2, standard error 1, so the half-width is t itself.
        let interval = try #require(ConfidenceInterval(samples: [0, 2]))
        #expect(abs(interval.halfWidth - 12.706204736174707) < 1e-12)
    }

    @Test func codableRoundTrip() throws {
        let interval = try #require(ConfidenceInterval(samples: [0.8, 1.1, 0.95, 1.3, 0.7], confidence: 0.9))
        let decoded = try JSONDecoder().decode(ConfidenceInterval.self, from: JSONEncoder().encode(interval))
        #expect(decoded == interval)
    }
}
