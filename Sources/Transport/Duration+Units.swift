/// A duration in the units figures and clocks use: every conversion in the package is here.
extension Duration {
    /// The duration in whole nanoseconds, saturating at `Int64.max` for durations beyond 292 years.
    package var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (secondsInNanoseconds, overflowed) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflowed else { return seconds < 0 ? .min : .max }
        let (total, overflowedAgain) = secondsInNanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000)
        guard !overflowedAgain else { return seconds < 0 ? .min : .max }
        return total
    }

    /// Whole nanoseconds, 0 for a negative duration.
    package var nonNegativeNanoseconds: UInt64 { UInt64(max(0, wholeNanoseconds)) }

    /// Whole milliseconds, 0 for a negative duration.
    package var nonNegativeMilliseconds: UInt64 { nonNegativeNanoseconds / 1_000_000 }

    /// The duration in seconds.
    package var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
