public import Statistics

/// A round over all repetitions: every figure's values and interval.
public struct RoundSummary: Sendable, Hashable, Codable {
    public var label: String
    public var repetitions: Int
    /// One entry per `RoundFigure`, in catalog order (run.json's layout).
    public var figures: [FigureStatistics]
    /// The federation's costs, then each node's (empty without a monitor).
    public var costs: [CostSummary]

    public init(label: String, repetitions: Int, figures: [FigureStatistics], costs: [CostSummary] = []) {
        self.label = label
        self.repetitions = repetitions
        self.figures = figures
        self.costs = costs
    }

    /// The costs of `scope` (`federation` or a node's name), if measured.
    public func costs(_ scope: String) -> CostSummary? {
        costs.first { $0.scope == scope }
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
            let label = first.rounds[index].label
            let costs = report.repetitions.map { repetition -> [RoundCost] in
                guard repetition.rounds.indices.contains(index),
                      let resources = repetition.resources.first(where: { $0.label == label }) else { return [] }
                return RoundCost.costs(of: resources, transactions: repetition.rounds[index].processedByLedger)
            }
            return RoundSummary(label: label, repetitions: rounds.count, figures: figures,
                                costs: CostSummary.summarise(costs, confidence: confidence))
        }
    }
}
