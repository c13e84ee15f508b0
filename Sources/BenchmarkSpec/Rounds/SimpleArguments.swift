import ConfigurationReading
/// The arguments shared by the `simple/*` modules (Caliper passes the same ones to each).
public struct SimpleArguments: Sendable, Hashable, Encodable {
    /// The number of ledger accounts the workload opens and uses.
    public var numberOfAccounts: Int
    /// The balance each account is opened with.
    public var initialMoney: Int
    /// The amount one transfer moves.
    public var moneyToTransfer: Int

    /// Creates the arguments; the defaults are the file's defaults.
    public init(numberOfAccounts: Int = 1000, initialMoney: Int = 10000, moneyToTransfer: Int = 100) {
        self.numberOfAccounts = numberOfAccounts
        self.initialMoney = initialMoney
        self.moneyToTransfer = moneyToTransfer
    }
}
