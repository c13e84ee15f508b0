import ConfigurationReading
public import LedgerCore

/// Settings of a Raft ordering service.
public struct RaftSettings: Sendable, Hashable, Encodable {
    /// Order-execute (the default) or Fabric's execute-order-validate.
    public var flow: TransactionFlow
    /// The endorsement policy and targets; set exactly when the flow is execute-order-validate.
    public var endorsement: EndorsementSettings?
    /// The number of orderers, 1 to 9.
    public var orderers: Int
    /// When the leader cuts a block.
    public var batchSize: BatchSize
    /// The longest a transaction waits for its block to be cut.
    public var batchTimeout: Duration
    /// How long a follower waits without hearing from a leader before it campaigns.
    public var electionTimeout: Duration
    /// The time between two leader heartbeats; shorter than the election timeout.
    public var heartbeatInterval: Duration

    /// Creates Raft settings; the defaults are the file's defaults.
    public init(
        orderers: Int = 1,
        batchSize: BatchSize = BatchSize(),
        batchTimeout: Duration = .milliseconds(250),
        electionTimeout: Duration = .seconds(1),
        heartbeatInterval: Duration = .milliseconds(100),
        flow: TransactionFlow = .orderExecute,
        endorsement: EndorsementSettings? = nil
    ) {
        self.flow = flow
        self.endorsement = endorsement
        self.orderers = orderers
        self.batchSize = batchSize
        self.batchTimeout = batchTimeout
        self.electionTimeout = electionTimeout
        self.heartbeatInterval = heartbeatInterval
    }
}

/// Execute-order-validate's settings: which organisations must endorse, and which of their peers
/// a client asks.
public struct EndorsementSettings: Sendable, Hashable, Encodable {
    public var policy: EndorsementPolicy
    public var targets: EndorsementTargets

    /// Fabric's default policy for a chaincode without one: a majority of the organisations.
    public static let defaultPolicyText = "MAJORITY"

    public init(policy: EndorsementPolicy, targets: EndorsementTargets = .first) {
        self.policy = policy
        self.targets = targets
    }

    private enum CodingKeys: String, CodingKey { case policy, targets }

    /// Written with the policy in Fabric's syntax.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(policy.description, forKey: .policy)
        try container.encode(targets, forKey: .targets)
    }
}
