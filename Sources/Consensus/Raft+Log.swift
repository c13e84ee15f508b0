extension Raft {
    /// A node's view of the replicated log: the snapshot it starts from, the entries after it,
    /// and how far they are committed, persisted and applied.
    struct Log: Sendable {
        /// The prefix of the log replaced by a snapshot (index and term 0 when there is none).
        private(set) var snapshotMetadata: SnapshotMetadata
        /// The entries after the snapshot, contiguous and in index order.
        private(set) var entries: [Entry]
        /// The highest index known to be committed.
        private(set) var commitIndex: UInt64
        /// The highest index the shell confirmed as applied (through `advance`).
        var appliedIndex: UInt64
        /// The highest committed index already handed to the shell for applying.
        var applyingIndex: UInt64
        /// The highest index the shell confirmed as persisted.
        var stableIndex: UInt64
        /// The lowest index not yet handed to the shell for persisting.
        var unstableFromIndex: UInt64
        /// A snapshot received from the leader and not yet handed to the shell.
        var pendingSnapshot: Snapshot?

        /// Restores the log from persisted state.
        init(storage: Storage) {
            let metadata = storage.snapshot?.metadata ?? SnapshotMetadata(lastIncludedIndex: 0, lastIncludedTerm: 0)
            snapshotMetadata = metadata
            entries = storage.entries.filter { $0.index > metadata.lastIncludedIndex }
            for (offset, entry) in entries.enumerated() {
                precondition(entry.index == metadata.lastIncludedIndex + UInt64(offset) + 1,
                             "persisted entries must be contiguous after the snapshot")
            }
            let last = metadata.lastIncludedIndex + UInt64(entries.count)
            commitIndex = min(max(storage.hardState.commitIndex, metadata.lastIncludedIndex), last)
            appliedIndex = metadata.lastIncludedIndex
            applyingIndex = metadata.lastIncludedIndex
            stableIndex = last
            unstableFromIndex = last + 1
        }

        /// The index of the first entry still held (one past the snapshot).
        var firstIndex: UInt64 { snapshotMetadata.lastIncludedIndex + 1 }

        /// The index of the last entry (the snapshot's when no entries follow it).
        var lastIndex: UInt64 { snapshotMetadata.lastIncludedIndex + UInt64(entries.count) }

        /// The term of the last entry.
        var lastTerm: UInt64 { entries.last?.term ?? snapshotMetadata.lastIncludedTerm }

        /// The term of the entry at `index`, or `nil` when it is compacted away or not yet there.
        func term(at index: UInt64) -> UInt64? {
            if index == snapshotMetadata.lastIncludedIndex { return snapshotMetadata.lastIncludedTerm }
            guard index >= firstIndex, index <= lastIndex else { return nil }
            return entries[Int(index - firstIndex)].term
        }

        /// The entry at `index`, if it is held.
        func entry(at index: UInt64) -> Entry? {
            guard index >= firstIndex, index <= lastIndex else { return nil }
            return entries[Int(index - firstIndex)]
        }

        /// Up to `maxCount` entries from `start` through `end` (both inclusive, clamped to the log).
        func entries(from start: UInt64, through end: UInt64, maxCount: Int) -> [Entry] {
            let lower = max(start, firstIndex)
            let upper = min(end, lastIndex, lower &+ UInt64(max(maxCount, 1)) &- 1)
            guard lower <= upper else { return [] }
            return Array(entries[Int(lower - firstIndex)...Int(upper - firstIndex)])
        }

        /// Entries not yet handed to the shell for persisting.
        var unstableEntries: [Entry] {
            entries(from: unstableFromIndex, through: lastIndex, maxCount: Int.max)
        }

        /// Whether a log ending at (`lastLogIndex`, `lastLogTerm`) is at least as up to date as this one.
        func isUpToDate(lastLogIndex: UInt64, lastLogTerm: UInt64) -> Bool {
            lastLogTerm > lastTerm || (lastLogTerm == lastTerm && lastLogIndex >= lastIndex)
        }

        /// The highest index at or below `index` whose term is `term`, if the log holds one.
        ///
        /// Terms never decrease along the log, so the walk stops at the first smaller term.
        func lastIndex(ofTerm term: UInt64, atOrBelow index: UInt64) -> UInt64? {
            var cursor = min(index, lastIndex)
            while cursor >= snapshotMetadata.lastIncludedIndex, let found = self.term(at: cursor) {
                if found == term { return cursor }
                if found < term || cursor == 0 { return nil }
                cursor -= 1
            }
            return nil
        }

        /// The first index of the run of entries sharing the term at `index`, not below `floor`.
        func firstIndex(ofTermAt index: UInt64, floor: UInt64) -> UInt64 {
            guard let wanted = term(at: index) else { return index }
            var cursor = index
            while cursor > max(floor, firstIndex), term(at: cursor - 1) == wanted {
                cursor -= 1
            }
            return cursor
        }

        /// Appends entries a leader created; they must continue the log.
        mutating func append(_ newEntries: [Entry]) {
            for entry in newEntries {
                precondition(entry.index == lastIndex + 1, "appended entries must continue the log")
                entries.append(entry)
            }
        }

        /// Appends a leader's entries after checking that the log holds (`prevIndex`, `prevTerm`).
        ///
        /// Returns the index of the last new entry, or `nil` when the consistency check fails.
        /// Existing entries that conflict with new ones are dropped together with all that follow.
        mutating func tryAppend(prevIndex: UInt64, prevTerm: UInt64, newEntries: [Entry]) -> UInt64? {
            guard term(at: prevIndex) == prevTerm else { return nil }
            let lastNewIndex = prevIndex + UInt64(newEntries.count)
            guard let conflict = newEntries.firstIndex(where: { term(at: $0.index) != $0.term }) else {
                return lastNewIndex
            }
            let conflictIndex = newEntries[conflict].index
            precondition(conflictIndex > commitIndex, "a leader tried to overwrite a committed entry")
            truncate(from: conflictIndex)
            append(Array(newEntries[conflict...]))
            return lastNewIndex
        }

        /// Drops the entry at `index` and every entry after it.
        private mutating func truncate(from index: UInt64) {
            guard index <= lastIndex else { return }
            entries.removeLast(Int(lastIndex - index + 1))
            stableIndex = min(stableIndex, index - 1)
            unstableFromIndex = min(unstableFromIndex, index)
        }

        /// Raises the commit index to `index` (never lowers it, never past the last entry).
        mutating func commit(to index: UInt64) {
            let target = min(index, lastIndex)
            if target > commitIndex { commitIndex = target }
        }

        /// Replaces the whole log with a snapshot received from the leader.
        mutating func restore(_ snapshot: Snapshot) {
            let index = snapshot.metadata.lastIncludedIndex
            snapshotMetadata = snapshot.metadata
            entries.removeAll()
            commitIndex = index
            appliedIndex = index
            applyingIndex = index
            stableIndex = index
            unstableFromIndex = index + 1
            pendingSnapshot = snapshot
        }

        /// Drops every entry through `index`, which a local snapshot now stands for.
        mutating func compact(through index: UInt64) {
            guard index > snapshotMetadata.lastIncludedIndex, let term = term(at: index) else { return }
            entries.removeFirst(Int(index - snapshotMetadata.lastIncludedIndex))
            snapshotMetadata = SnapshotMetadata(lastIncludedIndex: index, lastIncludedTerm: term)
        }
    }
}
