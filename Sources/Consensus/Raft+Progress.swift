extension Raft {
    /// What a leader knows about replication to one follower.
    struct Progress: Sendable {
        /// How the leader currently sends entries to the follower.
        enum State: Hashable, Sendable {
            /// One AppendEntries at a time, until the follower's match point is found.
            case probe
            /// Entries streamed optimistically, up to `maxInflightAppends` messages in flight.
            case replicate
            /// A snapshot through `pendingIndex` was sent; waiting for its response.
            case snapshot(pendingIndex: UInt64)
        }

        /// The highest index known to be replicated on the follower.
        var matchIndex: UInt64 = 0
        /// The index of the next entry to send.
        var nextIndex: UInt64
        /// The sending mode.
        var state: State = .probe
        /// In probe state: a probe is outstanding, so no other is sent until a response or heartbeat.
        var probeSent = false
        /// In replicate state: the last index of every AppendEntries in flight, oldest first.
        var inflightLastIndexes: [UInt64] = []
        /// Whether the follower answered since the last check-quorum round.
        var recentActive = false
        /// In snapshot state: heartbeats since the snapshot was sent, to retry a lost one.
        var snapshotWaitTicks = 0

        /// Creates the progress of a follower, probing from `nextIndex`.
        init(nextIndex: UInt64) {
            self.nextIndex = nextIndex
        }

        /// Switches to probing from `nextIndex`, forgetting anything in flight.
        mutating func becomeProbe(nextIndex: UInt64) {
            state = .probe
            self.nextIndex = max(nextIndex, matchIndex + 1)
            probeSent = false
            inflightLastIndexes.removeAll()
        }

        /// Switches to streaming after the match point.
        mutating func becomeReplicate() {
            state = .replicate
            nextIndex = matchIndex + 1
            probeSent = false
            inflightLastIndexes.removeAll()
        }

        /// Records an acknowledged index; returns whether the match point moved.
        mutating func acknowledge(_ index: UInt64) -> Bool {
            inflightLastIndexes.removeAll { $0 <= index }
            probeSent = false
            guard index > matchIndex else { return false }
            matchIndex = index
            nextIndex = max(nextIndex, index + 1)
            return true
        }
    }
}
