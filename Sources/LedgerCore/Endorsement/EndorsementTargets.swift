/// Which peers of an organisation a client asks to endorse its proposals.
public enum EndorsementTargets: String, Sendable, Codable, CaseIterable {
    /// The organisation's first peer (`peer0`), as Fabric's gateway and Caliper do by default.
    case first
    /// Account `i` asks peer `i mod peers` of the organisation, spreading endorsement work.
    case spread
}

/// How a Raft federation runs a transaction.
public enum TransactionFlow: String, Sendable, Codable, CaseIterable {
    /// Ordered first, then executed by every peer (validation by signature, nonce and contract).
    case orderExecute = "order-execute"
    /// Fabric's flow: simulated and signed by endorsing peers, ordered, then validated by the
    /// endorsement policy and read versions (MVCC) on every peer.
    case executeOrderValidate = "execute-order-validate"
}
