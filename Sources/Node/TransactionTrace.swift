public import LedgerCore
public import NodeCore
/// How one submitted transaction ended.
public enum TransactionOutcome: Sendable, Hashable {
    /// A commit event came from the listening peer: valid or invalid with its code.
    case committed(ValidationCode, height: UInt64)
    /// The orderer refused it.
    case rejected(SubmitRejection)
    /// No acknowledgement (`acknowledged` nil) or no commit event came in time.
    case timedOut
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
