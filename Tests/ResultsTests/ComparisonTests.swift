import Testing
import Foundation
@testable import Results

@Suite("Comparing runs")
struct ComparisonTests {
    static func round(_ label: String = "open", throughput: [Double], p99: [Double] = [0.1, 0.1, 0.1]) -> ComparableRound {
        ComparableRound(label: label, figures: [
            FigureStatistics(key: "throughput", unit: "tx/s", polarity: .higherIsBetter, values: throughput, confidence: 0.95),
            FigureStatistics(key: "latencyP99", unit: "s", polarity: .lowerIsBetter, values: p99, confidence: 0.95),
            FigureStatistics(key: "driverCPU", unit: "%", polarity: .neutral, values: [50, 80, 20], confidence: 0.95),
            FigureStatistics(key: "succeeded", unit: "tx", polarity: .higherIsBetter, values: [2000, 2000, 2000], confidence: 0.95),
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

    @Test func aFigureLeavingAZeroBaselineIsJudged() {
        func failures(_ values: [Double]) -> ComparableRound {
            ComparableRound(label: "transfer", figures: [
                FigureStatistics(key: "failed", unit: "tx", polarity: .lowerIsBetter, values: values, confidence: 0.95),
                FigureStatistics(key: "succeeded", unit: "tx", polarity: .higherIsBetter, values: [600, 600, 600, 600, 600],
                                 confidence: 0.95),
            ])
        }
        let comparison = Comparison()
        // From none, failures count against the round's transactions (600 here): 4 are within 5%.
        let few = comparison.compare(baseline: [failures([0, 0, 0, 0, 0])], current: [failures([4, 3, 5, 4, 4])])
        #expect(verdict(few, "failed") == .unchanged)
        let broken = comparison.compare(baseline: [failures([0, 0, 0, 0, 0])], current: [failures([50, 48, 52, 49, 51])])
        #expect(verdict(broken, "failed") == .regression)
        #expect(broken!.first!.relativeChange == nil)
        #expect(Comparison.outcome(broken!) == .regression)
        let mended = comparison.compare(baseline: [failures([50, 48, 52, 49, 51])], current: [failures([0, 0, 0, 0, 0])])
        #expect(verdict(mended, "failed") == .improvement)
        #expect(verdict(comparison.compare(baseline: [failures([0, 0, 0])], current: [failures([0, 0, 0])]), "failed") == .unchanged)
        // 30 failures in one repetition of five: beyond 5% of 600 on average? No (6): unchanged;
        // 40 in one repetition: beyond, but not a significant move off zero.
        #expect(verdict(comparison.compare(baseline: [failures([0, 0, 0, 0, 0])], current: [failures([30, 0, 0, 0, 0])]), "failed") == .unchanged)
        #expect(verdict(comparison.compare(baseline: [failures([0, 0, 0, 0, 0])], current: [failures([200, 0, 0, 0, 0])]), "failed") == .noise)
    }

    @Test func aLatencyThatMovedByLessThanAMillisecondIsUnchanged() {
        // A query answered in 0.2 ms that now takes 0.3 ms: +50%, significant, and machine noise.
        let query = Comparison().compare(baseline: [Self.round(throughput: [100, 100, 100], p99: [0.00020, 0.00021, 0.00019])],
                                         current: [Self.round(throughput: [100, 100, 100], p99: [0.00030, 0.00031, 0.00029])])
        #expect(verdict(query, "latencyP99") == .unchanged)
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
        #expect(thresholds == [.round(.throughput): 0.05, .round(.latencyP99): 0.10, .round(.latencyMean): 0.2])
        #expect(throws: ComparisonError.self) { try Comparison.parseThresholds("throughput") }
        #expect(throws: ComparisonError.self) { try Comparison.parseThresholds("p99=-3%") }
        #expect(throws: ComparisonError.unknownFigure("throughptu")) { try Comparison.parseThresholds("throughptu=5%") }
        let strict = Comparison(thresholds: [.round(.throughput): 0.25])
        let results = strict.compare(baseline: [Self.round(throughput: [1000, 1010, 990])],
                                     current: [Self.round(throughput: [800, 808, 792])])
        #expect(verdict(results, "throughput") == .unchanged)
    }

    static func costs(_ scope: String, cpu: [Double]) -> CostSummary {
        CostSummary(scope: scope, figures: [
            FigureStatistics(key: "cpuPerTransaction", unit: "µs", polarity: .lowerIsBetter, values: cpu, confidence: 0.95),
        ])
    }

    @Test func costsAreJudgedPerScope() throws {
        var baseline = Self.round(throughput: [100, 100, 100])
        baseline.costs = [Self.costs("federation", cpu: [700, 720, 690, 710, 705]), Self.costs("peer0", cpu: [300, 310, 295, 305, 300])]
        var current = Self.round(throughput: [100, 100, 100])
        // The federation's CPU per transaction grew 30%; peer0's stayed within noise.
        current.costs = [Self.costs("federation", cpu: [910, 930, 900, 925, 915]), Self.costs("peer0", cpu: [302, 306, 298, 300, 301])]
        let results = try #require(Comparison().compare(baseline: [baseline], current: [current]))
        let federation = try #require(results.first { $0.scope == "federation" })
        #expect(federation.verdict == .regression)
        #expect(federation.name == "cpuPerTransaction [federation]")
        #expect(federation.threshold == CostFigure.cpuPerTransaction.defaultThreshold)
        #expect(results.first { $0.scope == "peer0" }?.verdict == .unchanged)
        #expect(Comparison.outcome(results) == .regression)
    }

    @Test func aFigureTheCurrentRunDidNotMeasureIsNamed() throws {
        var baseline = Self.round(throughput: [100, 100, 100])
        baseline.costs = [Self.costs("federation", cpu: [700, 720, 690])]
        let current = Self.round(throughput: [100, 100, 100])
        let results = try #require(Comparison().compare(baseline: [baseline], current: [current]))
        let missing = try #require(results.first { $0.scope == "federation" })
        #expect(missing.verdict == .notMeasured)
        #expect(missing.current.isNaN)
        #expect(Comparison.outcome(results) == .notMeasured)
        #expect(Comparison.missingRounds(baseline: [baseline, Self.round("query", throughput: [1])], current: [current]) == ["query"])
    }

    @Test func costThresholdsHaveAliases() throws {
        let thresholds = try Comparison.parseThresholds("cpu=5%,memory=20%,saturation=10%")
        #expect(thresholds == [.cost(.cpuPerTransaction): 0.05, .cost(.peakMemory): 0.2, .round(.saturationThroughput): 0.1])
        let strict = Comparison(thresholds: thresholds)
        #expect(strict.threshold(forKey: "cpuPerTransaction") == 0.05)
        #expect(strict.threshold(forKey: "bytesSentPerTransaction") == CostFigure.bytesSentPerTransaction.defaultThreshold)
    }

    @Test func olderRunFilesWithoutCostsStillLoad() throws {
        let json = #"{"rounds":[{"label":"open","repetitions":1,"figures":[]}]}"#
        struct Run: Decodable { var rounds: [ComparableRound] }
        let run = try RunJSON.decode(Run.self, from: Data(json.utf8))
        #expect(run.rounds[0].costs.isEmpty)
    }

    @Test func tailsOfShortRoundsAndLatencyUnderAPushedRateAreNotJudged() throws {
        func round(succeeded: Double, p99: [Double], max: [Double], saturation: [Double] = []) -> ComparableRound {
            ComparableRound(label: "r", figures: [
                FigureStatistics(key: "succeeded", unit: "tx", polarity: .higherIsBetter, values: [succeeded, succeeded], confidence: 0.95),
                FigureStatistics(key: "latencyP99", unit: "s", polarity: .lowerIsBetter, values: p99, confidence: 0.95),
                FigureStatistics(key: "latencyMax", unit: "s", polarity: .lowerIsBetter, values: max, confidence: 0.95),
                FigureStatistics(key: "saturationThroughput", unit: "tx/s", polarity: .higherIsBetter, values: saturation,
                                 confidence: 0.95),
            ])
        }
        // 150 transactions: p99 is the second-slowest one, and the maximum is always one sample.
        let short = Comparison().compare(baseline: [round(succeeded: 150, p99: [0.10, 0.11], max: [0.2, 0.21])],
                                         current: [round(succeeded: 150, p99: [0.30, 0.31], max: [0.9, 0.91])])
        #expect(verdict(short, "latencyP99") == .notJudged)
        #expect(verdict(short, "latencyMax") == .notJudged)
        let long = Comparison().compare(baseline: [round(succeeded: 5000, p99: [0.10, 0.11], max: [0.2, 0.21])],
                                        current: [round(succeeded: 5000, p99: [0.30, 0.31], max: [0.9, 0.91])])
        #expect(verdict(long, "latencyP99") == .regression)
        #expect(verdict(long, "latencyMax") == .notJudged)
        // A maximum-rate round builds its queue on purpose: its saturation is judged, its latency not.
        let pushed = Comparison().compare(
            baseline: [round(succeeded: 5000, p99: [0.10, 0.11], max: [0.2, 0.21], saturation: [2000, 2010])],
            current: [round(succeeded: 5000, p99: [0.30, 0.31], max: [0.9, 0.91], saturation: [1500, 1510])])
        #expect(verdict(pushed, "latencyP99") == .notJudged)
        #expect(verdict(pushed, "saturationThroughput") == .regression)
    }
}
