/// Welch's unequal-variance t-test of whether two samples have the same mean.
///
/// `t = (x̄₁ - x̄₂) / √(s₁²/n₁ + s₂²/n₂)` with the Welch–Satterthwaite degrees of freedom
/// `ν = (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁-1) + (s₂²/n₂)²/(n₂-1))` (Welch 1947), and the
/// two-sided p-value `2 · P(T_ν > |t|)`.
///
/// Each sample needs at least two values (otherwise its variance is unknown and the initialiser
/// returns nil). Zero-variance edge cases:
/// - both samples constant and equal means: t = 0, p-value 1 (never significant);
/// - both samples constant and different means: t = ±infinity, p-value 0 (always significant);
/// - in both of those cases the degrees of freedom, which are 0/0, are reported as `n₁ + n₂ - 2`;
/// - only one sample constant: the formulas hold as they are (ν becomes `n - 1` of the other).
public struct WelchTest: Codable, Hashable, Sendable {
    /// The first sample's summary.
    public var first: SampleSummary
    /// The second sample's summary.
    public var second: SampleSummary
    /// `first.mean - second.mean`.
    public var meanDifference: Double
    /// The standard error of the difference of the means.
    public var standardError: Double
    /// The t statistic, positive when the first mean is larger.
    public var t: Double
    /// The Welch–Satterthwaite degrees of freedom.
    public var degreesOfFreedom: Double
    /// The two-sided p-value: the probability, if the means were equal, of a |t| at least this large.
    public var pValue: Double

    /// Tests `first` against `second`; nil when either has fewer than two values.
    public init?(_ first: [Double], _ second: [Double]) {
        self.init(first: SampleSummary(first), second: SampleSummary(second))
    }

    /// Tests two summarised samples; nil when either has fewer than two values.
    public init?(first: SampleSummary, second: SampleSummary) {
        guard first.count >= 2, second.count >= 2 else { return nil }
        self.first = first
        self.second = second
        let firstCount = Double(first.count), secondCount = Double(second.count)
        let firstShare = first.variance / firstCount
        let secondShare = second.variance / secondCount
        let varianceOfDifference = firstShare + secondShare
        meanDifference = first.mean - second.mean
        standardError = varianceOfDifference.squareRoot()

        if varianceOfDifference == 0 {
            degreesOfFreedom = firstCount + secondCount - 2
            if meanDifference == 0 {
                t = 0
                pValue = 1
            } else {
                t = meanDifference > 0 ? .infinity : -.infinity
                pValue = 0
            }
            return
        }
        t = meanDifference / standardError
        let denominator = firstShare * firstShare / (firstCount - 1) + secondShare * secondShare / (secondCount - 1)
        degreesOfFreedom = varianceOfDifference * varianceOfDifference / denominator
        pValue = min(1, 2 * StudentT.upperTail(abs(t), degreesOfFreedom: degreesOfFreedom))
    }

    /// Whether the means differ at the two-sided `confidence` level, i.e. `pValue < 1 - confidence`.
    public func isSignificant(at confidence: Double = 0.95) -> Bool {
        pValue < 1 - confidence
    }
}
