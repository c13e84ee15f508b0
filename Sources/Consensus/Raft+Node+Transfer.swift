extension Raft.Node {
    /// Asks this leader to hand leadership to `target` (for example before it leaves).
    ///
    /// The leader stops accepting proposals, brings `target` up to date, then sends it
    /// `timeoutNow` so that it campaigns at once, skipping pre-vote and the voters' leader lease.
    /// The transfer is abandoned if it has not finished within an election timeout. Ignored on a
    /// non-leader, for an unknown target, or for the leader itself.
    public mutating func transferLeadership(to target: Raft.NodeID) {
        guard role == .leader, target != id, configuration.contains(target), leadTransferee != target else { return }
        leadTransferee = target
        electionElapsedTicks = 0
        if progress[target]?.matchIndex == log.lastIndex {
            send(.timeoutNow(term: term), to: target)
        } else {
            replicate(to: target, heartbeat: true)
        }
    }

    /// Sends `timeoutNow` once the transfer target holds the whole log.
    mutating func finishTransferIfReady(to peer: Raft.NodeID) {
        guard leadTransferee == peer, progress[peer]?.matchIndex == log.lastIndex else { return }
        send(.timeoutNow(term: term), to: peer)
    }
}
