import ArgumentParser
import Foundation
import NodeProcess
import Results

/// `vernier compare BASELINE CURRENT`: a CI verdict on two runs.
struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two runs figure by figure and exit with a verdict for CI.",
        discussion: """
            BASELINE and CURRENT are run.json files or run directories. A change counts only beyond \
            its threshold and, when both runs have repetitions, only if Welch's t-test finds it \
            significant.
            """ + "\n\n" + ExitCodes.help(CompareExit.self))

    @Argument(help: "The baseline run (run.json or its directory).") var baseline: String
    @Argument(help: "The current run (run.json or its directory).") var current: String
    @Option(help: "Thresholds, e.g. throughput=5%,p99=10% (defaults: rates 5%, counts 1%, the rest 10%).")
    var threshold: String = ""
    @Option(help: "Confidence of the significance test.") var confidence: Double = 0.95
    @Option(help: "Output: text or markdown.") var format: OutputFormat = .text

    enum OutputFormat: String, ExpressibleByArgument { case text, markdown }

    func validate() throws {
        guard confidence > 0, confidence < 1 else { throw ValidationError("--confidence must be strictly between 0 and 1") }
        do {
            _ = try Comparison.parseThresholds(threshold)
        } catch {
            throw ValidationError("--threshold: \(error)")
        }
    }

    func run() async throws {
        let baselineRounds: [ComparableRound]
        let currentRounds: [ComparableRound]
        do {
            baselineRounds = try ComparableRound.load(path: baseline)
            currentRounds = try ComparableRound.load(path: current)
        } catch {
            printToStandardError("vernier compare: \(error)")
            throw CompareExit.notComparable.exitCode
        }
        let comparison = Comparison(thresholds: try Comparison.parseThresholds(threshold), confidence: confidence)
        guard let results = comparison.compare(baseline: baselineRounds, current: currentRounds) else {
            printToStandardError("vernier compare: no round of \(current) matches one of \(baseline)")
            throw CompareExit.notComparable.exitCode
        }
        let missingRounds = Comparison.missingRounds(baseline: baselineRounds, current: currentRounds)
        var outcome = Comparison.outcome(results)
        if !missingRounds.isEmpty, outcome != .regression { outcome = .notMeasured }
        print(render(results, missingRounds: missingRounds, outcome: outcome))
        for round in missingRounds {
            printToStandardError("vernier compare: NOT COMPARED: round \(round) of the baseline is not in the current run")
        }
        for result in results where result.verdict == .notMeasured {
            printToStandardError("vernier compare: NOT MEASURED: \(result.round) \(result.name) is in the baseline but the current run did not measure it")
        }
        switch outcome {
        case .noRegression: try CompareExit.noRegression.exit()
        case .regression: try CompareExit.regression.exit()
        case .notMeasured: try CompareExit.notComparable.exit()
        case .onlyImprovements: try CompareExit.onlyImprovements.exit()
        }
    }

    /// The verdict's table: every judged figure (text), or a summary line, the figures that
    /// changed and, folded, every judged figure (markdown, for a pull request).
    func render(_ results: [FigureComparison], missingRounds: [String], outcome: ComparisonOutcome) -> String {
        let judged = results.filter { $0.verdict != .notJudged }
        let header = ["round", "figure", "baseline", "current", "change", "threshold", "p", "verdict"]
        func rows(_ results: [FigureComparison]) -> [[String]] {
            results.map { result in
                let change = result.relativeChange.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
                let p = result.pValue.map { String(format: "%.3g", $0) } ?? "-"
                let current = result.current.isFinite ? String(format: "%.4g", result.current) : "not measured"
                return [result.round, result.name + " (\(result.unit))", String(format: "%.4g", result.baseline), current,
                        result.current.isFinite ? change : "n/a", String(format: "%.0f%%", result.threshold * 100), p,
                        result.verdict.rawValue]
            }
        }
        switch format {
        case .text:
            return TextTable.plain([header] + rows(judged)).joined(separator: "\n")
        case .markdown:
            let changed = judged.filter { [.regression, .improvement, .notMeasured].contains($0.verdict) }
                .sorted { order($0.verdict) < order($1.verdict) }
            let counts = Dictionary(grouping: judged, by: \.verdict).mapValues(\.count)
            var lines = ["### vernier compare: \(headline(outcome))", ""]
            lines.append("\(judged.count) figures judged: " + [ComparisonVerdict.regression, .improvement, .notMeasured, .noise, .unchanged]
                .map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ") + ".")
            if !missingRounds.isEmpty { lines.append("Rounds of the baseline missing in this run: \(missingRounds.joined(separator: ", ")).") }
            lines.append("")
            if !changed.isEmpty { lines += TextTable.markdown([header] + rows(changed)) + [""] }
            lines += ["<details><summary>Every judged figure</summary>", ""] + TextTable.markdown([header] + rows(judged)) + ["", "</details>"]
            return lines.joined(separator: "\n")
        }
    }

    private func order(_ verdict: ComparisonVerdict) -> Int {
        switch verdict {
        case .regression: 0
        case .notMeasured: 1
        case .improvement: 2
        default: 3
        }
    }

    private func headline(_ outcome: ComparisonOutcome) -> String {
        switch outcome {
        case .noRegression: "no regression"
        case .regression: "REGRESSION"
        case .notMeasured: "NOT COMPARABLE (figures or rounds of the baseline were not measured)"
        case .onlyImprovements: "only improvements"
        }
    }
}
