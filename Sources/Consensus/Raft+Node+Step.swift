extension Raft.Node {
    /// Processes one message addressed to this node.
    ///
    /// Messages from unknown nodes, from itself or for another node are ignored. A message of a
    /// higher term turns the node into a follower of that term, except for pre-vote traffic and
    /// vote requests that arrive while the node still hears from a live leader (the leader lease,
    /// with `checkQuorum`). Messages of a lower term are ignored, or answered so that their stale
    /// sender learns the newer term.
    public mutating func step(_ envelope: Raft.Envelope) {
        let from = envelope.from
        guard envelope.to == id, from != id, configuration.contains(from) else { return }
        let message = envelope.message
        if message.term > term {
            guard adoptHigherTerm(of: message, from: from) else { return }
        } else if message.term < term {
            answerStaleMessage(message, from: from)
            return
        }
        if role == .leader, progress[from] != nil {
            progress[from]?.recentActive = true
        }
        switch message {
        case .requestVote(let candidateTerm, let lastLogIndex, let lastLogTerm, let preVote, _):
            handleVoteRequest(from: from, candidateTerm: candidateTerm, lastLogIndex: lastLogIndex,
                              lastLogTerm: lastLogTerm, preVote: preVote)
        case .requestVoteResponse(let responseTerm, let granted, let preVote):
            handleVoteResponse(from: from, responseTerm: responseTerm, granted: granted, preVote: preVote)
        case .appendEntries(_, let prevLogIndex, let prevLogTerm, let entries, let leaderCommit):
            guard followLeader(from) else { return }
            handleAppendEntries(from: from, prevLogIndex: prevLogIndex, prevLogTerm: prevLogTerm,
                                entries: entries, leaderCommit: leaderCommit)
        case .installSnapshot(_, let snapshot):
            guard followLeader(from) else { return }
            handleInstallSnapshot(from: from, snapshot: snapshot)
        case .appendEntriesResponse(_, let success, let matchIndex, let rejectedIndex, let conflictTerm,
                                    let conflictIndex):
            guard role == .leader else { return }
            if success {
                handleAppendAccepted(from: from, matchIndex: matchIndex)
            } else {
                handleAppendRejected(from: from, rejectedIndex: rejectedIndex, conflictTerm: conflictTerm,
                                     conflictIndex: conflictIndex)
            }
        case .installSnapshotResponse(_, let matchIndex):
            guard role == .leader else { return }
            handleSnapshotResponse(from: from, matchIndex: matchIndex)
        case .timeoutNow:
            guard role != .leader else { return }
            campaign(preVote: false, leadershipTransfer: true)
        }
    }

    /// Handles a message of a higher term; returns whether it should still be processed.
    private mutating func adoptHigherTerm(of message: Raft.Message, from: Raft.NodeID) -> Bool {
        switch message {
        case .requestVote(_, _, _, let preVote, let leadershipTransfer):
            let leaseApplies = options.checkQuorum || preVote
            let inLease = leader != nil && electionElapsedTicks < options.electionTimeoutTicks
            if leaseApplies && inLease && !leadershipTransfer {
                return false
            }
            if !preVote {
                becomeFollower(term: message.term, leader: nil)
            }
            return true
        case .requestVoteResponse(_, let granted, let preVote) where preVote && granted:
            // A granted pre-vote carries the term the pre-candidate would campaign in.
            return true
        case .appendEntries, .installSnapshot:
            becomeFollower(term: message.term, leader: from)
            return true
        default:
            becomeFollower(term: message.term, leader: nil)
            return true
        }
    }

    /// Answers a message of an older term where that helps its sender catch up, else drops it.
    private mutating func answerStaleMessage(_ message: Raft.Message, from: Raft.NodeID) {
        switch message {
        case .appendEntries(_, let prevLogIndex, _, _, _):
            // A deposed leader learns the newer term and steps down.
            send(.appendEntriesResponse(term: term, success: false, matchIndex: 0, rejectedIndex: prevLogIndex,
                                        conflictTerm: nil, conflictIndex: 0), to: from)
        case .installSnapshot:
            send(.installSnapshotResponse(term: term, matchIndex: 0), to: from)
        case .requestVote(_, _, _, true, _):
            send(.requestVoteResponse(term: term, granted: false, preVote: true), to: from)
        default:
            break
        }
    }

    /// Accepts `leader` as the leader of the current term; returns false if this node leads it.
    private mutating func followLeader(_ sender: Raft.NodeID) -> Bool {
        guard role != .leader else { return false }
        if role != .follower || leader != sender {
            becomeFollower(term: term, leader: sender)
        }
        electionElapsedTicks = 0
        return true
    }
}
