extension Raft {
    /// Which prefix of the log a snapshot replaces.
    public struct SnapshotMetadata: Hashable, Sendable {
        /// The index of the last entry the snapshot includes.
        public var lastIncludedIndex: UInt64
        /// The term of the last entry the snapshot includes.
        public var lastIncludedTerm: UInt64

        /// Creates snapshot metadata.
        public init(lastIncludedIndex: UInt64, lastIncludedTerm: UInt64) {
            self.lastIncludedIndex = lastIncludedIndex
            self.lastIncludedTerm = lastIncludedTerm
        }
    }

    /// The application state after applying every entry through `metadata.lastIncludedIndex`.
    public struct Snapshot: Hashable, Sendable {
        /// Which prefix of the log the snapshot stands for.
        public var metadata: SnapshotMetadata
        /// The application's serialised state, opaque to Raft.
        public var data: [UInt8]

        /// Creates a snapshot.
        public init(metadata: SnapshotMetadata, data: [UInt8]) {
            self.metadata = metadata
            self.data = data
        }
    }
}
