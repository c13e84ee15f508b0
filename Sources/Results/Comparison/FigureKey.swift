/// A figure `vernier compare` judges: one of a round's figures or one of its costs, by typed key.
public enum FigureKey: Hashable, Sendable, CaseIterable {
    case round(RoundFigure)
    case cost(CostFigure)

    public static var allCases: [FigureKey] { RoundFigure.allCases.map(Self.round) + CostFigure.allCases.map(Self.cost) }

    /// The figure whose run.json key is `rawValue`; nil for a key this build does not know.
    public init?(rawValue: String) {
        if let figure = RoundFigure(rawValue: rawValue) {
            self = .round(figure)
        } else if let figure = CostFigure(rawValue: rawValue) {
            self = .cost(figure)
        } else {
            return nil
        }
    }

    /// The identifier in run.json.
    public var rawValue: String {
        switch self {
        case .round(let figure): figure.rawValue
        case .cost(let figure): figure.rawValue
        }
    }

    /// Which direction of change is good.
    public var polarity: FigurePolarity {
        switch self {
        case .round(let figure): figure.polarity
        case .cost(let figure): figure.polarity
        }
    }

    /// The relative change tolerated by default.
    public var defaultThreshold: Double {
        switch self {
        case .round(let figure): figure.defaultThreshold
        case .cost(let figure): figure.defaultThreshold
        }
    }

    /// Short names a `--threshold` option may use: `p99` means `latencyP99`, `cpu` means
    /// `cpuPerTransaction`, and so on.
    public static let aliases: [String: FigureKey] = RoundFigure.aliases.mapValues(Self.round).merging([
        "cpu": .cost(.cpuPerTransaction), "received": .cost(.bytesReceivedPerTransaction),
        "sent": .cost(.bytesSentPerTransaction), "disk": .cost(.diskWrittenPerTransaction), "memory": .cost(.peakMemory),
    ]) { first, _ in first }
}
