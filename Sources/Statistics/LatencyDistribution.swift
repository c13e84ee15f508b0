import Histogram

/// A latency distribution recorded in an HdrHistogram (microsecond resolution, 3 significant
/// digits, up to an hour), summarised as reports print it.
public struct LatencyDistribution: Sendable {
    private var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000,
                                              numberOfSignificantValueDigits: .three)
    private var sumMicroseconds: Double = 0

    public init() {}

    /// Builds a distribution from latencies in nanoseconds.
    public init(nanoseconds values: some Sequence<UInt64>) {
        for value in values { record(nanoseconds: value) }
    }

    public mutating func record(nanoseconds: UInt64) {
        let microseconds = min(max(1, (nanoseconds + 500) / 1_000), histogram.highestTrackableValue)
        _ = histogram.record(microseconds)
        sumMicroseconds += Double(microseconds)
    }

    public var count: UInt64 { histogram.totalCount }

    /// The latency at `percentile` (0...100), in seconds; 0 when nothing was recorded.
    public func seconds(atPercentile percentile: Double) -> Double {
        guard count > 0 else { return 0 }
        return Double(histogram.valueAtPercentile(percentile)) / 1e6
    }

    /// Min, mean, percentiles and max, in seconds; all zero when nothing was recorded.
    public var summary: LatencySummary {
        guard count > 0 else { return LatencySummary() }
        func seconds(_ microseconds: UInt64) -> Double { Double(microseconds) / 1e6 }
        return LatencySummary(
            min: seconds(histogram.min), mean: sumMicroseconds / Double(count) / 1e6,
            p50: seconds(histogram.valueAtPercentile(50)), p90: seconds(histogram.valueAtPercentile(90)),
            p99: seconds(histogram.valueAtPercentile(99)), p999: seconds(histogram.valueAtPercentile(99.9)),
            max: seconds(histogram.max))
    }
}

/// A latency distribution's summary, in seconds.
public struct LatencySummary: Sendable, Hashable, Codable {
    public var min = 0.0
    public var mean = 0.0
    public var p50 = 0.0
    public var p90 = 0.0
    public var p99 = 0.0
    public var p999 = 0.0
    public var max = 0.0

    public init() {}

    public init(min: Double, mean: Double, p50: Double, p90: Double, p99: Double, p999: Double, max: Double) {
        self.min = min
        self.mean = mean
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.max = max
    }
}
