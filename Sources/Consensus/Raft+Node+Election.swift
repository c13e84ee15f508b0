extension Raft.Node {
    /// Starts a (pre-)election: asks every peer for its (pre-)vote and counts its own.
    mutating func campaign(preVote: Bool, leadershipTransfer: Bool) {
        let voteTerm: UInt64
        if preVote {
            becomePreCandidate()
            voteTerm = term + 1
        } else {
            becomeCandidate()
            voteTerm = term
        }
        votes[id] = true
        if countVotes() { return }
        for peer in peers {
            send(.requestVote(term: voteTerm, lastLogIndex: log.lastIndex, lastLogTerm: log.lastTerm,
                              preVote: preVote, leadershipTransfer: leadershipTransfer), to: peer)
        }
    }

    /// Settles the campaign if a majority granted or refused; returns whether it was settled.
    private mutating func countVotes() -> Bool {
        let granted = votes.values.filter { $0 }.count
        let refused = votes.count - granted
        if granted >= configuration.quorum {
            if role == .preCandidate {
                campaign(preVote: false, leadershipTransfer: false)
            } else {
                becomeLeader()
            }
            return true
        }
        if refused >= configuration.quorum {
            becomeFollower(term: term, leader: nil)
            return true
        }
        return false
    }

    /// Decides on a (pre-)vote request whose term is at least the current one.
    mutating func handleVoteRequest(from candidate: Raft.NodeID, candidateTerm: UInt64, lastLogIndex: UInt64,
                                    lastLogTerm: UInt64, preVote: Bool) {
        let upToDate = log.isUpToDate(lastLogIndex: lastLogIndex, lastLogTerm: lastLogTerm)
        if preVote {
            // The term stays; a pre-vote is granted only for a future term and an up-to-date log.
            let granted = candidateTerm > term && upToDate
            send(.requestVoteResponse(term: granted ? candidateTerm : term, granted: granted, preVote: true),
                 to: candidate)
            return
        }
        let canVote = votedFor == candidate || (votedFor == nil && leader == nil)
        let granted = canVote && upToDate
        if granted {
            votedFor = candidate
            electionElapsedTicks = 0
        }
        send(.requestVoteResponse(term: term, granted: granted, preVote: false), to: candidate)
    }

    /// Counts a (pre-)vote for the campaign under way, if it belongs to it.
    mutating func handleVoteResponse(from voter: Raft.NodeID, responseTerm: UInt64, granted: Bool, preVote: Bool) {
        switch role {
        case .preCandidate where preVote:
            // Granted pre-votes carry term + 1; refusals carry the voter's (equal) term.
            guard responseTerm == (granted ? term + 1 : term) else { return }
        case .candidate where !preVote:
            guard responseTerm == term else { return }
        default:
            return
        }
        votes[voter] = granted
        _ = countVotes()
    }
}
