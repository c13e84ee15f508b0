/// The count, mean and spread of a sample, accumulated in one numerically stable pass.
///
/// Uses Welford's update (Welford 1962; Knuth, TAOCP vol. 2, 4.2.2), so large offsets and long
/// runs do not lose the variance to cancellation. Conventions:
/// - an empty sample has `count == 0` and NaN mean, standard deviation and standard error;
/// - a single value has standard deviation and standard error 0 (there is no spread to estimate;
///   `ConfidenceInterval` marks such an interval with `hasInterval == false`).
public struct SampleSummary: Codable, Hashable, Sendable {
    /// The number of values.
    public var count: Int
    /// The arithmetic mean.
    public var mean: Double
    /// The sample standard deviation, with Bessel's correction (divides by `count - 1`).
    public var standardDeviation: Double
    /// The standard error of the mean, `standardDeviation / √count`.
    public var standardError: Double

    /// Summarises `samples` in one pass.
    public init(_ samples: some Sequence<Double>) {
        var count = 0
        var mean = 0.0
        var sumOfSquaredDeviations = 0.0
        for value in samples {
            count += 1
            let deviationBefore = value - mean
            mean += deviationBefore / Double(count)
            sumOfSquaredDeviations += deviationBefore * (value - mean)
        }
        self.count = count
        switch count {
        case 0:
            self.mean = .nan
            standardDeviation = .nan
            standardError = .nan
        case 1:
            self.mean = mean
            standardDeviation = 0
            standardError = 0
        default:
            self.mean = mean
            standardDeviation = (sumOfSquaredDeviations / Double(count - 1)).squareRoot()
            standardError = standardDeviation / Double(count).squareRoot()
        }
    }

    /// The sample variance (`standardDeviation²`).
    public var variance: Double { standardDeviation * standardDeviation }
}

/// A two-sided Student's t confidence interval for the mean of a sample.
///
/// For `count >= 2`: `mean ± t_{(1+confidence)/2, count-1} · standardDeviation / √count`.
/// For `count == 1` the interval collapses to the single value, `halfWidth` is 0 and
/// `hasInterval` is false (one value says nothing about spread). An empty sample, or a confidence
/// outside the open interval (0, 1), has no interval at all: the initialiser returns nil.
public struct ConfidenceInterval: Codable, Hashable, Sendable {
    /// The sample mean, the interval's centre.
    public var mean: Double
    /// The sample standard deviation (divides by `count - 1`; 0 for a single value).
    public var standardDeviation: Double
    /// `mean - halfWidth`.
    public var lower: Double
    /// `mean + halfWidth`.
    public var upper: Double
    /// The critical t value times the standard error.
    public var halfWidth: Double
    /// The two-sided coverage, e.g. 0.95.
    public var confidence: Double
    /// The number of values the interval was built from.
    public var count: Int
    /// Whether there was spread to estimate (`count >= 2`); false means a collapsed interval.
    public var hasInterval: Bool

    /// Builds the interval for the mean of `samples` at `confidence`; nil when `samples` is empty
    /// or `confidence` is not strictly between 0 and 1.
    public init?(samples: [Double], confidence: Double = 0.95) {
        self.init(summary: SampleSummary(samples), confidence: confidence)
    }

    /// Builds the interval from an existing summary; nil when it is empty or `confidence` is not
    /// strictly between 0 and 1.
    public init?(summary: SampleSummary, confidence: Double = 0.95) {
        guard summary.count > 0, confidence > 0, confidence < 1 else { return nil }
        mean = summary.mean
        standardDeviation = summary.standardDeviation
        self.confidence = confidence
        count = summary.count
        if summary.count == 1 {
            halfWidth = 0
            hasInterval = false
        } else {
            let critical = StudentT.quantile(probability: 0.5 + 0.5 * confidence,
                                             degreesOfFreedom: Double(summary.count - 1))
            halfWidth = critical * summary.standardError
            hasInterval = true
        }
        lower = mean - halfWidth
        upper = mean + halfWidth
    }

    /// Whether `value` lies within the closed interval.
    public func contains(_ value: Double) -> Bool {
        lower <= value && value <= upper
    }
}
