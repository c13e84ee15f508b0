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
