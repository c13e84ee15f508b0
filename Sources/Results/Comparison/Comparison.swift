import Foundation
import Statistics

/// A round's figures as a comparison reads them from a run.json: its round figures and its costs.
public struct ComparableRound: Sendable, Hashable, Codable {
    public var label: String
    public var figures: [FigureStatistics]
    /// The federation's and each node's costs (absent in run.json files older than the costs).
    public var costs: [CostSummary]

    public init(label: String, figures: [FigureStatistics], costs: [CostSummary] = []) {
        self.label = label
        self.figures = figures
        self.costs = costs
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        label = try container.decode(String.self, forKey: .label)
        figures = try container.decode([FigureStatistics].self, forKey: .figures)
        costs = try container.decodeIfPresent([CostSummary].self, forKey: .costs) ?? []
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
    /// A figure without polarity, or one the comparison leaves alone (extremes, thin tails,
    /// latency of pushed rounds, a node's small share of a cost).
    case notJudged
    /// The baseline measured it and the current run did not: the gate cannot judge it.
    case notMeasured
}

/// One figure of one round (and, for a cost, one scope), baseline against current.
public struct FigureComparison: Sendable, Hashable, Codable {
    public var round: String
    public var figure: String
    /// For a cost figure, `federation` or the node's name; nil for a round figure.
    public var scope: String?
    public var unit: String
    public var baseline: Double
    /// NaN when the current run did not measure it.
    public var current: Double
    /// (current − baseline) / baseline, or nil for a zero baseline.
    public var relativeChange: Double?
    /// Welch's two-sided p-value, when both sides have at least two repetitions.
    public var pValue: Double?
    public var threshold: Double
    public var verdict: ComparisonVerdict

    /// The figure's name with its scope: `cpuPerTransaction [peer0]`.
    public var name: String { scope.map { "\(figure) [\($0)]" } ?? figure }
}

/// Compares two runs figure by figure: a change counts only beyond its threshold and, when both
/// sides have repetitions, only if Welch's t-test finds it significant at `confidence`.
public struct Comparison: Sendable {
    /// The relative change a figure must exceed to count, where it differs from the figure's
    /// default threshold.
    public var thresholds: [FigureKey: Double]
    /// A node's cost below this share of the federation's same cost is not judged on its own.
    public static let smallestJudgedShare = 0.05
    /// A latency that moved by less than this, in seconds, is unchanged whatever its relative
    /// change: a query answered in 0.2 ms moves by 20–35% with the machine's load alone, and its
    /// cost shows in CPU per transaction.
    public static let smallestJudgedLatencySeconds = 0.001
    /// The threshold of a figure this build does not know (from a newer run.json).
    public var defaultThreshold: Double
    public var confidence: Double

    /// Defaults: each figure's default threshold (see ``FigureKey/defaultThreshold``).
    public init(thresholds: [FigureKey: Double] = [:], defaultThreshold: Double = 0.10, confidence: Double = 0.95) {
        self.thresholds = thresholds
        self.defaultThreshold = defaultThreshold
        self.confidence = confidence
    }

    /// The threshold `key`'s figure is judged by.
    public func threshold(forKey key: String) -> Double {
        guard let figure = FigureKey(rawValue: key) else { return defaultThreshold }
        return thresholds[figure] ?? figure.defaultThreshold
    }

    /// Every figure of every round that both runs have, compared (the round figures, then each
    /// scope's costs); nil if no round matches.
    public func compare(baseline: [ComparableRound], current: [ComparableRound]) -> [FigureComparison]? {
        var results: [FigureComparison] = []
        var matched = false
        for round in current {
            guard let base = baseline.first(where: { $0.label == round.label }) else { continue }
            matched = true
            var figures = compare(round: round.label, scope: nil, baseline: base.figures, current: round.figures)
            let transactions = ["succeeded", "failed"].compactMap { key in base.figures.first { $0.key == key }?.interval?.mean }
                .reduce(0, +)
            let pushed = base.figures.contains { $0.key == RoundFigure.saturationThroughput.rawValue && !$0.values.isEmpty }
            for index in figures.indices {
                guard let figure = RoundFigure(rawValue: figures[index].figure) else { continue }
                let tooFew = figure.transactionsToJudge.map { transactions < Double($0) } ?? true
                if tooFew || (pushed && figure.isLatency) {
                    figures[index].verdict = .notJudged
                } else if figure.isLatency, figures[index].verdict != .notMeasured,
                          abs(figures[index].current - figures[index].baseline) < Self.smallestJudgedLatencySeconds {
                    figures[index].verdict = .unchanged
                } else if figure == .failed, figures[index].baseline == 0, transactions > 0,
                          figures[index].current <= figures[index].threshold * transactions {
                    // From no failures, a count is measured against the round's transactions:
                    // 4 MVCC conflicts in 600 are within 5%, 50 are not.
                    figures[index].verdict = .unchanged
                }
            }
            results += figures
            let federation = base.costs.first { $0.scope == RoundCost.federationScope }
            for cost in base.costs {
                let now = round.costs.first { $0.scope == cost.scope }?.figures ?? []
                var judged = compare(round: round.label, scope: cost.scope, baseline: cost.figures, current: now)
                if let federation, cost.scope != RoundCost.federationScope {
                    // A node's share too small to matter (the orderer's CPU per query) is left to
                    // the federation's figure, which holds it: judged alone it is only noise.
                    for index in judged.indices {
                        let whole = federation.figures.first { $0.key == judged[index].figure }?.interval?.mean ?? 0
                        if judged[index].baseline < Self.smallestJudgedShare * whole { judged[index].verdict = .notJudged }
                    }
                }
                results += judged
            }
        }
        return matched ? results : nil
    }

