import ConfigurationReading
/// The arguments of the `smallbank/*` modules (Caliper's Smallbank benchmark).
public struct SmallbankArguments: Sendable, Hashable, Encodable {
    /// How many customers `modify` and `query` pick from (the first ones created in the run);
    /// nil picks from every customer the run has created. Preparation creates missing ones.
    /// For `operations`, how many customers the round itself creates before the mix.
    public var accountsGenerated: Int?
    /// Operations released together at each of the rate controller's slots (Caliper's batch).
    public var txnPerBatch: Int
    /// A new customer's checking balance.
    public var initialChecking: Int64
    /// A new customer's savings balance.
    public var initialSavings: Int64
    /// Amounts are drawn uniformly from 1 through this (Caliper draws up to 200).
    public var maximumAmount: Int
    /// The relative weights of the operations `modify` draws.
    public var mix: SmallbankMix

    /// The fewest customers `modify` and `query` work on (Caliper asks for more than 3).
    public static let minimumCustomers = 4
    /// The customers preparation creates when a round names none and the run has too few.
    public static let defaultCustomers = 1000

    public init(accountsGenerated: Int? = nil, txnPerBatch: Int = 1, initialChecking: Int64 = 1_000_000,
                initialSavings: Int64 = 1_000_000, maximumAmount: Int = 200, mix: SmallbankMix = SmallbankMix()) {
        self.accountsGenerated = accountsGenerated
        self.txnPerBatch = txnPerBatch
        self.initialChecking = initialChecking
        self.initialSavings = initialSavings
        self.maximumAmount = maximumAmount
        self.mix = mix
    }
}

/// An operation `smallbank/modify` draws, named as the file's `mix` names it.
public enum SmallbankOperation: String, Sendable, Hashable, CaseIterable, Encodable {
    case transactSavings, depositChecking, sendPayment, writeCheck, amalgamate
    /// A balance read ordered as a transaction (BLOCKBENCH's getBalance among the updates).
    case balance
}

/// The relative weights of Smallbank's operations; Caliper's `modify` draws its five updates
/// uniformly and sends balance reads as a separate `query` round, hence the defaults.
public struct SmallbankMix: Sendable, Hashable, Encodable {
    private var weightByOperation: [SmallbankOperation: Double]

    /// Weights for the operations named; the others take the defaults.
    public init(_ weights: [SmallbankOperation: Double] = [:]) {
        weightByOperation = Dictionary(uniqueKeysWithValues: SmallbankOperation.allCases.map { ($0, $0 == .balance ? 0 : 1) })
        weightByOperation.merge(weights) { $1 }
    }

    public subscript(_ operation: SmallbankOperation) -> Double {
        get { weightByOperation[operation] ?? 0 }
        set { weightByOperation[operation] = newValue }
    }

    /// The weights in the file's order.
    public var weights: [(operation: SmallbankOperation, weight: Double)] {
        SmallbankOperation.allCases.map { ($0, self[$0]) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: SmallbankOperation.CodingKeys.self)
        for (operation, weight) in weights { try container.encode(weight, forKey: .init(operation)) }
    }
}

extension SmallbankOperation {
    /// The mix's keys in JSON: the operations' names.
    struct CodingKeys: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ operation: SmallbankOperation) { stringValue = operation.rawValue }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
