import Foundation
import Testing
@testable import Report

/// One row of upper-tail critical values of Student's t: the quantiles at 0.95, 0.975, 0.995 and
/// 0.9995, i.e. the two-sided 90%, 95%, 99% and 99.9% critical values.
private struct CriticalValues {
    let degreesOfFreedom: Double
    let p950: Double
    let p975: Double
    let p995: Double
    let p9995: Double
}

/// Critical values to 12 significant digits.
///
/// They extend the NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2 ("Critical
/// Values of the Student's t Distribution", https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm),
/// whose three-decimal entries they round to (checked in `agreesWithNISTTable`), to 12 digits.
/// They were computed independently of this code by root-finding the regularised incomplete beta
/// function in mpmath 1.3.0 at 40 decimal digits, and agree with scipy 1.17.1's
/// `scipy.stats.t.ppf` (Boost.Math) to 10 digits; the 0.9995 column matches the classic tables
/// (e.g. 636.619 for one and 31.599 for two degrees of freedom, Fisher & Yates).
private let referenceTable: [CriticalValues] = [
    .init(degreesOfFreedom: 1, p950: 6.31375151468, p975: 12.7062047362, p995: 63.6567411629, p9995: 636.619248769),
    .init(degreesOfFreedom: 2, p950: 2.91998558035, p975: 4.30265272975, p995: 9.92484320092, p9995: 31.5990545764),
    .init(degreesOfFreedom: 3, p950: 2.35336343480, p975: 3.18244630528, p995: 5.84090930973, p9995: 12.9239786367),
    .init(degreesOfFreedom: 4, p950: 2.13184678633, p975: 2.77644510520, p995: 4.60409487135, p9995: 8.61030158138),
    .init(degreesOfFreedom: 5, p950: 2.01504837333, p975: 2.57058183564, p995: 4.03214298356, p9995: 6.86882662588),
    .init(degreesOfFreedom: 6, p950: 1.94318028052, p975: 2.44691185114, p995: 3.70742802132, p9995: 5.95881617882),
    .init(degreesOfFreedom: 7, p950: 1.89457860509, p975: 2.36462425159, p995: 3.49948329735, p9995: 5.40788252086),
    .init(degreesOfFreedom: 8, p950: 1.85954803753, p975: 2.30600413520, p995: 3.35538733133, p9995: 5.04130543337),
    .init(degreesOfFreedom: 9, p950: 1.83311293266, p975: 2.26215716280, p995: 3.24983554159, p9995: 4.78091258593),
    .init(degreesOfFreedom: 10, p950: 1.81246112281, p975: 2.22813885199, p995: 3.16927267262, p9995: 4.58689385870),
    .init(degreesOfFreedom: 12, p950: 1.78228755565, p975: 2.17881282967, p995: 3.05453958939, p9995: 4.31779128361),
    .init(degreesOfFreedom: 15, p950: 1.75305035569, p975: 2.13144954556, p995: 2.94671288348, p9995: 4.07276519590),
    .init(degreesOfFreedom: 20, p950: 1.72471824292, p975: 2.08596344727, p995: 2.84533970979, p9995: 3.84951627493),
    .init(degreesOfFreedom: 25, p950: 1.70814076125, p975: 2.05953855275, p995: 2.78743581368, p9995: 3.72514394973),
    .init(degreesOfFreedom: 30, p950: 1.69726088659, p975: 2.04227245630, p995: 2.74999565357, p9995: 3.64595863504),
    .init(degreesOfFreedom: 40, p950: 1.68385101334, p975: 2.02107539031, p995: 2.70445926743, p9995: 3.55096576086),
    .init(degreesOfFreedom: 50, p950: 1.67590502516, p975: 2.00855911210, p995: 2.67779327094, p9995: 3.49601288181),
    .init(degreesOfFreedom: 60, p950: 1.67064886490, p975: 2.00029782201, p995: 2.66028302886, p9995: 3.46020046920),
    .init(degreesOfFreedom: 80, p950: 1.66412457859, p975: 1.99006342125, p995: 2.63869059634, p9995: 3.41633745848),
    .init(degreesOfFreedom: 100, p950: 1.66023432609, p975: 1.98397151852, p995: 2.62589052144, p9995: 3.39049131116),
    .init(degreesOfFreedom: 120, p950: 1.65765089936, p975: 1.97993040508, p995: 2.61742114511, p9995: 3.37345376856),
    .init(degreesOfFreedom: 200, p950: 1.65250810091, p975: 1.97189622363, p995: 2.60063443619, p9995: 3.33983540628),
    .init(degreesOfFreedom: 500, p950: 1.64790685393, p975: 1.96471983747, p995: 2.58569783514, p9995: 3.31009115152),
    .init(degreesOfFreedom: 1000, p950: 1.64637881729, p975: 1.96233908083, p995: 2.58075469807, p9995: 3.30028264842),
]

