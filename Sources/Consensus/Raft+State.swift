extension Raft {
    /// The part of a node's state that must be durable before any message it caused is sent.
    public struct HardState: Hashable, Sendable {
        /// The latest term the node has seen.
        public var term: UInt64
        /// The candidate the node voted for in `term`, if any.
        public var votedFor: NodeID?
        /// The highest log index known to be committed (persisting it is an optimisation only).
        public var commitIndex: UInt64

        /// Creates a hard state; the default is the state of a node that never ran.
        public init(term: UInt64 = 0, votedFor: NodeID? = nil, commitIndex: UInt64 = 0) {
            self.term = term
            self.votedFor = votedFor
            self.commitIndex = commitIndex
        }
    }

    /// The role a node currently plays.
    public enum Role: Hashable, Sendable {
        /// Follows a leader (or waits for one).
        case follower
        /// Asks for pre-votes without changing its term, to learn whether it could win.
        case preCandidate
        /// Campaigns for votes in a new term.
        case candidate
        /// Accepts proposals and replicates the log.
        case leader
    }

    /// Volatile facts about a node that a shell may want to observe (never persisted).
    public struct SoftState: Hashable, Sendable {
        /// The node's role.
        public var role: Role
        /// The leader the node currently knows of, if any.
        public var leader: NodeID?
        /// The node's current term.
        public var term: UInt64

        /// Creates a soft state.
        public init(role: Role, leader: NodeID?, term: UInt64) {
            self.role = role
            self.leader = leader
            self.term = term
        }
    }
}
