public import Statistics

/// How every result file writes a figure with its interval: four columns (mean, standard
/// deviation, lower and upper bound), headed the same way, with one rule for the level's label.
public enum IntervalColumns {
    /// The confidence level as the files and pages print it: `95%`, `99.5%` (never rounded).
    public static func levelLabel(_ confidence: Double) -> String {
        let scaled = confidence * 100
        return (scaled.rounded() == scaled ? String(Int(scaled)) : CSV.number(scaled)) + "%"
    }

    /// `header`, `header sd`, `header 95% low`, `header 95% high`.
    public static func header(_ header: String, confidence: Double) -> [String] {
        let level = levelLabel(confidence)
        return [header, "\(header) sd", "\(header) \(level) low", "\(header) \(level) high"]
    }

    /// The mean, then the deviation and bounds (empty with one repetition); four empty cells
    /// when nothing was measured.
    public static func cells(_ interval: ConfidenceInterval?) -> [String] {
        guard let interval else { return ["", "", "", ""] }
        guard interval.hasInterval else { return [CSV.number(interval.mean), "", "", ""] }
        return [CSV.number(interval.mean), CSV.number(interval.standardDeviation), CSV.number(interval.lower),
                CSV.number(interval.upper)]
    }
}