/// NIST/SEMATECH e-Handbook 1.3.6.7.2, upper critical values to three decimals (df ≤ 100 only):
/// (degrees of freedom, α = 0.05, α = 0.025, α = 0.005).
private let nistTable: [(Double, Double, Double, Double)] = [
    (1, 6.314, 12.706, 63.657), (2, 2.920, 4.303, 9.925), (3, 2.353, 3.182, 5.841),
    (4, 2.132, 2.776, 4.604), (5, 2.015, 2.571, 4.032), (6, 1.943, 2.447, 3.707),
    (7, 1.895, 2.365, 3.499), (8, 1.860, 2.306, 3.355), (9, 1.833, 2.262, 3.250),
    (10, 1.812, 2.228, 3.169), (12, 1.782, 2.179, 3.055), (15, 1.753, 2.131, 2.947),
    (20, 1.725, 2.086, 2.845), (25, 1.708, 2.060, 2.787), (30, 1.697, 2.042, 2.750),
    (40, 1.684, 2.021, 2.704), (50, 1.676, 2.009, 2.678), (60, 1.671, 2.000, 2.660),
    (80, 1.664, 1.990, 2.639), (100, 1.660, 1.984, 2.626),
]

private func relativeError(_ value: Double, _ reference: Double) -> Double {
    abs(value - reference) / abs(reference)
}

@Suite("Student's t distribution")
struct StudentTTests {
    @Test func matchesReferenceCriticalValuesToSixSignificantDigits() {
        var worst = 0.0
        var worstCase = ""
        for row in referenceTable {
            let columns = [(0.95, row.p950), (0.975, row.p975), (0.995, row.p995), (0.9995, row.p9995)]
            for (probability, reference) in columns {
                let value = StudentT.quantile(probability: probability, degreesOfFreedom: row.degreesOfFreedom)
                let error = relativeError(value, reference)
                // Six significant digits means a relative error below 5e-7; the table has 12.
                #expect(error < 5e-7, "df \(row.degreesOfFreedom), p \(probability): \(value) vs \(reference)")
                // The reference is rounded to 12 digits, so agreement should be about that good.
                #expect(error < 1e-11, "df \(row.degreesOfFreedom), p \(probability): \(value) vs \(reference)")
                // Symmetry: the lower quantile is the negated upper one.
                let lowerValue = StudentT.quantile(probability: 1 - probability, degreesOfFreedom: row.degreesOfFreedom)
                #expect(lowerValue == -value)
                if error > worst {
                    worst = error
                    worstCase = "df \(row.degreesOfFreedom), p \(probability)"
                }
            }
        }
        print("Worst relative error against the reference table: \(worst) at \(worstCase)")
    }

    @Test func agreesWithNISTTable() {
        for (degreesOfFreedom, p950, p975, p995) in nistTable {
            for (probability, published) in [(0.95, p950), (0.975, p975), (0.995, p995)] {
                let value = StudentT.quantile(probability: probability, degreesOfFreedom: degreesOfFreedom)
                #expect((value * 1000).rounded() / 1000 == published, "df \(degreesOfFreedom), p \(probability): \(value)")
            }
        }
    }

    @Test func closedFormsForOneAndTwoDegreesOfFreedom() {
        // ν = 1 is the Cauchy distribution: t_p = tan(π(p - ½)), F(t) = ½ + atan(t)/π.
        // ν = 2: t_p = (2p - 1)/√(2p(1 - p)), F(t) = ½ + t / (2√(t² + 2)).
        for probability in [0.6, 0.75, 0.9, 0.95, 0.975, 0.99, 0.995, 0.999, 0.9995, 0.99999] {
            let cauchy = tan(Double.pi * (probability - 0.5))
            #expect(relativeError(StudentT.quantile(probability: probability, degreesOfFreedom: 1), cauchy) < 1e-12)
            let two = (2 * probability - 1) / (2 * probability * (1 - probability)).squareRoot()
            #expect(relativeError(StudentT.quantile(probability: probability, degreesOfFreedom: 2), two) < 1e-13)
        }
        for t in [-30.0, -2.5, -1, -0.1, 0.3, 1, 4, 100] {
            #expect(abs(StudentT.cdf(t, degreesOfFreedom: 1) - (0.5 + atan(t) / Double.pi)) < 1e-15)
            #expect(abs(StudentT.cdf(t, degreesOfFreedom: 2) - (0.5 + t / (2 * (t * t + 2).squareRoot()))) < 1e-15)
        }
    }

