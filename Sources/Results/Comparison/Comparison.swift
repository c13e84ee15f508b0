import Foundation
import Statistics

/// A round's figures as a comparison reads them from a run.json.
public struct ComparableRound: Sendable, Hashable, Codable {
    public var label: String
    public var figures: [FigureStatistics]

    public init(label: String, figures: [FigureStatistics]) {
        self.label = label
        self.figures = figures
    }
}

extension ComparableRound {
    /// The rounds of a run.json, or of the run.json in a run directory.
    public static func load(path: String) throws -> [ComparableRound] {
        var isDirectory: ObjCBool = false
        let file = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? path + "/run.json" : path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ComparisonError.unreadable(path: file, reason: "no such file")
        }
        struct Run: Decodable { var rounds: [ComparableRound] }
        do {
            return try RunJSON.decode(Run.self, from: data).rounds
        } catch {
            throw ComparisonError.unreadable(path: file, reason: "not a vernier run.json with round summaries (\(error))")
        }
    }
}

/// What a comparison concluded about one figure.
public enum ComparisonVerdict: String, Sendable, Hashable, Codable {
    /// Worse beyond the threshold, and significant where both sides have repetitions.
    case regression
    /// Better beyond the threshold, and significant.
    case improvement
    /// Within the threshold.
    case unchanged
    /// Beyond the threshold, but not significant: noise.
    case noise
    /// A figure without polarity, or with a zero baseline.
    case notJudged
}

/// One figure of one round, baseline against current.
public struct FigureComparison: Sendable, Hashable, Codable {
    public var round: String
    public var figure: String
    public var unit: String
    public var baseline: Double
    public var current: Double
    /// (current − baseline) / baseline, or nil for a zero baseline.
    public var relativeChange: Double?
    /// Welch's two-sided p-value, when both sides have at least two repetitions.
    public var pValue: Double?
    public var threshold: Double
    public var verdict: ComparisonVerdict
}

/// Compares two runs figure by figure: a change counts only beyond its threshold and, when both
/// sides have repetitions, only if Welch's t-test finds it significant at `confidence`.
public struct Comparison: Sendable {
    /// The relative change a figure must exceed to count, where it differs from the figure's
    /// `defaultThreshold`.
    public var thresholds: [RoundFigure: Double]
    /// The threshold of a figure this build does not know (from a newer run.json).
    public var defaultThreshold: Double
    public var confidence: Double

    /// Defaults: each figure's `defaultThreshold` (rates 5%, counts 1%, the rest 10%).
    public init(thresholds: [RoundFigure: Double] = [:], defaultThreshold: Double = 0.10, confidence: Double = 0.95) {
        self.thresholds = thresholds
        self.defaultThreshold = defaultThreshold
        self.confidence = confidence
    }

    /// The threshold `key`'s figure is judged by.
    public func threshold(forKey key: String) -> Double {
        guard let figure = RoundFigure(rawValue: key) else { return defaultThreshold }
        return thresholds[figure] ?? figure.defaultThreshold
    }

    /// Every figure of every round that both runs have, compared; nil if no round matches.
    public func compare(baseline: [ComparableRound], current: [ComparableRound]) -> [FigureComparison]? {
        var results: [FigureComparison] = []
        for round in current {
            guard let base = baseline.first(where: { $0.label == round.label }) else { continue }
            for figure in round.figures {
                guard let reference = base.figures.first(where: { $0.key == figure.key }),
                      let now = figure.interval, let before = reference.interval else { continue }
                results.append(judge(round: round.label, figure: figure, reference: reference, now: now, before: before))
            }
        }
        return results.isEmpty ? nil : results
    }

    private func judge(round: String, figure: FigureStatistics, reference: FigureStatistics,
                       now: ConfidenceInterval, before: ConfidenceInterval) -> FigureComparison {
        let threshold = threshold(forKey: figure.key)
        let change: Double? = before.mean == 0 ? nil : (now.mean - before.mean) / abs(before.mean)
        let welch = WelchTest(reference.values, figure.values)
        var verdict: ComparisonVerdict
        if figure.polarity == .neutral || change == nil {
            verdict = .notJudged
        } else if abs(change!) <= threshold {
            verdict = .unchanged
        } else if let welch, !welch.isSignificant(at: confidence) {
            verdict = .noise
        } else {
            let worse = figure.polarity == .higherIsBetter ? change! < 0 : change! > 0
            verdict = worse ? .regression : .improvement
        }
        return FigureComparison(round: round, figure: figure.key, unit: figure.unit, baseline: before.mean, current: now.mean,
                                relativeChange: change, pValue: welch?.pValue, threshold: threshold, verdict: verdict)
    }

    /// The verdict of a whole comparison: any regression wins over improvements.
    public static func outcome(_ results: [FigureComparison]) -> ComparisonOutcome {
        if results.contains(where: { $0.verdict == .regression }) { return .regression }
        if results.contains(where: { $0.verdict == .improvement }) { return .onlyImprovements }
        return .noRegression
    }

    /// Parses `throughput=5%,p99=10%` (a bare number is a fraction: `0.05`); a figure is named by
    /// its key in run.json or a short alias (`p99`, `tps`).
    public static func parseThresholds(_ text: String) throws -> [RoundFigure: Double] {
        var thresholds: [RoundFigure: Double] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else { throw ComparisonError.badThreshold(String(part)) }
            let isPercent = pieces[1].hasSuffix("%")
            guard let number = Double(isPercent ? String(pieces[1].dropLast()) : pieces[1]), number >= 0, number.isFinite else {
                throw ComparisonError.badThreshold(String(part))
            }
            guard let figure = RoundFigure.aliases[pieces[0]] ?? RoundFigure(rawValue: pieces[0]) else {
                throw ComparisonError.unknownFigure(pieces[0])
            }
            thresholds[figure] = isPercent ? number / 100 : number
        }
        return thresholds
    }
}

/// Why two runs could not be compared.
enum ComparisonError: Error, Hashable, CustomStringConvertible {
    case badThreshold(String)
    case unknownFigure(String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .badThreshold(let text): "bad threshold \"\(text)\": use key=5% or key=0.05, comma-separated"
        case .unknownFigure(let name):
            "no figure is called \"\(name)\": use one of \((RoundFigure.aliases.keys.sorted() + RoundFigure.allCases.map(\.rawValue)).joined(separator: ", "))"
        case .unreadable(let path, let reason): "\(path): \(reason)"
        }
    }
}

/// What a whole comparison found, as CI reads it.
public enum ComparisonOutcome: Sendable, Hashable {
    /// No figure got worse beyond its threshold (and, with repetitions, significantly).
    case noRegression
    /// At least one figure got worse.
    case regression
    /// Some figures got better and none worse.
    case onlyImprovements
}
