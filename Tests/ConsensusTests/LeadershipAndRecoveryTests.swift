@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Consensus

@Suite("Raft pre-vote, leader transfer, snapshots and restarts")
struct LeadershipAndRecoveryTests {
    func clusterLedByOne(size: Int = 3, seed: UInt64 = 20,
                         options: Raft.Options = RaftCluster.defaultOptions) -> RaftCluster {
        var cluster = RaftCluster(size: size, seed: seed, options: options)
        cluster.campaign(1)
        cluster.tick(2)
        return cluster
    }

    @Test("pre-vote keeps a partitioned node from bumping its term and disrupting the cluster")
    func preVotePreventsDisruption() {
        var cluster = clusterLedByOne()
        cluster.isolate(3)
        cluster.tick(5 * cluster.options.electionTimeoutTicks)
        #expect(cluster.nodes[3]?.term == 1)
        #expect(cluster.nodes[3]?.role == .preCandidate)
        cluster.heal()
        cluster.tick(3)
        #expect(cluster.nodes[1]?.role == .leader)
        for id in cluster.ids {
            #expect(cluster.nodes[id]?.term == 1)
            #expect(cluster.nodes[id]?.leader == 1)
        }
    }

    @Test("without pre-vote or check-quorum the same partition disrupts the cluster")
    func withoutPreVoteTheTermBumps() {
        var cluster = clusterLedByOne(options: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 2,
                                                            preVote: false, checkQuorum: false))
        cluster.isolate(3)
        cluster.tick(5 * cluster.options.electionTimeoutTicks)
        #expect((cluster.nodes[3]?.term ?? 0) > 1)
        cluster.heal()
        cluster.tick(3 * cluster.options.electionTimeoutTicks)
        // Node 1 was deposed by node 3's higher term.
        #expect((cluster.nodes[1]?.term ?? 0) > 1)
    }

    @Test("a follower within its leader's lease ignores vote requests (check-quorum)")
    func leaseIgnoresVoteRequests() {
        var cluster = clusterLedByOne()
        cluster.nodes[2]?.step(Raft.Envelope(from: 3, to: 2, message: .requestVote(
            term: 5, lastLogIndex: 100, lastLogTerm: 5, preVote: false, leadershipTransfer: false)))
        #expect(cluster.nodes[2]?.term == 1)
        #expect(cluster.nodes[2]?.votedFor == 1)
    }

    @Test("leadership moves to a target that was behind, which is caught up first")
    func leaderTransferToLaggingTarget() {
        var cluster = clusterLedByOne()
        cluster.isolate(3)
        for value in UInt64(1)...5 { cluster.propose(value, on: 1) }
        cluster.tick(2)
        #expect(cluster.nodes[3]?.lastIndex == 1)
        cluster.heal()
        cluster.nodes[1]?.transferLeadership(to: 3)
        #expect(cluster.propose(6, on: 1) == .transferring)
        cluster.stabilize()
        #expect(cluster.nodes[3]?.role == .leader)
        #expect(cluster.nodes[3]?.term == 2)
        #expect(cluster.nodes[1]?.role == .follower)
        #expect(cluster.nodes[1]?.leader == 3)
        cluster.tick(2)
        #expect(cluster.applied[3] == [1, 2, 3, 4, 5])
        #expect(cluster.propose(7, on: 3) == .accepted(index: 8, term: 2))
        #expect(cluster.violations.isEmpty)
    }

    @Test("a transfer to an unreachable target is abandoned after an election timeout")
    func leaderTransferAborts() {
        var cluster = clusterLedByOne()
        cluster.isolate(3)
        cluster.nodes[1]?.transferLeadership(to: 3)
        #expect(cluster.propose(1, on: 1) == .transferring)
        cluster.tick(cluster.options.electionTimeoutTicks)
        #expect(cluster.nodes[1]?.leadTransferee == nil)
        #expect(cluster.nodes[1]?.role == .leader)
        #expect(cluster.propose(1, on: 1) == .accepted(index: 2, term: 1))
    }

    @Test("a lagging follower catches up through a snapshot once the leader compacted its log")
    func snapshotCatchUp() {
        var cluster = clusterLedByOne()
        cluster.isolate(3)
        for value in UInt64(1)...20 { cluster.propose(value, on: 1) }
        cluster.tick(2)
        cluster.compact(1)
        cluster.compact(2)
        #expect(cluster.nodes[1]?.firstIndex == 22)
        cluster.heal()
        cluster.delivered.removeAll()
        cluster.tick(4)
        let snapshots = cluster.delivered.filter {
            if case .installSnapshot = $0.message { return $0.to == 3 }
            return false
        }
        #expect(snapshots.count == 1)
        #expect(cluster.nodes[3]?.firstIndex == 22)
        #expect(cluster.applied[3] == Array(1...20))
        #expect(cluster.storages[3]?.snapshot?.metadata.lastIncludedIndex == 21)
        // Replication continues normally after the snapshot.
        cluster.propose(21, on: 1)
        cluster.tick(2)
        #expect(cluster.applied[3] == Array(1...21))
        // And the follower restarts from its snapshot plus log.
        cluster.crash(3)
        cluster.start(3)
        cluster.tick(2)
        #expect(cluster.applied[3] == Array(1...21))
        #expect(cluster.violations.isEmpty)
    }

    @Test("a restarted node keeps its term, vote and log, and will not vote twice in a term")
    func restartFromPersistedState() {
        var cluster = clusterLedByOne()
        for value in UInt64(1)...3 { cluster.propose(value, on: 1) }
        cluster.tick(2)
        let before = cluster.nodes[2]!
        cluster.crash(2)
        cluster.start(2)
        let after = cluster.nodes[2]!
        #expect(after.term == before.term)
        #expect(after.votedFor == 1)
        #expect(after.lastIndex == before.lastIndex)
        #expect(after.commitIndex == before.commitIndex)
        #expect((1...after.lastIndex).allSatisfy { after.entry(at: $0) == before.entry(at: $0) })
        // Committed entries are replayed to the fresh application.
        cluster.processReadies()
        #expect(cluster.applied[2] == [1, 2, 3])
        // The vote of term 1 went to node 1; node 3 asking in the same term is refused.
        cluster.nodes[2]?.step(Raft.Envelope(from: 3, to: 2, message: .requestVote(
            term: 1, lastLogIndex: 10, lastLogTerm: 1, preVote: false, leadershipTransfer: false)))
        let answers = cluster.nodes[2]!.ready().messages
        #expect(answers.map(\.message) == [.requestVoteResponse(term: 1, granted: false, preVote: false)])
    }

    @Test("Ready hands out hard state, entries and messages once, and soft state changes")
    func readyContract() {
        var node = Raft.Node(id: 1, configuration: Raft.Configuration(voters: [1]),
                             generator: SeededGenerator(seed: 21))
        #expect(!node.hasReady)
        while node.role == .follower { node.tick() }
        #expect(node.hasReady)
        let ready = node.ready()
        #expect(ready.softState == Raft.SoftState(role: .leader, leader: 1, term: 1))
        #expect(ready.hardState == Raft.HardState(term: 1, votedFor: 1, commitIndex: 0))
        #expect(ready.entriesToPersist == [Raft.Entry(term: 1, index: 1, kind: .noop)])
        #expect(ready.committedEntries.isEmpty)
        node.advance(ready)
        // The single node counts its own persisted entry: the no-op commits now.
        let next = node.ready()
        #expect(next.softState == nil)
        #expect(next.hardState?.commitIndex == 1)
        #expect(next.entriesToPersist.isEmpty)
        #expect(next.committedEntries.map(\.index) == [1])
        node.advance(next)
        #expect(!node.hasReady)
    }

    @Test("a leader sends a heartbeat to every follower once per heartbeat interval")
    func heartbeatsEveryInterval() {
        var cluster = clusterLedByOne()
        cluster.delivered.removeAll()
        cluster.tick(10)
        for follower: Raft.NodeID in [2, 3] {
            let heartbeats = cluster.delivered.filter { envelope in
                guard envelope.from == 1, envelope.to == follower,
                      case .appendEntries(_, _, _, let entries, _) = envelope.message else { return false }
                return entries.isEmpty
            }
            #expect(heartbeats.count == 10 / cluster.options.heartbeatIntervalTicks)
        }
        #expect(cluster.nodes[1]?.role == .leader)
        #expect(cluster.nodes[1]?.term == 1)
    }

    @Test("a follower that crashed and missed entries catches up from the log after restarting")
    func restartedFollowerCatchesUpFromLog() {
        var cluster = clusterLedByOne(options: Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 2,
                                                            maxCommittedEntriesPerReady: 3))
        cluster.crash(3)
        for value in UInt64(1)...10 { cluster.propose(value, on: 1) }
        cluster.tick(2)
        cluster.start(3)
        cluster.tick(4)
        #expect(cluster.nodes[3]?.lastIndex == 11)
        #expect(cluster.applied[3] == Array(1...10))
        #expect(cluster.storages[3]?.entries.count == 11)
        #expect(cluster.violations.isEmpty)
    }
}
