extension Raft.Node {
    // MARK: - Leader: proposing and sending

    /// Proposes an application payload; only a leader that is not handing over accepts it.
    public mutating func propose(_ payload: [UInt8]) -> Raft.ProposeResult {
        guard role == .leader else { return .notLeader(leaderHint: leader) }
        guard leadTransferee == nil else { return .transferring }
        guard log.lastIndex - log.commitIndex < UInt64(options.maxUncommittedEntries) else { return .dropped }
        let entry = Raft.Entry(term: term, index: log.lastIndex + 1, kind: .normal(payload: payload))
        log.append([entry])
        broadcastAppend()
        return .accepted(index: entry.index, term: entry.term)
    }

    /// Sends new entries to every follower that can take them now.
    mutating func broadcastAppend() {
        for peer in peers { replicate(to: peer, heartbeat: false) }
        if peers.isEmpty { _ = maybeCommit() }
    }

    /// Sends every follower at least one AppendEntries, which also carries the commit index.
    mutating func broadcastHeartbeat() {
        for peer in peers { replicate(to: peer, heartbeat: true) }
    }

    /// Sends `peer` what its progress allows: a probe, a stream of entries, or a snapshot.
    ///
    /// With `heartbeat`, exactly one message goes out even when nothing new is to be sent: in
    /// probe state the probe is repeated (it may have been lost); in replicate state an empty
    /// AppendEntries at the stream's end reveals lost messages through its rejection.
    mutating func replicate(to peer: Raft.NodeID, heartbeat: Bool) {
        guard var peerProgress = progress[peer] else { return }
        defer { progress[peer] = peerProgress }
        switch peerProgress.state {
        case .snapshot:
            guard heartbeat else { return }
            peerProgress.snapshotWaitTicks += options.heartbeatIntervalTicks
            guard peerProgress.snapshotWaitTicks >= options.electionTimeoutTicks else { return }
            // The snapshot (or its answer) was probably lost: probe again, which resends it if needed.
            peerProgress.becomeProbe(nextIndex: peerProgress.matchIndex + 1)
            sendProbe(to: peer, progress: &peerProgress)
        case .probe:
            if heartbeat { peerProgress.probeSent = false }
            guard !peerProgress.probeSent else { return }
            sendProbe(to: peer, progress: &peerProgress)
        case .replicate:
            var sentAny = false
            // Bounded by the inflight window: every pass adds one inflight message or stops.
            while peerProgress.inflightLastIndexes.count < options.maxInflightAppends,
                  peerProgress.nextIndex <= log.lastIndex
            {
                guard sendEntries(to: peer, progress: &peerProgress) else { return }
                sentAny = true
            }
            if heartbeat && !sentAny {
                let prevIndex = peerProgress.nextIndex - 1
                guard let prevTerm = log.term(at: prevIndex) else {
                    sendSnapshot(to: peer, progress: &peerProgress)
                    return
                }
                send(.appendEntries(term: term, prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries: [],
                                    leaderCommit: log.commitIndex), to: peer)
            }
        }
    }

    /// Sends one probing AppendEntries (or a snapshot when the needed entries are compacted).
    private mutating func sendProbe(to peer: Raft.NodeID, progress peerProgress: inout Raft.Progress) {
        if sendEntries(to: peer, progress: &peerProgress), peerProgress.state == .probe {
            peerProgress.probeSent = true
        }
    }

    /// Sends entries from the peer's next index; in replicate state they count as inflight.
    ///
    /// Falls back to a snapshot when the previous entry is compacted; returns false then.
    private mutating func sendEntries(to peer: Raft.NodeID, progress peerProgress: inout Raft.Progress) -> Bool {
        let prevIndex = peerProgress.nextIndex - 1
        guard let prevTerm = log.term(at: prevIndex) else {
            sendSnapshot(to: peer, progress: &peerProgress)
            return false
        }
        let entries = log.entries(from: peerProgress.nextIndex, through: log.lastIndex,
                                  maxCount: options.maxEntriesPerAppend)
        send(.appendEntries(term: term, prevLogIndex: prevIndex, prevLogTerm: prevTerm, entries: entries,
                            leaderCommit: log.commitIndex), to: peer)
        if peerProgress.state == .replicate, let last = entries.last {
            peerProgress.nextIndex = last.index + 1
            peerProgress.inflightLastIndexes.append(last.index)
        }
        return true
    }

    /// Sends the latest snapshot and waits for its answer before sending anything else.
    private mutating func sendSnapshot(to peer: Raft.NodeID, progress peerProgress: inout Raft.Progress) {
        guard let snapshot = latestSnapshot else {
            preconditionFailure("entries were compacted without a snapshot")
        }
        send(.installSnapshot(term: term, snapshot: snapshot), to: peer)
        peerProgress.state = .snapshot(pendingIndex: snapshot.metadata.lastIncludedIndex)
        peerProgress.snapshotWaitTicks = 0
        peerProgress.inflightLastIndexes.removeAll()
    }

    // MARK: - Leader: handling answers

    /// A follower holds the leader's log through `matchIndex`.
    mutating func handleAppendAccepted(from peer: Raft.NodeID, matchIndex: UInt64) {
        guard var peerProgress = progress[peer] else { return }
        let moved = peerProgress.acknowledge(matchIndex)
        switch peerProgress.state {
        case .probe:
            peerProgress.becomeReplicate()
        case .snapshot(let pendingIndex) where peerProgress.matchIndex >= pendingIndex:
            peerProgress.becomeReplicate()
        default:
            break
        }
        progress[peer] = peerProgress
        if moved, maybeCommit() {
            broadcastCommit()
        }
        replicate(to: peer, heartbeat: false)
        finishTransferIfReady(to: peer)
    }

