public import LedgerPrimitives

/// What a contract sees of the transaction it executes.
package struct ExecutionContext: Sendable {
    /// The signer, proven by the signature.
    public var sender: Address
    public var transactionId: Hash256
    /// The block's timestamp: every peer sees the same "now".
    public var nowMilliseconds: UInt64
    public var height: UInt64

    package init(sender: Address, transactionId: Hash256, nowMilliseconds: UInt64, height: UInt64) {
        self.sender = sender
        self.transactionId = transactionId
        self.nowMilliseconds = nowMilliseconds
        self.height = height
    }
}

/// What a contract call returns.
public enum ContractOutput: Sendable, Hashable {
    case none
    case balance(UInt64)
    case recordCount(UInt64)
    case auditTrail([AuditEntry])
    /// The id of a newly registered treatment.
    case treatment(Hash256)
    /// A Smallbank customer's two balances.
    case bankBalances(checking: Int64, savings: Int64)
}

extension ContractCall {
    /// Runs this call against a transaction's view of the state: its output, or the contract's refusal.
    package func execute(in context: ExecutionContext, state: inout StateView) throws(ContractError) -> ContractOutput {
        switch self {
        case .simple(let call): try SimpleContract.execute(call, in: context, state: &state)
        case .clinical(let call): try ClinicalContract.execute(call, in: context, state: &state)
        case .smallbank(let call): try SmallbankContract.execute(call, in: context, state: &state)
        }
    }
}
