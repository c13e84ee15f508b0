import Consensus
import LedgerPrimitives
import NodeCore

/// An orderer's Raft log as the checkers see it: a live orderer's log in memory, a crashed one's
/// as persisted (what it restarts with).
struct CheckedLog {
    /// The index of the first entry held; entries below it are in the snapshot.
    var firstIndex: UInt64
    var lastIndex: UInt64
    var lastTerm: UInt64
    /// The entries from `firstIndex` through `lastIndex`.
    var entries: [Raft.Entry]

    init(core: OrdererCore) {
        let raft = core.raft
        firstIndex = raft.firstIndex
        lastIndex = raft.lastIndex
        lastTerm = raft.lastTerm
        entries = raft.firstIndex <= raft.lastIndex ? (raft.firstIndex...raft.lastIndex).compactMap(raft.entry(at:)) : []
    }

    init(storage: Raft.Storage) {
        let snapshot = storage.snapshot?.metadata
        let first = (snapshot?.lastIncludedIndex ?? 0) + 1
        firstIndex = first
        entries = storage.entries.filter { $0.index >= first }
        lastIndex = entries.last?.index ?? firstIndex - 1
        lastTerm = entries.last?.term ?? snapshot?.lastIncludedTerm ?? 0
    }

    /// The entry at `index`, if held.
    func entry(at index: UInt64) -> Raft.Entry? {
        guard index >= firstIndex, index <= lastIndex else { return nil }
        return entries[Int(index - firstIndex)]
    }

    /// Whether this log is at least as up to date as `other` (Raft's voting rule, §5.4.1).
    func isAtLeastAsUpToDate(as other: CheckedLog) -> Bool {
        lastTerm > other.lastTerm || (lastTerm == other.lastTerm && lastIndex >= other.lastIndex)
    }
}

extension Simulator {
    /// Orderer `index`'s log as it stands (live) or would restart (crashed).
    func checkedLog(_ index: Int) -> CheckedLog {
        if let core = orderers[index].core { return CheckedLog(core: core) }
        return CheckedLog(storage: orderers[index].storage)
    }

    /// Records the entries orderer `index` durably committed; no two orderers may commit
    /// different entries at one index (state machine safety).
    func recordCommitted(by index: Int, core: OrdererCore) throws {
        let commitIndex = orderers[index].storage.hardState.commitIndex
        guard commitIndex > recordedCommitIndex[index] else { return }
        var newTerms: [UInt64] = []
        for entryIndex in (recordedCommitIndex[index] + 1)...commitIndex {
            guard let entry = core.raft.entry(at: entryIndex) else { continue }
            if let known = committedEntries[entryIndex] {
                guard known == entry else {
                    throw fail("state machine safety", "orderer\(index) committed index \(entryIndex) as an entry of term "
                               + "\(entry.term), another orderer committed it as one of term \(known.term)")
                }
            } else {
                committedEntries[entryIndex] = entry
                newTerms.append(entry.term)
            }
        }
        recordedCommitIndex[index] = commitIndex
        highestCommittedIndex = max(highestCommittedIndex, commitIndex)
        if let first = newTerms.min(), let last = newTerms.last, first < last {
            coverage.record(.olderTermEntriesCommittedThroughNewerEntry)
        }
    }

    /// Leader completeness, checked before any election: every orderer whose log is at least as
    /// up to date as a majority's (so it could win one) holds every committed entry.
    func checkElectableOrderersHoldCommitted() throws {
        let committedIndex = highestCommittedIndex
        guard committedIndex > 0, let committed = committedEntries[committedIndex] else { return }
        let logs = orderers.indices.map(checkedLog)
        let quorum = options.orderers / 2 + 1
        for (index, log) in logs.enumerated() where committedIndex >= log.firstIndex {
            guard log.entry(at: committedIndex) != committed else { continue }
            let voters = logs.count { log.isAtLeastAsUpToDate(as: $0) }
            guard voters >= quorum else { continue }
            let role = orderers[index].core?.raft.role == .leader ? "leads term \(orderers[index].core!.raft.term)"
                : "could win an election (its log is at least as up to date as \(voters) orderers')"
            throw fail("leader completeness", "orderer\(index) \(role) but lacks committed entry \(committedIndex) "
                       + "of term \(committed.term) (its log ends at index \(log.lastIndex), term \(log.lastTerm))")
        }
    }