    /// A follower's log did not hold the previous entry; retry from where its hint points.
    mutating func handleAppendRejected(from peer: Raft.NodeID, rejectedIndex: UInt64, conflictTerm: UInt64?,
                                       conflictIndex: UInt64) {
        guard var peerProgress = progress[peer] else { return }
        // Answers to messages sent before the last reset of the stream are stale.
        guard rejectedIndex > peerProgress.matchIndex else { return }
        switch peerProgress.state {
        case .probe where rejectedIndex != peerProgress.nextIndex - 1:
            return
        case .snapshot:
            return
        default:
            break
        }
        var retryIndex = conflictIndex
        if let conflictTerm, let found = log.lastIndex(ofTerm: conflictTerm, atOrBelow: rejectedIndex) {
            // The leader has the follower's conflicting term: resume after its last entry of it.
            retryIndex = found + 1
        }
        retryIndex = min(retryIndex, rejectedIndex)
        peerProgress.becomeProbe(nextIndex: retryIndex)
        progress[peer] = peerProgress
        replicate(to: peer, heartbeat: false)
    }

    /// A follower installed (or already had) a snapshot through `matchIndex`.
    mutating func handleSnapshotResponse(from peer: Raft.NodeID, matchIndex: UInt64) {
        guard var peerProgress = progress[peer] else { return }
        let moved = peerProgress.acknowledge(matchIndex)
        peerProgress.becomeProbe(nextIndex: peerProgress.matchIndex + 1)
        progress[peer] = peerProgress
        if moved, maybeCommit() {
            broadcastCommit()
        }
        replicate(to: peer, heartbeat: false)
        finishTransferIfReady(to: peer)
    }

    /// Tells followers about a new commit index without waiting for the next heartbeat.
    ///
    /// Unlike a heartbeat it does not repeat an outstanding probe, which is still on its way.
    mutating func broadcastCommit() {
        for peer in peers {
            guard let peerProgress = progress[peer] else { continue }
            switch peerProgress.state {
            case .replicate:
                replicate(to: peer, heartbeat: true)
            case .probe where !peerProgress.probeSent:
                replicate(to: peer, heartbeat: false)
            case .probe, .snapshot:
                break
            }
        }
    }

    /// Commits the highest index of the current term stored on a majority; returns whether it moved.
    ///
    /// The leader counts itself only for entries its shell confirmed as persisted.
    mutating func maybeCommit() -> Bool {
        var matches = progress.values.map(\.matchIndex)
        matches.append(min(log.stableIndex, log.lastIndex))
        matches.sort(by: >)
        let candidate = matches[configuration.quorum - 1]
        // Entries of earlier terms commit only indirectly, with one of the current term (§5.4.2).
        guard candidate > log.commitIndex, log.term(at: candidate) == term else { return false }
        log.commit(to: candidate)
        return true
    }

    // MARK: - Follower

    /// Checks and appends a leader's entries, and answers with a match or a backtracking hint.
    mutating func handleAppendEntries(from leaderID: Raft.NodeID, prevLogIndex: UInt64, prevLogTerm: UInt64,
                                      entries: [Raft.Entry], leaderCommit: UInt64) {
        if prevLogIndex < log.commitIndex {
            // Everything through the commit index already matches the leader.
            send(.appendEntriesResponse(term: term, success: true, matchIndex: log.commitIndex, rejectedIndex: 0,
                                        conflictTerm: nil, conflictIndex: 0), to: leaderID)
            return
        }
        if let lastNewIndex = log.tryAppend(prevIndex: prevLogIndex, prevTerm: prevLogTerm, newEntries: entries) {
            log.commit(to: min(leaderCommit, lastNewIndex))
            send(.appendEntriesResponse(term: term, success: true, matchIndex: lastNewIndex, rejectedIndex: 0,
                                        conflictTerm: nil, conflictIndex: 0), to: leaderID)
            return
        }
        let conflictTerm: UInt64?
        let conflictIndex: UInt64
        if prevLogIndex > log.lastIndex {
            conflictTerm = nil
            conflictIndex = log.lastIndex + 1
        } else {
            conflictTerm = log.term(at: prevLogIndex)
            conflictIndex = log.firstIndex(ofTermAt: prevLogIndex, floor: log.commitIndex + 1)
        }
        send(.appendEntriesResponse(term: term, success: false, matchIndex: 0, rejectedIndex: prevLogIndex,
                                    conflictTerm: conflictTerm, conflictIndex: conflictIndex), to: leaderID)
    }

    /// Installs a leader's snapshot unless the log already covers it.
    mutating func handleInstallSnapshot(from leaderID: Raft.NodeID, snapshot: Raft.Snapshot) {
        let metadata = snapshot.metadata
        if metadata.lastIncludedIndex <= log.commitIndex {
            send(.installSnapshotResponse(term: term, matchIndex: log.commitIndex), to: leaderID)
            return
        }
        if log.term(at: metadata.lastIncludedIndex) == metadata.lastIncludedTerm {
            // The log already holds the snapshot's last entry: keep it and what follows.
            log.commit(to: metadata.lastIncludedIndex)
        } else {
            log.restore(snapshot)
            latestSnapshot = snapshot
        }
        send(.installSnapshotResponse(term: term, matchIndex: metadata.lastIncludedIndex), to: leaderID)
    }
}
