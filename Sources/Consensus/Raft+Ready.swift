extension Raft {
    /// A batch of work a node hands to its shell: persist, then send, then apply, then `advance`.
    ///
    /// Order matters: first persist `snapshotToPersist`, the entries (dropping any persisted entry
    /// at or after `persistFromIndex`) and `hardState`; only then send `messages`; apply
    /// `committedEntries` (after restoring the application from `snapshotToPersist`, if any); and
    /// finally call `Node.advance(_:)` with this value.
    public struct Ready: Hashable, Sendable {
        /// The new soft state, when role, leader or term changed since the last `Ready`.
        public var softState: SoftState?
        /// The hard state to persist, when it changed since the last `Ready`.
        public var hardState: HardState?
        /// A snapshot received from the leader: persist it in place of the whole log, and restore
        /// the application from its data.
        public var snapshotToPersist: Snapshot?
        /// Entries to persist; each replaces any persisted entry with the same or a higher index.
        public var entriesToPersist: [Entry]
        /// Messages to send once everything above is durable.
        public var messages: [Envelope]
        /// Committed entries to apply, in index order.
        public var committedEntries: [Entry]

        /// Creates a ready batch.
        public init(softState: SoftState? = nil, hardState: HardState? = nil, snapshotToPersist: Snapshot? = nil,
                    entriesToPersist: [Entry] = [], messages: [Envelope] = [], committedEntries: [Entry] = []) {
            self.softState = softState
            self.hardState = hardState
            self.snapshotToPersist = snapshotToPersist
            self.entriesToPersist = entriesToPersist
            self.messages = messages
            self.committedEntries = committedEntries
        }

        /// The index from which persisted entries must be dropped before appending, if any.
        public var persistFromIndex: UInt64? { entriesToPersist.first?.index }
    }

    /// What became of a proposal.
    public enum ProposeResult: Hashable, Sendable {
        /// Appended to the leader's log at `index` in `term`; it commits unless leadership is lost.
        case accepted(index: UInt64, term: UInt64)
        /// This node is not the leader; `leaderHint` is the leader it knows of, if any.
        case notLeader(leaderHint: NodeID?)
        /// The leader is handing leadership over and accepts no proposals until that ends.
        case transferring
        /// Too many entries are uncommitted; retry once some commit.
        case dropped
    }
}
