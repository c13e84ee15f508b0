extension Raft {
    /// One slot of the replicated log: what was proposed, in which term, at which position.
    public struct Entry: Hashable, Sendable {
        /// What an entry carries.
        public enum Kind: Hashable, Sendable {
            /// An application command, opaque to Raft.
            case normal(payload: [UInt8])
            /// The empty entry a new leader appends so that it can commit entries of its own term.
            case noop
        }

        /// The term of the leader that created the entry.
        public var term: UInt64
        /// The 1-based position of the entry in the log.
        public var index: UInt64
        /// The entry's content.
        public var kind: Kind

        /// Creates an entry.
        public init(term: UInt64, index: UInt64, kind: Kind) {
            self.term = term
            self.index = index
            self.kind = kind
        }

        /// The application payload, or `nil` for a no-op.
        public var payload: [UInt8]? {
            if case .normal(let payload) = kind { return payload }
            return nil
        }
    }
}