    /// Log matching: two logs that hold an entry of the same index and term hold the same entries
    /// up to it.
    func checkLogMatching() throws {
        let logs = orderers.indices.map(checkedLog)
        for a in logs.indices {
            for b in logs.indices where b > a {
                let low = max(logs[a].firstIndex, logs[b].firstIndex)
                let high = min(logs[a].lastIndex, logs[b].lastIndex)
                guard low <= high else { continue }
                // The highest index where both hold an entry of the same term, once found.
                var matched: (index: UInt64, term: UInt64)?
                for index in stride(from: high, through: low, by: -1) {
                    let first = logs[a].entry(at: index)!, second = logs[b].entry(at: index)!
                    if let matched {
                        guard first == second else {
                            throw fail("log matching", "orderer\(a) and orderer\(b) both hold index \(matched.index) of term "
                                       + "\(matched.term) but differ at index \(index) (terms \(first.term) and \(second.term))")
                        }
                    } else if first.term == second.term {
                        guard first == second else {
                            throw fail("log matching", "orderer\(a) and orderer\(b) hold different entries of term "
                                       + "\(first.term) at index \(index)")
                        }
                        matched = (index, first.term)
                    }
                }
            }
        }
    }

    /// A leader's first sight: leader completeness, and whether it took over while a minority
    /// held uncommitted entries of older terms that it lacks.
    func checkNewLeader(_ index: Int) throws {
        try checkElectableOrderersHoldCommitted()
        let leaderLog = checkedLog(index)
        let term = orderers[index].core?.raft.term ?? 0
        let olderEntriesElsewhere = orderers.indices.contains { other in
            guard other != index else { return false }
            let log = checkedLog(other)
            return log.entries.contains { entry in
                entry.index > highestCommittedIndex && entry.term < term && leaderLog.entry(at: entry.index) != entry
            }
        }
        if olderEntriesElsewhere { coverage.record(.leaderChangeWithOlderTermEntriesOnMinority) }
    }

    /// Checks around delivering a Raft message: a node adopts a higher term from any append,
    /// snapshot or answer, and a leader that sees one steps down (§5.1); counts stale and
    /// reordered cross-term deliveries.
    func stepRaft(_ envelope: Raft.Envelope, from sender: Int, into index: Int) throws {
        let before = orderers[index].core!.raft
        let messageTerm = envelope.message.term
        if messageTerm < before.term { coverage.record(.staleTermMessageDelivered) }
        let link = sender * 64 + index
        if let highest = highestTermOnLink[link], messageTerm < highest { coverage.record(.crossTermReorderingDelivered) }
        highestTermOnLink[link] = max(highestTermOnLink[link] ?? 0, messageTerm)
        orderers[index].core!.step(envelope)
        let after = orderers[index].core!.raft
        guard messageTerm > before.term, envelope.to == after.id else { return }
        switch envelope.message {
        case .appendEntries, .installSnapshot, .appendEntriesResponse, .installSnapshotResponse:
            guard after.term >= messageTerm else {
                throw fail("a higher term is adopted", "orderer\(index) in term \(before.term) as \(before.role) kept its "
                           + "term after a message of term \(messageTerm) from orderer\(sender)")
            }
            if before.role == .leader {
                guard after.role != .leader else {
                    throw fail("a leader steps down on a higher term", "orderer\(index), leader of term \(before.term), "
                               + "still leads after a message of term \(messageTerm) from orderer\(sender)")
                }
                coverage.record(.leaderSteppedDownOnHigherTerm)
            }
        default:
            if before.role == .leader, after.role != .leader { coverage.record(.leaderSteppedDownOnHigherTerm) }
        }
    }

    /// Counts the settings this seed's swarm drew.
    func recordSwarmCoverage() {
        if swarm.maxEntriesPerAppend <= 2 { coverage.record(.smallAppendBatches) }
        if !swarm.preVote { coverage.record(.withoutPreVote) }
        if !swarm.checkQuorum { coverage.record(.withoutCheckQuorum) }
        coverage.record(.skewedClock, times: swarm.clockRatesPermille.count { $0 != 1_000 })
    }
}