    @Test func cdfInvertsQuantileForEveryDegreeOfFreedomUpToAThousand() {
        let probabilities = [0.9, 0.95, 0.975, 0.995, 0.9995]
        var worst = 0.0
        for degrees in 1...1000 {
            let nu = Double(degrees)
            for probability in probabilities {
                let upper = StudentT.quantile(probability: probability, degreesOfFreedom: nu)
                let upperError = abs(StudentT.cdf(upper, degreesOfFreedom: nu) - probability)
                let lower = StudentT.quantile(probability: 1 - probability, degreesOfFreedom: nu)
                let lowerError = abs(StudentT.cdf(lower, degreesOfFreedom: nu) - (1 - probability))
                worst = max(worst, upperError, lowerError)
                #expect(upperError <= 1e-12, "df \(degrees), p \(probability)")
                #expect(lowerError <= 1e-12, "df \(degrees), p \(1 - probability)")
            }
        }
        print("Worst |cdf(quantile(p)) - p| over df 1...1000: \(worst)")
    }

    @Test func quantileDecreasesTowardsTheNormalQuantile() {
        for probability in [0.9, 0.95, 0.975, 0.995, 0.9995] {
            let normal = NormalDistribution.quantile(probability: probability)
            var previous = Double.infinity
            for nu in [1.0, 2, 5, 10, 30, 100, 1000, 10_000, 100_000, 1_000_000] {
                let value = StudentT.quantile(probability: probability, degreesOfFreedom: nu)
                #expect(value < previous && value > normal, "ν \(nu), p \(probability)")
                // The first Cornish–Fisher term: t - z ≈ (z³ + z)/(4ν).
                if nu >= 1000 {
                    let firstOrder = (normal * normal * normal + normal) / (4 * nu)
                    #expect(abs((value - normal) / firstOrder - 1) < 0.01, "ν \(nu), p \(probability)")
                }
                previous = value
            }
            #expect(StudentT.quantile(probability: probability, degreesOfFreedom: .infinity) == normal)
        }
    }

    @Test func cdfBasics() {
        for nu in [0.5, 1, 3, 17, 250, 5000] {
            #expect(StudentT.cdf(0, degreesOfFreedom: nu) == 0.5)
            #expect(StudentT.cdf(.infinity, degreesOfFreedom: nu) == 1)
            #expect(StudentT.cdf(-.infinity, degreesOfFreedom: nu) == 0)
            for t in [0.01, 0.7, 2, 9, 1e3] {
                let sum = StudentT.cdf(t, degreesOfFreedom: nu) + StudentT.cdf(-t, degreesOfFreedom: nu)
                #expect(abs(sum - 1) < 1e-15)
            }
        }
        // Far tail keeps relative precision: for ν = 1, P(T > 1e10) = atan(1e-10)/π.
        let farTail = StudentT.upperTail(1e10, degreesOfFreedom: 1)
        #expect(relativeError(farTail, atan(1e-10) / Double.pi) < 1e-12)
        // Fractional degrees of freedom round-trip too.
        let fractional = StudentT.quantile(probability: 0.975, degreesOfFreedom: 17.776_473_516_178_49)
        #expect(abs(StudentT.cdf(fractional, degreesOfFreedom: 17.776_473_516_178_49) - 0.975) < 1e-14)
    }

    @Test func invalidArgumentsGiveNaNAndEndpointsGiveInfinities() {
        #expect(StudentT.cdf(1, degreesOfFreedom: 0).isNaN)
        #expect(StudentT.cdf(1, degreesOfFreedom: -3).isNaN)
        #expect(StudentT.cdf(.nan, degreesOfFreedom: 3).isNaN)
        #expect(StudentT.quantile(probability: 1.5, degreesOfFreedom: 3).isNaN)
        #expect(StudentT.quantile(probability: 0.5, degreesOfFreedom: .nan).isNaN)
        #expect(StudentT.quantile(probability: 1, degreesOfFreedom: 3) == .infinity)
        #expect(StudentT.quantile(probability: 0, degreesOfFreedom: 3) == -.infinity)
        #expect(StudentT.quantile(probability: 0.5, degreesOfFreedom: 3) == 0)
    }

    @Test func normalQuantileMatchesReferenceValues() {
        // Reference values: √2 · erfinv(2p - 1) in mpmath 1.3.0 at 40 digits (A&S Table 26.5 agrees
        // to its 10 printed digits, e.g. 1.959963985 for 0.975).
        let references: [(Double, Double)] = [
            (0.9, 1.281551565544600), (0.95, 1.644853626951473), (0.975, 1.959963984540054),
            (0.995, 2.575829303548901), (0.9995, 3.290526731491895),
        ]
        for (probability, reference) in references {
            #expect(relativeError(NormalDistribution.quantile(probability: probability), reference) < 1e-14)
            #expect(relativeError(NormalDistribution.quantile(probability: 1 - probability), -reference) < 1e-14)
        }
        for probability in [1e-300, 1e-20, 1e-5, 0.01, 0.02425, 0.3, 0.5, 0.77, 0.97575, 0.999] {
            let z = NormalDistribution.quantile(probability: probability)
            #expect(relativeError(NormalDistribution.cdf(z), probability) < 1e-13, "p \(probability)")
        }
    }
}
