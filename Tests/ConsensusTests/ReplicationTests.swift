@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Consensus

@Suite("Raft log replication")
struct ReplicationTests {
    /// A three-node cluster in which node 1 leads and its no-op is committed everywhere.
    func clusterLedByOne(size: Int = 3, seed: UInt64 = 10,
                         options: Raft.Options = RaftCluster.defaultOptions) -> RaftCluster {
        var cluster = RaftCluster(size: size, seed: seed, options: options)
        cluster.campaign(1)
        cluster.tick(2)
        return cluster
    }

    @Test("proposals commit on every node, in order")
    func proposalsCommitEverywhere() {
        var cluster = clusterLedByOne()
        for value in UInt64(1)...5 {
            #expect(cluster.propose(value, on: 1) == .accepted(index: value + 1, term: 1))
        }
        cluster.stabilize()
        cluster.tick(2)
        for id in cluster.ids {
            #expect(cluster.applied[id] == [1, 2, 3, 4, 5])
            #expect(cluster.nodes[id]?.commitIndex == 6)
        }
    }

    @Test("a follower answers a proposal with notLeader and the leader it knows")
    func proposalOnFollower() {
        var cluster = clusterLedByOne()
        #expect(cluster.propose(1, on: 2) == .notLeader(leaderHint: 1))
        let fresh = RaftCluster(size: 3, seed: 11)
        var lonely = fresh.nodes[3]!
        #expect(lonely.propose([1]) == .notLeader(leaderHint: nil))
    }

