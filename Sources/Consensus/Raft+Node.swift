public import LedgerPrimitives

extension Raft {
    /// One Raft participant as a pure state machine.
    ///
    /// Drive it with `tick()` (logical time), `step(_:)` (a message arrived) and `propose(_:)`;
    /// whenever `hasReady` is true, take `ready()`, persist, send, apply, then `advance(_:)`.
    /// It reads no clock, does no I/O and draws randomness only from the injected generator, so
    /// a run replays exactly from its inputs. Do not call `tick`, `step` or `propose` between
    /// `ready()` and the matching `advance(_:)`.
    public struct Node: Sendable {
        /// This node's identity.
        public let id: NodeID
        /// The voters of the cluster, this node included.
        public let configuration: Configuration
        /// Timers and bounds.
        public let options: Options

        /// The source of randomised election timeouts.
        var generator: SeededGenerator
        /// The latest term seen.
        public internal(set) var term: UInt64
        /// The candidate voted for in `term`.
        public internal(set) var votedFor: NodeID?
        /// The role this node plays.
        public internal(set) var role: Role = .follower
        /// The leader of `term` as far as this node knows.
        public internal(set) var leader: NodeID?
        /// The replicated log.
        var log: Log
        /// Per-follower replication state (leader only).
        var progress: [NodeID: Progress] = [:]
        /// Votes (or pre-votes) received in the current campaign.
        var votes: [NodeID: Bool] = [:]
        /// Ticks since the last election timeout reset (for a leader: since the last quorum check).
        var electionElapsedTicks = 0
        /// Ticks since the last heartbeat (leader only).
        var heartbeatElapsedTicks = 0
        /// This round's election timeout, drawn from `[min, 2 * min)`.
        var randomizedElectionTimeoutTicks: Int
        /// The node leadership is being handed to, if a transfer is under way (leader only).
        public internal(set) var leadTransferee: NodeID?
        /// The latest snapshot, sent to followers whose next entry was compacted away.
        public internal(set) var latestSnapshot: Snapshot?
        /// Messages waiting for the next `ready()`, bounded by `options.maxPendingMessages`.
        var outbox: [Envelope] = []
        /// The hard state handed out by the last `ready()` (or restored).
        var lastReadyHardState: HardState
        /// The soft state handed out by the last `ready()` (or at creation).
        var lastReadySoftState: SoftState

        /// Creates a node, restoring what it persisted before (empty storage for a new node).
        public init(id: NodeID, configuration: Configuration, options: Options = Options(),
                    generator: SeededGenerator, storage: Storage = Storage()) {
            precondition(configuration.contains(id), "a node must be one of the voters")
            self.id = id
            self.configuration = configuration
            self.options = options
            self.generator = generator
            self.term = storage.hardState.term
            self.votedFor = storage.hardState.votedFor
            self.log = Log(storage: storage)
            self.latestSnapshot = storage.snapshot
            self.randomizedElectionTimeoutTicks = options.electionTimeoutTicks
            self.lastReadyHardState = storage.hardState
            self.lastReadySoftState = SoftState(role: .follower, leader: nil, term: storage.hardState.term)
            resetTimers()
            lastReadyHardState = hardState
        }

        /// The highest committed index.
        public var commitIndex: UInt64 { log.commitIndex }
        /// The index of the last log entry.
        public var lastIndex: UInt64 { log.lastIndex }
        /// The term of the last log entry.
        public var lastTerm: UInt64 { log.lastTerm }
        /// The index of the first entry still held (entries before it are in the snapshot).
        public var firstIndex: UInt64 { log.firstIndex }
        /// The highest index the shell confirmed as applied.
        public var appliedIndex: UInt64 { log.appliedIndex }

        /// The entry at `index`, if the log still holds it.
        public func entry(at index: UInt64) -> Entry? { log.entry(at: index) }

        /// The current hard state.
        public var hardState: HardState {
            HardState(term: term, votedFor: votedFor, commitIndex: log.commitIndex)
        }

        /// The current soft state.
        public var softState: SoftState {
            SoftState(role: role, leader: leader, term: term)
        }

        /// The peers this node talks to (every voter but itself).
        var peers: [NodeID] { configuration.voters.filter { $0 != id } }

        // MARK: - Role changes

        /// Restarts the election and heartbeat timers and draws a new randomised timeout.
        mutating func resetTimers() {
            electionElapsedTicks = 0
            heartbeatElapsedTicks = 0
            let minimum = options.electionTimeoutTicks
            randomizedElectionTimeoutTicks = minimum + Int.random(in: 0..<minimum, using: &generator)
        }

        /// Becomes a follower of `newTerm`, knowing `newLeader` (or no leader yet).
        mutating func becomeFollower(term newTerm: UInt64, leader newLeader: NodeID?) {
            if newTerm != term {
                term = newTerm
                votedFor = nil
            }
            role = .follower
            leader = newLeader
            votes.removeAll()
            progress.removeAll()
            leadTransferee = nil
            resetTimers()
        }

        /// Becomes a pre-candidate: same term, no vote cast, asking whether it could win.
        mutating func becomePreCandidate() {
            precondition(role != .leader, "a leader does not campaign")
            role = .preCandidate
            leader = nil
            votes.removeAll()
            resetTimers()
        }

        /// Becomes a candidate of a new term, voting for itself.
        mutating func becomeCandidate() {
            precondition(role != .leader, "a leader does not campaign")
            term += 1
            votedFor = id
            role = .candidate
            leader = nil
            votes.removeAll()
            resetTimers()
        }

        /// Becomes leader of the current term and appends the no-op that lets it commit.
        mutating func becomeLeader() {
            precondition(role == .candidate, "only a candidate wins an election")
            role = .leader
            leader = id
            votes.removeAll()
            leadTransferee = nil
            resetTimers()
            progress.removeAll()
            for peer in peers {
                progress[peer] = Progress(nextIndex: log.lastIndex + 1)
            }
            log.append([Entry(term: term, index: log.lastIndex + 1, kind: .noop)])
            broadcastAppend()
        }

        /// Queues a message for the next `ready()`, dropping it when the outbox is full.
        mutating func send(_ message: Message, to peer: NodeID) {
            guard outbox.count < options.maxPendingMessages else { return }
            outbox.append(Envelope(from: id, to: peer, message: message))
        }
    }
}
