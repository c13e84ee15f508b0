extension Raft {
    /// A message between two Raft nodes; every message carries the sender's term.
    public enum Message: Hashable, Sendable {
        /// Asks for a vote (or, with `preVote`, whether a vote would be granted).
        ///
        /// For a pre-vote, `term` is the term the sender would campaign in, not its current term.
        /// `leadershipTransfer` marks a campaign started by `timeoutNow`; voters then ignore their
        /// leader lease.
        case requestVote(term: UInt64, lastLogIndex: UInt64, lastLogTerm: UInt64, preVote: Bool,
                         leadershipTransfer: Bool)
        /// Answers a (pre-)vote request.
        case requestVoteResponse(term: UInt64, granted: Bool, preVote: Bool)
        /// Replicates entries after `prevLogIndex`; with no entries it is a heartbeat.
        case appendEntries(term: UInt64, prevLogIndex: UInt64, prevLogTerm: UInt64, entries: [Entry],
                           leaderCommit: UInt64)
        /// Answers AppendEntries.
        ///
        /// On success `matchIndex` is the last index known to match the leader. On rejection
        /// `rejectedIndex` is the request's `prevLogIndex`, and the hint says where to retry: the
        /// follower's term at `rejectedIndex` (`conflictTerm`, `nil` when its log is too short) and
        /// the first index it holds of that term, or its last index + 1 (`conflictIndex`).
        case appendEntriesResponse(term: UInt64, success: Bool, matchIndex: UInt64, rejectedIndex: UInt64,
                                   conflictTerm: UInt64?, conflictIndex: UInt64)
        /// Replaces a lagging follower's log prefix with the leader's snapshot.
        case installSnapshot(term: UInt64, snapshot: Snapshot)
        /// Answers InstallSnapshot with the last index the follower now holds.
        case installSnapshotResponse(term: UInt64, matchIndex: UInt64)
        /// Tells the leadership-transfer target to campaign at once.
        case timeoutNow(term: UInt64)

        /// The sender's term (for a pre-vote request, the term it would campaign in).
        public var term: UInt64 {
            switch self {
            case .requestVote(let term, _, _, _, _),
                 .requestVoteResponse(let term, _, _),
                 .appendEntries(let term, _, _, _, _),
                 .appendEntriesResponse(let term, _, _, _, _, _),
                 .installSnapshot(let term, _),
                 .installSnapshotResponse(let term, _),
                 .timeoutNow(let term):
                return term
            }
        }
    }

    /// A message with its sender and addressee.
    public struct Envelope: Hashable, Sendable {
        /// The sender.
        public var from: NodeID
        /// The addressee.
        public var to: NodeID
        /// The message.
        public var message: Message

        /// Creates an envelope.
        public init(from: NodeID, to: NodeID, message: Message) {
            self.from = from
            self.to = to
            self.message = message
        }
    }
}
