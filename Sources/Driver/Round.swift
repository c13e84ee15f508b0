/// One round: a labelled batch of transactions sent at a controlled rate.
public struct Round: Sendable, Hashable, Encodable {
    /// The round's unique label.
    public var label: String
    /// Free text about the round.
    public var description: String?
    /// How many transactions, or for how long.
    public var length: RoundLength
    /// The warm-up left out of the figures, if any.
    public var trim: RoundLength?
    /// When transactions are released.
    public var rateControl: RateControl
    /// What each transaction does.
    public var workload: Workload

    /// Creates a round.
    public init(
        label: String,
        description: String? = nil,
        length: RoundLength,
        trim: RoundLength? = nil,
        rateControl: RateControl,
        workload: Workload
    ) {
        self.label = label
        self.description = description
        self.length = length
        self.trim = trim
        self.rateControl = rateControl
        self.workload = workload
    }
}

/// The length of a round (or of its trimmed warm-up): a transaction count or a duration.
public enum RoundLength: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// A number of transactions (`txNumber`).
    case transactions(Int)
    /// A span of time (`txDuration`).
    case duration(Duration)

    /// `1000 tx` or `30s`.
    public var description: String {
        switch self {
        case .transactions(let count): "\(count) tx"
        case .duration(let duration): duration.benchmarkText
        }
    }
}
