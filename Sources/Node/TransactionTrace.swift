public import Contracts
public import LedgerCore
public import LedgerPrimitives
public import NodeCore
/// How one submitted transaction ended.
public enum TransactionOutcome: Sendable, Hashable {
    /// A commit event came from the listening peer: valid or invalid with its code.
    case committed(ValidationCode, height: UInt64)
    /// The orderer refused it.
    case rejected(SubmitRejection)
    /// No acknowledgement (`acknowledged` nil) or no commit event came in time.
    case timedOut
    /// Execute-order-validate: the proposal was not endorsed as the policy needs, so it was never ordered.
    case endorsementFailed(EndorsementFailure)
}

/// Why a proposal's endorsements could not make a transaction.
public enum EndorsementFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The endorsers returned different results (states apart, or a non-deterministic contract).
    case mismatch
    /// The contract refused the call on an endorser's state.
    case refused(ContractError)
    /// An endorser found the proposal's signature invalid.
    case badSignature
    /// An endorser already holds a transaction with this id.
    case duplicateTxId
    /// A peer asked to endorse does not endorse.
    case notAnEndorser
    /// An endorser had not reached the height the client asked for.
    case behind
    /// An endorser did not answer in time.
    case timedOut

    /// The name in failure classes (`endorsement:mismatch`, `endorsement:accountMissing`).
    public var description: String {
        switch self {
        case .mismatch: "mismatch"
        case .refused(let error): error.name
        case .badSignature: "badSignature"
        case .duplicateTxId: "duplicateTxId"
        case .notAnEndorser: "notAnEndorser"
        case .behind: "behind"
        case .timedOut: "timeout"
        }
    }
}

/// The life of one transaction as a client saw it, on the monotonic clock.
public struct TransactionTrace: Sendable {
    public var id: Hash256
    public var sent: ContinuousClock.Instant
    public var acknowledged: ContinuousClock.Instant?
    public var finished: ContinuousClock.Instant
    public var outcome: TransactionOutcome

    public init(id: Hash256, sent: ContinuousClock.Instant, acknowledged: ContinuousClock.Instant?,
                finished: ContinuousClock.Instant, outcome: TransactionOutcome) {
        self.id = id
        self.sent = sent
        self.acknowledged = acknowledged
        self.finished = finished
        self.outcome = outcome
    }
}
