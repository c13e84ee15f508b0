import Testing
import Load
@testable import Results

@Suite("Saturation of a maximum-rate round")
struct SaturationFiguresTests {
    /// A federation that keeps up to 300 tx/s: each second offers `offered`; commits are the
    /// offered rate up to 300, and latency grows once the offered rate passes it.
    static func seconds(offered: [Int]) -> [SecondLoad] {
        offered.map { rate in
            let committed = min(rate, 300)
            let latency: Double = rate <= 300 ? 0.1 : 0.1 + Double(rate - 300) / 100
            return SecondLoad(offered: rate, finished: committed, succeeded: committed - committed / 10,
                              latencyFromIntendedNanoseconds: UInt64(latency * 1e9 * Double(rate)))
        } + [SecondLoad(offered: 0, finished: 5)]
    }

    @Test func theHighestSustainedRateAndTheRateWhereLatencyLeftItsBound() throws {
        let load = Self.seconds(offered: [100, 100, 200, 200, 300, 300, 400, 400, 500, 500])
        let figures = try #require(SaturationFigures.compute(seconds: load, windowSeconds: 2, latencyBoundSeconds: nil, includeFailed: true))
        #expect(figures.sustainedThroughput == 300)
        // Twice the first window's 0.1 s: the window from second 5 (300 and 400 offered) passes it.
        #expect(abs(figures.latencyBoundSeconds - 0.2) < 1e-9)
        #expect(figures.latencyBoundReached)
        #expect(figures.latencyBoundSecond == 5)
        #expect(figures.latencyBoundRate == 350)
        let valid = try #require(SaturationFigures.compute(seconds: load, windowSeconds: 2, latencyBoundSeconds: nil, includeFailed: false))
        #expect(valid.sustainedThroughput == 270)
    }

    @Test func aGivenBoundAndABoundNeverReached() throws {
        let load = Self.seconds(offered: [100, 100, 200, 200, 300, 300])
        let figures = try #require(SaturationFigures.compute(seconds: load, windowSeconds: 2, latencyBoundSeconds: 0.5, includeFailed: true))
        #expect(figures.latencyBoundGiven)
        #expect(!figures.latencyBoundReached)
        // Never passed: the highest rate offered, a lower bound.
        #expect(figures.latencyBoundRate == 300)
        #expect(figures.latencyBoundSecond == nil)
    }

    @Test func aRoundShorterThanTwoWindowsHasNone() {
        #expect(SaturationFigures.compute(seconds: Self.seconds(offered: [100, 100, 100]), windowSeconds: 2,
                                          latencyBoundSeconds: nil, includeFailed: true) == nil)
    }
}
