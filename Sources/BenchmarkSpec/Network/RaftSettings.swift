/// Settings of a Raft ordering service.
public struct RaftSettings: Sendable, Hashable, Encodable {
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
