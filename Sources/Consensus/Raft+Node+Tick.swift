extension Raft.Node {
    /// Advances logical time by one tick: election timeouts, heartbeats, check-quorum.
    public mutating func tick() {
        electionElapsedTicks += 1
        switch role {
        case .leader:
            tickLeader()
        case .follower, .preCandidate, .candidate:
            if electionElapsedTicks >= randomizedElectionTimeoutTicks {
                electionElapsedTicks = 0
                campaign(preVote: options.preVote, leadershipTransfer: false)
            }
        }
    }

    /// The leader's timers: a quorum check (and transfer abort) every election timeout, heartbeats.
    private mutating func tickLeader() {
        heartbeatElapsedTicks += 1
        if electionElapsedTicks >= options.electionTimeoutTicks {
            electionElapsedTicks = 0
            if options.checkQuorum {
                let active = 1 + progress.values.filter(\.recentActive).count
                if active < configuration.quorum {
                    becomeFollower(term: term, leader: nil)
                    return
                }
                for peer in progress.keys { progress[peer]?.recentActive = false }
            }
            // A transfer that has not finished within an election timeout is abandoned.
            leadTransferee = nil
        }
        if heartbeatElapsedTicks >= options.heartbeatIntervalTicks {
            heartbeatElapsedTicks = 0
            broadcastHeartbeat()
        }
    }
}
