import Testing
@testable import Statistics

@Suite("Welch's t-test")
struct WelchTestTests {
    @Test func handComputedExample() throws {
        // A = 1…5: mean 3, s² = 5/2, s²/n = 1/2. B = 3…9: mean 6, s² = 28/6, s²/n = 2/3.
        // se² = 7/6, t = -3/√(7/6) = -2.7774602993176544,
        // ν = (7/6)² / ((1/2)²/4 + (2/3)²/6) = (49/36)/(59/432) = 588/59 = 9.966101694915254,
        // two-sided p = I_{ν/(ν+t²)}(ν/2, ½) = 0.019594474530359893 (mpmath 1.3.0, 40 digits).
        let test = try #require(WelchTest([1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8, 9]))
        #expect(abs(test.t - -2.7774602993176544) < 1e-14)
        #expect(abs(test.degreesOfFreedom - 588.0 / 59) < 1e-12)
        #expect(abs(test.pValue - 0.019594474530359893) < 1e-14)
        #expect(test.meanDifference == -3)
        #expect(test.isSignificant(at: 0.95))
        #expect(test.isSignificant(at: 0.99) == false)
    }

    @Test func studentsSleepData() throws {
        // Cushny & Peebles' sleep data (Student 1908; R's `sleep` data set). R's documented
        // `t.test(extra ~ group, data = sleep)` reports t = -1.8608, df = 17.776,
        // p-value = 0.07939; to more digits (mpmath, and scipy 1.17.1 `ttest_ind(equal_var=False)`):
        // t = -1.8608134674868531, ν = 17.776473516178490, p = 0.079394140187358138.
        let drugOne = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        let drugTwo = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        let test = try #require(WelchTest(drugOne, drugTwo))
        #expect(abs(test.t - -1.8608134674868531) < 1e-12)
        #expect(abs(test.degreesOfFreedom - 17.776473516178490) < 1e-10)
        #expect(abs(test.pValue - 0.079394140187358138) < 1e-12)
        #expect(test.isSignificant(at: 0.95) == false)
        #expect(test.isSignificant(at: 0.90))
        // Swapping the samples flips the sign only.
        let swapped = try #require(WelchTest(drugTwo, drugOne))
        #expect(swapped.t == -test.t && swapped.pValue == test.pValue)
    }

    @Test func identicalSamplesAreNotSignificant() throws {
        let sample = [10.2, 9.8, 10.5, 10.1, 9.9, 10.0]
        let test = try #require(WelchTest(sample, sample))
        #expect(test.t == 0)
        #expect(test.pValue == 1)
        #expect(test.isSignificant(at: 0.95) == false)
    }

    @Test func clearlySeparatedSamplesAreSignificant() throws {
        let fast = [1.00, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97]
        let slow = [2.00, 2.05, 1.95, 2.02, 1.98]
        let test = try #require(WelchTest(fast, slow))
        #expect(test.t < -50)
        #expect(test.pValue < 1e-6 && test.pValue > 0, "p = \(test.pValue), ν = \(test.degreesOfFreedom)")
        #expect(test.isSignificant(at: 0.9999))
    }

    @Test func zeroVarianceEdgeCases() throws {
        let equal = try #require(WelchTest([5, 5, 5], [5, 5]))
        #expect(equal.t == 0 && equal.pValue == 1 && !equal.isSignificant(at: 0.95))
        #expect(equal.degreesOfFreedom == 3)

        let different = try #require(WelchTest([5, 5, 5], [6, 6]))
        #expect(different.t == -.infinity && different.pValue == 0 && different.isSignificant(at: 0.999))

        // One constant sample: ν is the other sample's n - 1, and t uses only its spread.
        let oneConstant = try #require(WelchTest([5, 5, 5, 5], [1, 2, 3, 4, 5]))
        #expect(abs(oneConstant.degreesOfFreedom - 4) < 1e-12)
        #expect(abs(oneConstant.t - 2 / (2.5 / 5).squareRoot()) < 1e-12)
    }

    @Test func needsTwoValuesInEachSample() {
        #expect(WelchTest([1], [1, 2, 3]) == nil)
        #expect(WelchTest([1, 2, 3], []) == nil)
    }
}
