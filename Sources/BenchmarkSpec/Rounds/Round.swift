import ConfigurationReading
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
    /// The signing accounts the round uses: the pool's first `accounts`, transaction `i` signed by
    /// account `i mod accounts`, so each sends its fixed share in order (nil: the whole pool,
    /// whichever account has room).
    public var accounts: Int?
    /// The named network the round runs on (nil: the file's first, or only, network).
    public var network: String?
    /// Where the round sits in the grid it was expanded from, if it was.
    public var cell: GridCell?
    /// The faults the round injects, in time order.
    public var faults: [Fault] = []

    /// Creates a round.
    public init(
        label: String,
        description: String? = nil,
        length: RoundLength,
        trim: RoundLength? = nil,
        rateControl: RateControl,
        workload: Workload,
        accounts: Int? = nil,
        network: String? = nil,
        cell: GridCell? = nil
    ) {
        self.label = label
        self.description = description
        self.length = length
        self.trim = trim
        self.rateControl = rateControl
        self.workload = workload
        self.accounts = accounts
        self.network = network
        self.cell = cell
    }
}

/// One combination of a round's `grid`: which values of each varied dimension this round takes.
///
/// A round with `grid: {network: [...], transactions: [...], accounts: [...]}` stands for one round
/// per combination; each expanded round keeps its cell, so reports can line the cells up (the
/// total execution time against transactions, one series per account count, one panel per network).
public struct GridCell: Sendable, Hashable, Codable {
    /// The label of the round the grid was declared on, shared by all its cells.
    public var grid: String
    /// The network of this cell, when the grid varies the network.
    public var network: String?
    /// The transaction count of this cell, when the grid varies it.
    public var transactions: Int?
    /// The account count of this cell, when the grid varies it.
    public var accounts: Int?

    /// Creates a cell.
    public init(grid: String, network: String? = nil, transactions: Int? = nil, accounts: Int? = nil) {
        self.grid = grid
        self.network = network
        self.transactions = transactions
        self.accounts = accounts
    }

    /// The expanded round's label: the grid's label and this cell's values, e.g.
    /// `treatment pow 100tx 25acc`.
    public var label: String {
        var parts = [grid]
        if let network { parts.append(network) }
        if let transactions { parts.append("\(transactions)tx") }
        if let accounts { parts.append("\(accounts)acc") }
        return parts.joined(separator: " ")
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
