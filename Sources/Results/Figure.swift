import Foundation
public import Statistics

/// Which direction of change is good for a figure: the verdict of a comparison depends on it.
public enum FigurePolarity: String, Sendable, Hashable, Codable {
    case higherIsBetter
    case lowerIsBetter
    /// Reported, never judged.
    case neutral
}

/// The values of one figure over repetitions, with its interval.
public struct FigureStatistics: Sendable, Hashable, Codable {
    public var key: String
    public var unit: String
    public var polarity: FigurePolarity
    public var values: [Double]
    /// Mean, standard deviation and Student-t interval (collapsed with one repetition).
    public var interval: ConfidenceInterval?

    public init(key: String, unit: String, polarity: FigurePolarity, values: [Double], confidence: Double) {
        self.key = key
        self.unit = unit
        self.polarity = polarity
        self.values = values
        interval = ConfidenceInterval(samples: values, confidence: confidence)
    }
}

/// Writes CSV: fields with a comma, quote or line break are quoted, quotes doubled.
public enum CSV {
    public static func line(_ fields: [String]) -> String {
        fields.map { field in
            guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }

    /// A number as the shortest text that reads back to the same Double, so files recompute exactly.
    public static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : ""
    }
}