    /// The labels of the baseline's rounds that the current run does not have.
    public static func missingRounds(baseline: [ComparableRound], current: [ComparableRound]) -> [String] {
        baseline.map(\.label).filter { label in !current.contains { $0.label == label } }
    }

    private func compare(round: String, scope: String?, baseline: [FigureStatistics], current: [FigureStatistics]) -> [FigureComparison] {
        baseline.compactMap { reference in
            guard let before = reference.interval else { return nil }
            guard let figure = current.first(where: { $0.key == reference.key }), let now = figure.interval else {
                return FigureComparison(round: round, figure: reference.key, scope: scope, unit: reference.unit,
                                        baseline: before.mean, current: .nan, relativeChange: nil, pValue: nil,
                                        threshold: threshold(forKey: reference.key),
                                        verdict: (FigureKey(rawValue: reference.key)?.polarity ?? reference.polarity) == .neutral
                                            ? .notJudged : .notMeasured)
            }
            return judge(round: round, scope: scope, figure: figure, reference: reference, now: now, before: before)
        }
    }

    private func judge(round: String, scope: String?, figure: FigureStatistics, reference: FigureStatistics,
                       now: ConfidenceInterval, before: ConfidenceInterval) -> FigureComparison {
        let threshold = threshold(forKey: figure.key)
        let change: Double? = before.mean == 0 ? nil : (now.mean - before.mean) / abs(before.mean)
        let welch = WelchTest(reference.values, figure.values)
        // This build's catalog decides a figure's polarity; a file's word counts only for a
        // figure the build does not know.
        let polarity = FigureKey(rawValue: figure.key)?.polarity ?? figure.polarity
        // A zero baseline has no relative change: any move off zero is beyond every threshold,
        // so that 0 → 50 failures is judged, and only Welch's test can call it noise.
        let difference = now.mean - before.mean
        let beyondThreshold = change.map { abs($0) > threshold } ?? (difference != 0)
        var verdict: ComparisonVerdict
        if polarity == .neutral {
            verdict = .notJudged
        } else if !beyondThreshold {
            verdict = .unchanged
        } else if let welch, !welch.isSignificant(at: confidence) {
            verdict = .noise
        } else {
            let worse = polarity == .higherIsBetter ? difference < 0 : difference > 0
            verdict = worse ? .regression : .improvement
        }
        return FigureComparison(round: round, figure: figure.key, scope: scope, unit: figure.unit, baseline: before.mean,
                                current: now.mean, relativeChange: change, pValue: welch?.pValue, threshold: threshold,
                                verdict: verdict)
    }

    /// The verdict of a whole comparison: any regression wins; then a figure the current run did
    /// not measure; then improvements.
    public static func outcome(_ results: [FigureComparison]) -> ComparisonOutcome {
        if results.contains(where: { $0.verdict == .regression }) { return .regression }
        if results.contains(where: { $0.verdict == .notMeasured }) { return .notMeasured }
        if results.contains(where: { $0.verdict == .improvement }) { return .onlyImprovements }
        return .noRegression
    }

    /// Parses `throughput=5%,p99=10%,cpu=5%` (a bare number is a fraction: `0.05`); a figure is
    /// named by its key in run.json or a short alias (`p99`, `tps`, `cpu`).
    public static func parseThresholds(_ text: String) throws -> [FigureKey: Double] {
        var thresholds: [FigureKey: Double] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else { throw ComparisonError.badThreshold(String(part)) }
            let isPercent = pieces[1].hasSuffix("%")
            guard let number = Double(isPercent ? String(pieces[1].dropLast()) : pieces[1]), number >= 0, number.isFinite else {
                throw ComparisonError.badThreshold(String(part))
            }
            guard let figure = FigureKey.aliases[pieces[0]] ?? FigureKey(rawValue: pieces[0]) else {
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
            "no figure is called \"\(name)\": use one of \((FigureKey.aliases.keys.sorted() + FigureKey.allCases.map(\.rawValue)).joined(separator: ", "))"
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
    /// No figure got worse, but the current run did not measure a figure the baseline did.
    case notMeasured
    /// Some figures got better and none worse.
    case onlyImprovements
}
