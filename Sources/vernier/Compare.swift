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
        print(render(results))
        switch Comparison.outcome(results) {
        case .noRegression: try CompareExit.noRegression.exit()
        case .regression: try CompareExit.regression.exit()
        case .onlyImprovements: try CompareExit.onlyImprovements.exit()
        }
    }

    func render(_ results: [FigureComparison]) -> String {
        let rows = results.filter { $0.verdict != .notJudged }.map { result -> [String] in
            let change = result.relativeChange.map { String(format: "%+.1f%%", $0 * 100) } ?? "n/a"
            let p = result.pValue.map { String(format: "%.3g", $0) } ?? "-"
            return [result.round, result.figure + " (\(result.unit))", String(format: "%.4g", result.baseline),
                    String(format: "%.4g", result.current), change, String(format: "%.0f%%", result.threshold * 100), p,
                    result.verdict.rawValue]
        }
        let header = ["round", "figure", "baseline", "current", "change", "threshold", "p", "verdict"]
        switch format {
        case .markdown: return TextTable.markdown([header] + rows).joined(separator: "\n")
        case .text: return TextTable.plain([header] + rows).joined(separator: "\n")
        }
    }
}
