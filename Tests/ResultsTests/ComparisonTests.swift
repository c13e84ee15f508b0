import Testing
@testable import Results

@Suite("Comparing runs")
struct ComparisonTests {
    static func round(_ label: String = "open", throughput: [Double], p99: [Double] = [0.1, 0.1, 0.1]) -> ComparableRound {
        ComparableRound(label: label, figures: [
            FigureStatistics(key: "throughput", unit: "tx/s", polarity: .higherIsBetter, values: throughput, confidence: 0.95),
            FigureStatistics(key: "latencyP99", unit: "s", polarity: .lowerIsBetter, values: p99, confidence: 0.95),
            FigureStatistics(key: "driverCPU", unit: "%", polarity: .neutral, values: [50, 80, 20], confidence: 0.95),
        ])
    }

    func verdict(_ results: [FigureComparison]?, _ figure: String) -> ComparisonVerdict? {
        results?.first { $0.figure == figure }?.verdict
    }

    @Test func noiseWithinTheIntervalIsNotARegression() {
        let comparison = Comparison()
        let small = comparison.compare(baseline: [Self.round(throughput: [100, 104, 96, 102, 98])],
                                       current: [Self.round(throughput: [99, 103, 95, 101, 97])])
        #expect(verdict(small, "throughput") == .unchanged)
        // Beyond the threshold on average, but the repetitions scatter too much to say so.
        let noisy = comparison.compare(baseline: [Self.round(throughput: [100, 140, 60, 120, 80])],
                                       current: [Self.round(throughput: [90, 130, 50, 110, 70])])
        #expect(verdict(noisy, "throughput") == .noise)
        #expect(Comparison.outcome(noisy!) == .noRegression)
    }

    @Test func aTwentyPercentDropWithTightIntervalsIsARegression() {
        let results = Comparison().compare(baseline: [Self.round(throughput: [1000, 1010, 990, 1005, 995])],
                                           current: [Self.round(throughput: [800, 808, 792, 804, 796])])
        #expect(verdict(results, "throughput") == .regression)
        #expect(abs(results!.first { $0.figure == "throughput" }!.relativeChange! + 0.2) < 1e-9)
        #expect(Comparison.outcome(results!) == .regression)
    }

    @Test func polarityDecidesWhatIsWorse() {
        let slower = Comparison().compare(baseline: [Self.round(throughput: [100, 100, 100], p99: [0.10, 0.11, 0.09])],
                                          current: [Self.round(throughput: [100, 100, 100], p99: [0.20, 0.21, 0.19])])
        #expect(verdict(slower, "latencyP99") == .regression)
        let faster = Comparison().compare(baseline: [Self.round(throughput: [100, 101, 99], p99: [0.20, 0.21, 0.19])],
                                          current: [Self.round(throughput: [150, 151, 149], p99: [0.10, 0.11, 0.09])])
        #expect(verdict(faster, "latencyP99") == .improvement)
        #expect(verdict(faster, "throughput") == .improvement)
        #expect(verdict(faster, "driverCPU") == .notJudged)
        #expect(Comparison.outcome(faster!) == .onlyImprovements)
    }

    @Test func singleRunsAreJudgedByThresholdAlone() {
        let results = Comparison().compare(baseline: [Self.round(throughput: [1000])], current: [Self.round(throughput: [900])])
        #expect(verdict(results, "throughput") == .regression)
        #expect(results!.first { $0.figure == "throughput" }!.pValue == nil)
    }

    @Test func unmatchedRoundsAreNotComparable() {
        #expect(Comparison().compare(baseline: [Self.round("open", throughput: [1, 2])],
                                     current: [Self.round("query", throughput: [1, 2])]) == nil)
    }

    @Test func thresholdsParse() throws {
        let thresholds = try Comparison.parseThresholds("throughput=5%,p99=10%, latencyMean=0.2")
        #expect(thresholds == [.throughput: 0.05, .latencyP99: 0.10, .latencyMean: 0.2])
        #expect(throws: ComparisonError.self) { try Comparison.parseThresholds("throughput") }
        #expect(throws: ComparisonError.self) { try Comparison.parseThresholds("p99=-3%") }
        #expect(throws: ComparisonError.unknownFigure("throughptu")) { try Comparison.parseThresholds("throughptu=5%") }
        let strict = Comparison(thresholds: [.throughput: 0.25])
        let results = strict.compare(baseline: [Self.round(throughput: [1000, 1010, 990])],
                                     current: [Self.round(throughput: [800, 808, 792])])
        #expect(verdict(results, "throughput") == .unchanged)
    }
}
