public import Statistics

/// A round over all repetitions: every figure's values and interval.
public struct RoundSummary: Sendable, Hashable, Codable {
    public var label: String
    public var repetitions: Int
    /// One entry per `RoundFigure`, in catalog order (run.json's layout).
    public var figures: [FigureStatistics]

    public init(label: String, repetitions: Int, figures: [FigureStatistics]) {
        self.label = label
        self.repetitions = repetitions
        self.figures = figures
    }

    /// The values and interval of `figure`, if the summary has it.
    public func statistics(_ figure: RoundFigure) -> FigureStatistics? {
        figures.first { $0.key == figure.rawValue }
    }

    /// The interval of `figure`; nil where no repetition measured it.
    public func interval(_ figure: RoundFigure) -> ConfidenceInterval? {
        statistics(figure)?.interval
    }

    /// Summarises the `index`-th round of every repetition that ran it.
    public static func summarise(_ report: RunReport, confidence: Double) -> [RoundSummary] {
        guard let first = report.repetitions.first else { return [] }
        return first.rounds.indices.map { index in
            let rounds = report.repetitions.compactMap { $0.rounds.indices.contains(index) ? $0.rounds[index] : nil }
            let figures = RoundFigure.allCases.map { figure in
                FigureStatistics(key: figure.rawValue, unit: figure.unit, polarity: figure.polarity,
                                 values: rounds.map(figure.value(of:)).filter(\.isFinite), confidence: confidence)
            }
            return RoundSummary(label: first.rounds[index].label, repetitions: rounds.count, figures: figures)
        }
    }
}
