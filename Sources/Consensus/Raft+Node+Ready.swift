extension Raft.Node {
    /// Whether `ready()` would hand out any work.
    public var hasReady: Bool {
        softState != lastReadySoftState
            || hardState != lastReadyHardState
            || log.pendingSnapshot != nil
            || log.unstableFromIndex <= log.lastIndex
            || !outbox.isEmpty
            || log.applyingIndex < log.commitIndex
    }

    /// Hands out what to persist, send and apply since the last call.
    ///
    /// Handle it in order (persist, send, apply) and then call `advance(_:)` with it, before
    /// calling `tick`, `step` or `propose` again.
    public mutating func ready() -> Raft.Ready {
        var ready = Raft.Ready()
        let currentSoftState = softState
        if currentSoftState != lastReadySoftState {
            ready.softState = currentSoftState
            lastReadySoftState = currentSoftState
        }
        let currentHardState = hardState
        if currentHardState != lastReadyHardState {
            ready.hardState = currentHardState
            lastReadyHardState = currentHardState
        }
        ready.snapshotToPersist = log.pendingSnapshot
        log.pendingSnapshot = nil
        ready.entriesToPersist = log.unstableEntries
        log.unstableFromIndex = log.lastIndex + 1
        ready.messages = outbox
        outbox.removeAll()
        ready.committedEntries = log.entries(from: log.applyingIndex + 1, through: log.commitIndex,
                                             maxCount: options.maxCommittedEntriesPerReady)
        if let last = ready.committedEntries.last {
            log.applyingIndex = last.index
        }
        return ready
    }

    /// Acknowledges that everything in `ready` was persisted, sent and applied.
    ///
    /// A leader counts its own log towards commitment only from here on, so a single-node
    /// cluster commits on `advance`.
    public mutating func advance(_ ready: Raft.Ready) {
        if let snapshot = ready.snapshotToPersist {
            log.stableIndex = max(log.stableIndex, snapshot.metadata.lastIncludedIndex)
            log.appliedIndex = max(log.appliedIndex, snapshot.metadata.lastIncludedIndex)
        }
        if let last = ready.entriesToPersist.last, log.term(at: last.index) == last.term {
            log.stableIndex = max(log.stableIndex, last.index)
        }
        if let last = ready.committedEntries.last {
            log.appliedIndex = max(log.appliedIndex, last.index)
        }
        if role == .leader, maybeCommit() {
            broadcastCommit()
        }
    }
}
