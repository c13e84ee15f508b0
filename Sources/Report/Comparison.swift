import Foundation

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
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return try decoder.decode(Run.self, from: data).rounds
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
    /// The relative change a figure must exceed to count, by figure key; `defaultThreshold` otherwise.
    public var thresholds: [String: Double]
    public var defaultThreshold: Double
    public var confidence: Double

    /// Defaults: throughput-like figures 5%, latency figures 10%, everything else 10%.
    public init(thresholds: [String: Double] = [:], defaultThreshold: Double = 0.10, confidence: Double = 0.95) {
        var merged = Self.defaultThresholds
        for (key, value) in thresholds { merged[key] = value }
        self.thresholds = merged
        self.defaultThreshold = defaultThreshold
        self.confidence = confidence
    }

    public static let defaultThresholds: [String: Double] = [
        "throughput": 0.05, "sendRate": 0.05, "goodput": 0.05, "succeeded": 0.01, "failed": 0.01,
    ]

    /// Keys a threshold option may name as a shorthand: `p99` means `latencyP99`, and so on.
    public static let aliases: [String: String] = [
        "p50": "latencyP50", "p90": "latencyP90", "p99": "latencyP99", "p999": "latencyP999",
        "latency": "latencyMean", "tps": "throughput",
    ]

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
        let threshold = thresholds[figure.key] ?? defaultThreshold
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

    /// The exit code for CI: 2 if anything regressed, 4 if something improved and nothing
    /// regressed, 0 otherwise.
    public static func exitCode(_ results: [FigureComparison]) -> Int32 {
        if results.contains(where: { $0.verdict == .regression }) { return 2 }
        if results.contains(where: { $0.verdict == .improvement }) { return 4 }
        return 0
    }

    /// Parses `throughput=5%,p99=10%` (a bare number is a fraction: `0.05`).
    public static func parseThresholds(_ text: String) throws -> [String: Double] {
        var thresholds: [String: Double] = [:]
        for part in text.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, !pieces[0].isEmpty else { throw ComparisonError.badThreshold(String(part)) }
            let isPercent = pieces[1].hasSuffix("%")
            guard let number = Double(isPercent ? String(pieces[1].dropLast()) : pieces[1]), number >= 0, number.isFinite else {
                throw ComparisonError.badThreshold(String(part))
            }
            thresholds[aliases[pieces[0]] ?? pieces[0]] = isPercent ? number / 100 : number
        }
        return thresholds
    }
}

/// Why two runs could not be compared.
public enum ComparisonError: Error, Hashable, CustomStringConvertible {
    case badThreshold(String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .badThreshold(let text): "bad threshold \"\(text)\": use key=5% or key=0.05, comma-separated"
        case .unreadable(let path, let reason): "\(path): \(reason)"
        }
    }
}
