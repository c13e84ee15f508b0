extension Raft.Node {
    /// Replaces the applied log prefix through `index` with the application's snapshot `data`.
    ///
    /// `index` must not exceed `appliedIndex`. Returns the snapshot, which the shell must also
    /// persist (`Raft.Storage.compact(to:)`), or `nil` when nothing was compacted. Followers
    /// whose next entry was compacted away are then sent this snapshot.
    @discardableResult
    public mutating func compact(through index: UInt64, snapshot data: [UInt8]) -> Raft.Snapshot? {
        guard index <= log.appliedIndex, index >= log.firstIndex, let term = log.term(at: index) else { return nil }
        let snapshot = Raft.Snapshot(metadata: Raft.SnapshotMetadata(lastIncludedIndex: index, lastIncludedTerm: term),
                                     data: data)
        log.compact(through: index)
        latestSnapshot = snapshot
        return snapshot
    }
}
