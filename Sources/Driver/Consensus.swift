/// The consensus protocol of a federation, with the settings in effect.
public enum Consensus: Sendable, Hashable {
    /// Raft ordering service, as in Fabric (`consensus: raft`).
    case raft(RaftSettings)
    /// Proof-of-work mining (`consensus: pow`).
    case proofOfWork(ProofOfWorkSettings)
    /// No ledger: one store node applies and persists transactions (`consensus: none`).
    case singleStore

    /// The names accepted for `network.consensus`.
    public static let names = ["raft", "pow", "none"]

    /// The name used in the file: `raft`, `pow` or `none`.
    public var name: String {
        switch self {
        case .raft: "raft"
        case .proofOfWork: "pow"
        case .singleStore: "none"
        }
    }
}

/// Settings of a Raft ordering service.
public struct RaftSettings: Sendable, Hashable {
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
        heartbeatInterval: Duration = .milliseconds(100)
    ) {
        self.orderers = orderers
        self.batchSize = batchSize
        self.batchTimeout = batchTimeout
        self.electionTimeout = electionTimeout
        self.heartbeatInterval = heartbeatInterval
    }
}

/// Fabric's BatchSize: the limits that make the leader cut a block.
public struct BatchSize: Sendable, Hashable {
    /// The most transactions in one block.
    public var maxMessageCount: Int
    /// The block size the leader aims for.
    public var preferredMaxBytes: Int
    /// The block size never exceeded.
    public var absoluteMaxBytes: Int

    /// Creates batch limits; the defaults are the file's defaults.
    public init(maxMessageCount: Int = 500, preferredMaxBytes: Int = 2 << 20, absoluteMaxBytes: Int = 10 << 20) {
        self.maxMessageCount = maxMessageCount
        self.preferredMaxBytes = preferredMaxBytes
        self.absoluteMaxBytes = absoluteMaxBytes
    }
}

/// Settings of proof-of-work mining.
public struct ProofOfWorkSettings: Sendable, Hashable {
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
