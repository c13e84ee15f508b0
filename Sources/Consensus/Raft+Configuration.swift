extension Raft {
    /// The voting members of a cluster (fixed for the node's lifetime; no membership changes).
    public struct Configuration: Hashable, Sendable {
        /// Every node whose vote counts, including the local node.
        public var voters: [NodeID]

        /// Creates a configuration; duplicates are removed and the order normalised.
        public init(voters: [NodeID]) {
            self.voters = Array(Set(voters)).sorted()
        }

        /// The number of votes (or acknowledgements) that form a majority.
        public var quorum: Int { voters.count / 2 + 1 }

        /// Whether `node` is a voter.
        public func contains(_ node: NodeID) -> Bool { voters.contains(node) }
    }

    /// Tunables of a node; every queue and timer has a bound here.
    public struct Options: Hashable, Sendable, Codable {
        /// The minimum election timeout; each timeout is drawn from `[min, 2 * min)`.
        public var electionTimeoutTicks: Int
        /// How often a leader sends heartbeats.
        public var heartbeatIntervalTicks: Int
        /// Whether a node asks for pre-votes before it bumps its term (thesis 9.6).
        public var preVote: Bool
        /// Whether a leader steps down when it has not heard from a majority within an election
        /// timeout, and followers ignore vote requests while they have a live leader.
        public var checkQuorum: Bool
        /// The most entries one AppendEntries message carries.
        public var maxEntriesPerAppend: Int
        /// The most AppendEntries messages with entries in flight to one follower.
        public var maxInflightAppends: Int
        /// The most entries a leader holds uncommitted before `propose` returns `.dropped`.
        public var maxUncommittedEntries: Int
        /// The most outgoing messages held between two `ready()` calls; more are dropped.
        public var maxPendingMessages: Int
        /// The most committed entries one `Ready` hands out to apply; the rest follow in later ones.
        public var maxCommittedEntriesPerReady: Int

        /// Creates options; the defaults suit a tick of about 100 ms.
        public init(
            electionTimeoutTicks: Int = 10,
            heartbeatIntervalTicks: Int = 1,
            preVote: Bool = true,
            checkQuorum: Bool = true,
            maxEntriesPerAppend: Int = 64,
            maxInflightAppends: Int = 16,
            maxUncommittedEntries: Int = 4_096,
            maxPendingMessages: Int = 4_096,
            maxCommittedEntriesPerReady: Int = 1_024
        ) {
            precondition(electionTimeoutTicks > heartbeatIntervalTicks && heartbeatIntervalTicks >= 1,
                         "the election timeout must exceed the heartbeat interval")
            precondition(maxEntriesPerAppend >= 1 && maxInflightAppends >= 1
                         && maxUncommittedEntries >= 1 && maxPendingMessages >= 1
                         && maxCommittedEntriesPerReady >= 1,
                         "bounds must be positive")
            self.electionTimeoutTicks = electionTimeoutTicks
            self.heartbeatIntervalTicks = heartbeatIntervalTicks
            self.preVote = preVote
            self.checkQuorum = checkQuorum
            self.maxEntriesPerAppend = maxEntriesPerAppend
            self.maxInflightAppends = maxInflightAppends
            self.maxUncommittedEntries = maxUncommittedEntries
            self.maxPendingMessages = maxPendingMessages
            self.maxCommittedEntriesPerReady = maxCommittedEntriesPerReady
        }
    }
}
