import Contracts
import LedgerCore
import LedgerPrimitives

/// The presigned transactions of the simulated clients: signing is the same for every seed, so it
/// is done once and its verdicts are checked once.
///
/// Order-execute clients each open accounts of their own and transfer from them. With
/// `sharedAccounts` (execute-order-validate), every client transfers among the same few accounts,
/// every eighth proposal trying to open one of them, so endorsed reads often go stale.
final class SimulationTransactionPool: Sendable {
    let genesis: GenesisConfiguration
    /// The clients' keys: an execute-order-validate client signs its envelopes with its own.
    let accounts: [SigningAccount]
    let transactions: [[Transaction]]
    let verdicts: [Hash256: Bool]

    init(accounts: Int, nonces: Int, sharedAccounts: Int? = nil) {
        let regulator = SigningAccount.deterministic(seed: 0x5EED, index: 0)
        genesis = GenesisConfiguration(chainId: "simulation", regulator: regulator.address)
        var pool: [[Transaction]] = []
        var keys: [SigningAccount] = []
        var verdicts: [Hash256: Bool] = [:]
        for index in 0..<accounts {
            let account = SigningAccount.deterministic(seed: 0x5EED, index: UInt64(index + 1))
            keys.append(account)
            var row: [Transaction] = []
            for nonce in 0..<nonces {
                let call = sharedAccounts.map { Self.contendedCall(account: index, nonce: nonce, shared: max($0, 1)) }
                    ?? Self.ownCall(account: index, nonce: nonce, accounts: accounts)
                let transaction = Transaction(signedBy: account, nonce: UInt64(nonce), call: call)
                verdicts[transaction.id] = transaction.hasValidSignature
                row.append(transaction)
            }
            pool.append(row)
        }
        transactions = pool
        self.accounts = keys
        self.verdicts = verdicts
    }

    /// Order-execute's workload: open an account, then transfer from it to another client's first.
    static func ownCall(account index: Int, nonce: Int, accounts: Int) -> ContractCall {
        nonce % 2 == 0
            ? .simple(.open(account: "a\(index)-\(nonce)", money: 10))
            : .simple(.transfer(from: "a\(index)-\(nonce - 1)", to: "a\((index + 1) % accounts)-0", amount: 1))
    }

    /// Execute-order-validate's contended workload: transfers between neighbouring shared accounts
    /// "s0"..., and now and then an attempt to open one (refused once it exists).
    static func contendedCall(account index: Int, nonce: Int, shared: Int) -> ContractCall {
        if nonce % 8 == 0 { return .simple(.open(account: "s\((index + nonce / 8) % shared)", money: 1_000)) }
        let from = (index + nonce) % shared
        return .simple(.transfer(from: "s\(from)", to: "s\((from + 1) % shared)", amount: 1))
    }
}