    @Test("proposals are bounded by the uncommitted entries a leader holds")
    func boundedProposals() {
        var cluster = clusterLedByOne(options: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 2,
                                                            maxUncommittedEntries: 4))
        cluster.isolate(1)
        for value in UInt64(1)...4 {
            #expect(cluster.propose(value, on: 1) == .accepted(index: value + 1, term: 1))
        }
        #expect(cluster.propose(5, on: 1) == .dropped)
        cluster.heal()
        cluster.tick(2)
        #expect(cluster.nodes[1]?.commitIndex == 5)
        #expect(cluster.propose(6, on: 1) == .accepted(index: 6, term: 1))
    }

    @Test("a partitioned leader steps down by check-quorum and its proposals never commit")
    func staleLeaderStepsDown() {
        var cluster = clusterLedByOne(size: 5)
        cluster.isolate(1)
        #expect(cluster.propose(99, on: 1) == .accepted(index: 2, term: 1))
        cluster.tick(2 * cluster.options.electionTimeoutTicks + 1)
        #expect(cluster.nodes[1]?.role == .follower)
        #expect(cluster.nodes[1]?.commitIndex == 1)
        #expect(cluster.nodes[1]?.term == 1)
        // The majority side elected a leader of a later term meanwhile.
        let newLeader = cluster.leader
        #expect(newLeader != nil && newLeader != 1)
        #expect((newLeader.flatMap { cluster.nodes[$0]?.term } ?? 0) >= 2)
        #expect(cluster.violations.isEmpty)
    }

    @Test("a rejoining stale leader adopts the new term and its uncommitted entries are overwritten")
    func staleLeaderRejoins() {
        var cluster = clusterLedByOne(size: 5)
        cluster.isolate(1)
        _ = cluster.propose(99, on: 1)
        _ = cluster.propose(98, on: 1)
        for _ in 0..<100 where cluster.leader == 1 || cluster.leader == nil { cluster.tick() }
        guard let newLeader = cluster.leader, newLeader != 1 else {
            Issue.record("no new leader was elected")
            return
        }
        #expect(cluster.propose(7, on: newLeader) == .accepted(index: 3, term: cluster.nodes[newLeader]!.term))
        cluster.tick(2)
        cluster.heal()
        cluster.tick(3)
        let node1 = cluster.nodes[1]!
        #expect(node1.term == cluster.nodes[newLeader]!.term)
        #expect(node1.leader == newLeader)
        #expect(node1.entry(at: 2)?.kind == .noop)
        #expect(node1.entry(at: 3)?.payload == RaftCluster.encodeValues([7]))
        #expect(cluster.applied[1] == [7])
        #expect(cluster.logMatchingViolations().isEmpty)
        #expect(cluster.violations.isEmpty)
    }

    @Test("fast backtracking skips a long divergent suffix in one rejection per conflicting term")
    func fastBacktracking() {
        let common = (1...5).map { Raft.Entry(term: 1, index: $0, kind: .noop) }
        let leaderSuffix = (6...10).map { Raft.Entry(term: 3, index: $0, kind: .normal(payload: [UInt8($0)])) }
        let divergentSuffix = (6...55).map { Raft.Entry(term: 2, index: $0, kind: .normal(payload: [0xEE])) }
        let leaderStorage = Raft.Storage(hardState: Raft.HardState(term: 3, commitIndex: 5),
                                         entries: common + leaderSuffix)
        let laggingStorage = Raft.Storage(hardState: Raft.HardState(term: 2, commitIndex: 5),
                                          entries: common + divergentSuffix)
        var cluster = RaftCluster(size: 3, seed: 12,
                                  storages: [1: leaderStorage, 2: leaderStorage, 3: laggingStorage])
        cluster.campaign(1)
        cluster.tick(2)
        #expect(cluster.nodes[1]?.role == .leader)
        let rejections = cluster.delivered.filter { envelope in
            guard envelope.from == 3, case .appendEntriesResponse(_, false, _, _, _, _) = envelope.message else {
                return false
            }
            return true
        }
        let appends = cluster.delivered.filter { envelope in
            guard envelope.to == 3, case .appendEntries(_, _, _, let entries, _) = envelope.message else { return false }
            return !entries.isEmpty
        }
        // One rejection (the follower's term 2 is unknown to the leader) instead of fifty.
        #expect(rejections.count == 1)
        #expect(appends.count <= 3)
        #expect(cluster.nodes[3]?.lastIndex == 11)
        #expect(cluster.nodes[3]?.entry(at: 10) == cluster.nodes[1]?.entry(at: 10))
        #expect(cluster.nodes[3]?.commitIndex == 11)
        #expect(cluster.logMatchingViolations().isEmpty)
    }

    @Test("backtracking uses the leader's last entry of the follower's conflicting term")
    func backtrackingWithSharedTerm() {
        let common = (1...3).map { Raft.Entry(term: 1, index: $0, kind: .noop) }
        let leaderLog = common + (4...6).map { Raft.Entry(term: 2, index: $0, kind: .noop) }
            + (7...9).map { Raft.Entry(term: 4, index: $0, kind: .noop) }
        let followerLog = common + (4...8).map { Raft.Entry(term: 2, index: $0, kind: .noop) }
            + (9...30).map { Raft.Entry(term: 3, index: $0, kind: .noop) }
        var cluster = RaftCluster(size: 3, seed: 13, storages: [
            1: Raft.Storage(hardState: Raft.HardState(term: 4, commitIndex: 3), entries: leaderLog),
            2: Raft.Storage(hardState: Raft.HardState(term: 4, commitIndex: 3), entries: leaderLog),
            3: Raft.Storage(hardState: Raft.HardState(term: 3, commitIndex: 3), entries: followerLog),
        ])
        cluster.campaign(1)
        cluster.tick(2)
        let rejections = cluster.delivered.filter { envelope in
            guard envelope.from == 3, case .appendEntriesResponse(_, false, _, _, _, _) = envelope.message else {
                return false
            }
            return true
        }
        #expect(rejections.count <= 2)
        #expect(cluster.nodes[3]?.lastIndex == cluster.nodes[1]?.lastIndex)
        #expect(cluster.logMatchingViolations().isEmpty)
    }

    @Test("Figure 8: an old-term entry on a majority is not committed by counting replicas")
    func onlyCurrentTermEntriesCommitByCounting() {
        // S1 led term 2 and put (2, t2) on S2; S5 led term 3 and put (2, t3) only on itself.
        let first = Raft.Entry(term: 1, index: 1, kind: .noop)
        let termTwo = Raft.Entry(term: 2, index: 2, kind: .normal(payload: RaftCluster.encodeValues([2])))
        let termThree = Raft.Entry(term: 3, index: 2, kind: .normal(payload: RaftCluster.encodeValues([3])))
        let state = Raft.HardState(term: 3, commitIndex: 1)
        var cluster = RaftCluster(size: 5, seed: 14, options: Raft.Options(electionTimeoutTicks: 10,
                                                                           heartbeatIntervalTicks: 2,
                                                                           checkQuorum: false), storages: [
            1: Raft.Storage(hardState: state, entries: [first, termTwo]),
            2: Raft.Storage(hardState: state, entries: [first, termTwo]),
            3: Raft.Storage(hardState: state, entries: [first]),
            4: Raft.Storage(hardState: state, entries: [first]),
            5: Raft.Storage(hardState: state, entries: [first, termThree]),
        ])
        // S1 wins term 4 (S2, S3, S4 vote for it), but everything it sends next is lost.
        cluster.nodes[1]?.campaign(preVote: false, leadershipTransfer: false)
        cluster.processReadies()
        let voteRequests = cluster.network
        cluster.network.removeAll()
        for envelope in voteRequests { cluster.deliver(envelope) }
        cluster.processReadies()
        let votes = cluster.network
        cluster.network.removeAll()
        for envelope in votes { cluster.deliver(envelope) }
        #expect(cluster.nodes[1]?.role == .leader)
        #expect(cluster.nodes[1]?.term == 4)
        cluster.processReadies()
        cluster.network.removeAll()
        // S3 now stores (2, t2) as well: a majority (S1, S2, S3) holds it, yet it must not commit.
        var stepped = cluster
        stepped.nodes[3]?.step(Raft.Envelope(from: 1, to: 3, message: .appendEntries(
            term: 4, prevLogIndex: 1, prevLogTerm: 1, entries: [termTwo], leaderCommit: 1)))
        stepped.processReadies()
        let acknowledgements = stepped.network.filter { $0.to == 1 }
        stepped.network.removeAll()
        stepped.nodes[1]?.step(Raft.Envelope(from: 2, to: 1, message: .appendEntriesResponse(
            term: 4, success: true, matchIndex: 2, rejectedIndex: 0, conflictTerm: nil, conflictIndex: 0)))
        for envelope in acknowledgements { stepped.deliver(envelope) }
        stepped.processReadies()
        #expect(stepped.nodes[1]?.commitIndex == 1)

        // Why: if S1 crashes now, S5 (last term 3) can win term 5 and overwrite index 2 everywhere.
        var overwritten = stepped
        overwritten.network.removeAll()
        overwritten.crash(1)
        overwritten.nodes[5]?.campaign(preVote: false, leadershipTransfer: false)
        overwritten.stabilize()
        #expect(overwritten.nodes[5]?.role == .leader)
        overwritten.tick(2)
        for id: Raft.NodeID in [2, 3, 4, 5] {
            #expect(overwritten.nodes[id]?.entry(at: 2) == termThree)
        }

        // Once S1's no-op of term 4 reaches a majority, index 2 commits with it.
        stepped.stabilize()
        stepped.tick(2)
        #expect(stepped.nodes[1]?.commitIndex == 3)
        #expect(stepped.applied[1] == [2])
        #expect(stepped.violations.isEmpty)
    }

    @Test("followers learn the commit index from leaderCommit, never past their last new entry")
    func followerCommitIsBoundedByLastNewEntry() {
        let entries = (1...3).map { Raft.Entry(term: 1, index: $0, kind: .noop) }
        var follower = Raft.Node(id: 2, configuration: Raft.Configuration(voters: [1, 2, 3]),
                                 generator: SeededGenerator(seed: 15),
                                 storage: Raft.Storage(hardState: Raft.HardState(term: 1), entries: entries))
        follower.step(Raft.Envelope(from: 1, to: 2, message: .appendEntries(
            term: 2, prevLogIndex: 1, prevLogTerm: 1, entries: [], leaderCommit: 9)))
        #expect(follower.commitIndex == 1)
        follower.step(Raft.Envelope(from: 1, to: 2, message: .appendEntries(
            term: 2, prevLogIndex: 1, prevLogTerm: 1, entries: [Raft.Entry(term: 2, index: 2, kind: .noop)],
            leaderCommit: 9)))
        // Entry 3 of term 1 conflicted with nothing sent, but was truncated with the conflicting 2.
        #expect(follower.lastIndex == 2)
        #expect(follower.commitIndex == 2)
        let ready = follower.ready()
        #expect(ready.persistFromIndex == 2)
        #expect(ready.committedEntries.map(\.index) == [1, 2])
    }
}
