extension Raft {
    /// Everything a node persisted, handed back to `Raft.Node` when it restarts.
    ///
    /// A shell builds it by applying each `Raft.Ready` in order: install `snapshotToPersist`
    /// (dropping every entry), drop entries at and after `persistFromIndex`, append
    /// `entriesToPersist`, and replace the hard state. Local compaction (`Node.compact`) must be
    /// mirrored by the shell: keep the snapshot and drop the entries it covers.
    public struct Storage: Hashable, Sendable {
        /// The last persisted hard state.
        public var hardState: HardState
        /// The latest snapshot, if the log was ever compacted or a snapshot installed.
        public var snapshot: Snapshot?
        /// The persisted entries that follow the snapshot, contiguous and in index order.
        public var entries: [Entry]

        /// Creates storage; the default is that of a node that never ran.
        public init(hardState: HardState = HardState(), snapshot: Snapshot? = nil, entries: [Entry] = []) {
            self.hardState = hardState
            self.snapshot = snapshot
            self.entries = entries
        }

        /// Applies what a `Ready` asked to persist, in the order the contract requires.
        public mutating func persist(_ ready: Ready) {
            if let snapshot = ready.snapshotToPersist {
                self.snapshot = snapshot
                entries.removeAll()
            }
            if let from = ready.persistFromIndex {
                entries.removeAll { $0.index >= from }
            }
            entries.append(contentsOf: ready.entriesToPersist)
            if let hardState = ready.hardState {
                self.hardState = hardState
            }
        }

        /// Mirrors a local compaction: keeps `snapshot` and drops the entries it covers.
        public mutating func compact(to snapshot: Snapshot) {
            guard snapshot.metadata.lastIncludedIndex > (self.snapshot?.metadata.lastIncludedIndex ?? 0) else { return }
            self.snapshot = snapshot
            entries.removeAll { $0.index <= snapshot.metadata.lastIncludedIndex }
        }
    }
}
