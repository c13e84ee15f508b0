public import LedgerCore
public import LedgerPrimitives
public import Node

/// What a round's transactions are sent to: a federation, or nothing at all.
public protocol BenchmarkTarget: Sendable {
    /// Submits a transaction to be ordered and awaits its commit event; `signer` signed it (and
    /// signs its envelope, where the ledger endorses before ordering).
    func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration) async -> TransactionTrace
    /// Asks for a read-only call to be evaluated on a peer, without ordering.
    func query(_ signedCall: Transaction, account: Int, timeout: Duration) async -> TransactionTrace
    /// The ledger's next nonce for `address`, to resynchronise an account; nil if it cannot be read.
    func nextNonce(of address: Address) async -> UInt64?
    /// Submits one sender's transactions so they arrive in nonce order, then awaits them all.
    func submitInOrder(_ transactions: [Transaction], signer: SigningAccount, account: Int, timeout: Duration) async -> [TransactionTrace]
}

/// The `noop` target: answers every transaction at once as committed, to measure the driver itself.
public struct NoopTarget: BenchmarkTarget {
    public init() {}

    public func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration) async -> TransactionTrace {
        let now = ContinuousClock().now
        return TransactionTrace(id: transaction.id, sent: now, acknowledged: now, finished: now, outcome: .committed(.valid, height: 0))
    }

    public func query(_ signedCall: Transaction, account: Int, timeout: Duration) async -> TransactionTrace {
        let now = ContinuousClock().now
        return TransactionTrace(id: signedCall.id, sent: now, acknowledged: now, finished: now, outcome: .committed(.valid, height: 0))
    }

    public func nextNonce(of address: Address) async -> UInt64? { nil }

    public func submitInOrder(_ transactions: [Transaction], signer: SigningAccount, account: Int, timeout: Duration) async -> [TransactionTrace] {
        var traces: [TransactionTrace] = []
        for transaction in transactions {
            traces.append(await submit(transaction, signer: signer, account: account, timeout: timeout))
        }
        return traces
    }
}
