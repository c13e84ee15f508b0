import Foundation

/// The standard normal distribution: its density, its CDF and its quantile function.
///
/// Used by `StudentT` as the large-degrees-of-freedom limit and as the seed of its quantile
/// search. Everything is pure and deterministic.
enum NormalDistribution {
    /// The density of the standard normal distribution at `x`.
    public static func density(_ x: Double) -> Double {
        let inverseSquareRootOfTwoPi = 0.398_942_280_401_432_677_94
        return inverseSquareRootOfTwoPi * exp(-0.5 * x * x)
    }

    /// The probability that a standard normal variable is at most `x`.
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The probability that a standard normal variable exceeds `x` (accurate far into the tail).
    public static func upperTail(_ x: Double) -> Double {
        0.5 * erfc(x / 2.0.squareRoot())
    }

    /// The value below which a standard normal variable falls with probability `probability`.
    ///
    /// Seeded by Peter J. Acklam's rational approximation ("An algorithm for computing the inverse
    /// normal cumulative distribution function", 2003; relative error below 1.15e-9), then polished
    /// with Halley steps on `erfc` to full double precision. Returns `-infinity` at 0,
    /// `+infinity` at 1 and NaN outside [0, 1].
    public static func quantile(probability: Double) -> Double {
        guard probability >= 0, probability <= 1 else { return .nan }
        if probability == 0 { return -.infinity }
        if probability == 1 { return .infinity }
        if probability == 0.5 { return 0 }
        // Work with the smaller tail so that the target probability keeps all its digits
        // (1 - p is exact for p in [0.5, 1]).
        let lowerTail = min(probability, 1 - probability)
        let sign: Double = probability < 0.5 ? -1 : 1
        var z = acklamLowerQuantile(lowerTail)  // negative
        // Halley refinement on the lower tail Φ(z) - q, bounded.
        for _ in 0..<4 {
            let error = cdf(z) - lowerTail
            let density = density(z)
            guard density > 0 else { break }
            let newtonStep = error / density
            let step = newtonStep / (1 + 0.5 * z * newtonStep)
            z -= step
            if abs(step) <= 2 * Double.ulpOfOne * abs(z) { break }
        }
        return sign * -z
    }

    /// Acklam's rational approximation to the normal quantile for `probability` in (0, 0.5].
    private static func acklamLowerQuantile(_ probability: Double) -> Double {
        // Coefficients of the central and tail rational functions, as published by Acklam.
        let a0 = -3.969683028665376e+01, a1 = 2.209460984245205e+02, a2 = -2.759285104469687e+02
        let a3 = 1.383577518672690e+02, a4 = -3.066479806614716e+01, a5 = 2.506628277459239e+00
        let b0 = -5.447609879822406e+01, b1 = 1.615858368580409e+02, b2 = -1.556989798598866e+02
        let b3 = 6.680131188771972e+01, b4 = -1.328068155288572e+01
        let c0 = -7.784894002430293e-03, c1 = -3.223964580411365e-01, c2 = -2.400758277161838e+00
        let c3 = -2.549732539343734e+00, c4 = 4.374664141464968e+00, c5 = 2.938163982698783e+00
        let d0 = 7.784695709041462e-03, d1 = 3.224671290700398e-01, d2 = 2.445134137142996e+00
        let d3 = 3.754408661907416e+00
        let lowRegionBoundary = 0.02425

        if probability < lowRegionBoundary {
            let q = (-2 * log(probability)).squareRoot()
            let numerator = ((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5
            let denominator = (((d0 * q + d1) * q + d2) * q + d3) * q + 1
            return numerator / denominator
        }
        let q = probability - 0.5
        let r = q * q
        let numerator = (((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q
        let denominator = ((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1
        return numerator / denominator
    }
}
