import ConfigurationReading
/// Settings of proof-of-work mining.
public struct ProofOfWorkSettings: Sendable, Hashable, Encodable {
    /// The number of miners.
    public var miners: Int
    /// The mean time between blocks the difficulty aims for.
    public var targetBlockInterval: Duration
    /// The number of blocks that make a transaction final.
    public var confirmations: Int
    /// The most transactions in one block.
    public var maxBlockTransactions: Int

    /// Creates proof-of-work settings; the defaults are the file's defaults.
    public init(
        miners: Int = 4,
        targetBlockInterval: Duration = .seconds(1),
        confirmations: Int = 1,
        maxBlockTransactions: Int = 500
    ) {
        self.miners = miners
        self.targetBlockInterval = targetBlockInterval
        self.confirmations = confirmations
        self.maxBlockTransactions = maxBlockTransactions
    }
}
