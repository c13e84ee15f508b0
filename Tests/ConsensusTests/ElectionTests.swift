@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Consensus

@Suite("Raft elections")
struct ElectionTests {
    @Test("a single node elects itself and commits on its own")
    func singleNodeElectsItself() {
        var cluster = RaftCluster(size: 1, seed: 1)
        cluster.campaign(1)
        #expect(cluster.nodes[1]?.role == .leader)
        #expect(cluster.nodes[1]?.term == 1)
        let result = cluster.propose(7, on: 1)
        #expect(result == .accepted(index: 2, term: 1))
        cluster.stabilize()
        #expect(cluster.nodes[1]?.commitIndex == 2)
        #expect(cluster.applied[1] == [7])
    }

    @Test("three nodes elect the first to time out; followers learn the leader")
    func threeNodeElection() {
        var cluster = RaftCluster(size: 3, seed: 2)
        cluster.campaign(1)
        #expect(cluster.nodes[1]?.role == .leader)
        for id: Raft.NodeID in [2, 3] {
            #expect(cluster.nodes[id]?.role == .follower)
            #expect(cluster.nodes[id]?.leader == 1)
            #expect(cluster.nodes[id]?.term == 1)
            #expect(cluster.nodes[id]?.votedFor == 1)
        }
        // The leader's no-op of its term commits everywhere.
        cluster.tick(2)
        for id in cluster.ids {
            #expect(cluster.nodes[id]?.commitIndex == 1)
            #expect(cluster.nodes[id]?.entry(at: 1)?.kind == .noop)
        }
    }

    @Test("randomised timeouts come from the injected generator and lie in [min, 2*min)")
    func randomisedTimeouts() {
        let configuration = Raft.Configuration(voters: [1, 2, 3])
        let options = Raft.Options(electionTimeoutTicks: 10, heartbeatIntervalTicks: 1)
        func ticksToCampaign(seed: UInt64) -> Int {
            var node = Raft.Node(id: 1, configuration: configuration, options: options,
                                 generator: SeededGenerator(seed: seed))
            for tick in 1...100 {
                node.tick()
                if node.role != .follower { return tick }
            }
            return -1
        }
        let draws = (0..<40).map { ticksToCampaign(seed: $0) }
        #expect(draws.allSatisfy { (10..<20).contains($0) })
        #expect(Set(draws).count > 3)
        #expect(draws == (0..<40).map { ticksToCampaign(seed: $0) })
    }

    @Test("a split vote elects nobody in its term and resolves in a later one")
    func splitVoteResolvesLater() {
        var cluster = RaftCluster(size: 4, seed: 3, options: Raft.Options(electionTimeoutTicks: 10,
                                                                          heartbeatIntervalTicks: 2,
                                                                          preVote: false))
        // 1 and 2 campaign in term 1 at once; 3 hears only 1, 4 hears only 2: two votes each of four.
        cluster.blockedLinks = [.init(from: 1, to: 4), .init(from: 2, to: 3)]
        cluster.nodes[1]?.campaign(preVote: false, leadershipTransfer: false)
        cluster.nodes[2]?.campaign(preVote: false, leadershipTransfer: false)
        cluster.stabilize()
        #expect(cluster.nodes[1]?.role == .candidate)
        #expect(cluster.nodes[2]?.role == .candidate)
        #expect(cluster.nodes[3]?.votedFor == 1)
        #expect(cluster.nodes[4]?.votedFor == 2)
        #expect(cluster.leader == nil)
        cluster.heal()
        for _ in 0..<100 where cluster.leader == nil { cluster.tick() }
        #expect(cluster.leader != nil)
        #expect((cluster.leader.flatMap { cluster.nodes[$0]?.term } ?? 0) >= 2)
        #expect(cluster.leadersByTerm[1] == nil)
        #expect(cluster.violations.isEmpty)
    }

    @Test("a node votes at most once per term")
    func voteOncePerTerm() {
        var node = Raft.Node(id: 3, configuration: Raft.Configuration(voters: [1, 2, 3]),
                             options: Raft.Options(preVote: false, checkQuorum: false),
                             generator: SeededGenerator(seed: 4))
        node.step(Raft.Envelope(from: 1, to: 3, message: .requestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0,
                                                                    preVote: false, leadershipTransfer: false)))
        node.step(Raft.Envelope(from: 2, to: 3, message: .requestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0,
                                                                    preVote: false, leadershipTransfer: false)))
        // Asking again for the same candidate is answered the same way (a lost response is retried).
        node.step(Raft.Envelope(from: 1, to: 3, message: .requestVote(term: 1, lastLogIndex: 0, lastLogTerm: 0,
                                                                    preVote: false, leadershipTransfer: false)))
        let messages = node.ready().messages
        #expect(messages.map(\.to) == [1, 2, 1])
        #expect(messages.map(\.message) == [
            .requestVoteResponse(term: 1, granted: true, preVote: false),
            .requestVoteResponse(term: 1, granted: false, preVote: false),
            .requestVoteResponse(term: 1, granted: true, preVote: false),
        ])
        #expect(node.votedFor == 1)
    }

    @Test("a vote is refused to a candidate whose log is behind")
    func refuseOutdatedCandidate() {
        let storage = Raft.Storage(hardState: Raft.HardState(term: 2, votedFor: nil, commitIndex: 0),
                                   entries: [Raft.Entry(term: 1, index: 1, kind: .noop),
                                             Raft.Entry(term: 2, index: 2, kind: .noop)])
        var node = Raft.Node(id: 3, configuration: Raft.Configuration(voters: [1, 2, 3]),
                             options: Raft.Options(preVote: false, checkQuorum: false),
                             generator: SeededGenerator(seed: 5), storage: storage)
        // Higher last term wins over a longer log; equal last term needs at least the same length.
        node.step(Raft.Envelope(from: 1, to: 3, message: .requestVote(term: 3, lastLogIndex: 5, lastLogTerm: 1,
                                                                    preVote: false, leadershipTransfer: false)))
        node.step(Raft.Envelope(from: 2, to: 3, message: .requestVote(term: 4, lastLogIndex: 1, lastLogTerm: 2,
                                                                    preVote: false, leadershipTransfer: false)))
        node.step(Raft.Envelope(from: 1, to: 3, message: .requestVote(term: 5, lastLogIndex: 2, lastLogTerm: 2,
                                                                    preVote: false, leadershipTransfer: false)))
        let granted = node.ready().messages.map { envelope -> Bool in
            if case .requestVoteResponse(_, let granted, _) = envelope.message { return granted }
            return false
        }
        #expect(granted == [false, false, true])
        #expect(node.term == 5)
        #expect(node.votedFor == 1)
    }

    @Test("messages of a stale term are rejected, and a stale leader learns the new term")
    func staleTermMessages() {
        let storage = Raft.Storage(hardState: Raft.HardState(term: 5))
        var node = Raft.Node(id: 2, configuration: Raft.Configuration(voters: [1, 2, 3]),
                             generator: SeededGenerator(seed: 6), storage: storage)
        node.step(Raft.Envelope(from: 1, to: 2, message: .appendEntries(
            term: 3, prevLogIndex: 0, prevLogTerm: 0, entries: [Raft.Entry(term: 3, index: 1, kind: .noop)],
            leaderCommit: 1)))
        #expect(node.lastIndex == 0)
        #expect(node.leader == nil)
        let messages = node.ready().messages
        #expect(messages.count == 1)
        #expect(messages.first?.message.term == 5)

        // The deposed leader steps down on hearing the higher term.
        var cluster = RaftCluster(size: 3, seed: 6)
        cluster.campaign(1)
        cluster.nodes[1]?.step(Raft.Envelope(from: 2, to: 1, message: messages[0].message))
        #expect(cluster.nodes[1]?.role == .follower)
        #expect(cluster.nodes[1]?.term == 5)
    }

    @Test("at most one leader per term over many seeded runs with message loss and reordering")
    func atMostOneLeaderPerTerm() {
        for seed in UInt64(0)..<40 {
            var cluster = RaftCluster(size: 5, seed: seed, options: Raft.Options(electionTimeoutTicks: 6,
                                                                                 heartbeatIntervalTicks: 2))
            var random = SeededGenerator(seed: seed ^ 0xE1EC)
            for _ in 0..<150 {
                for id in cluster.ids { cluster.nodes[id]?.tick() }
                cluster.processReadies()
                var batch = cluster.network
                cluster.network.removeAll()
                batch.shuffle(using: &random)
                for envelope in batch where Int.random(in: 0..<100, using: &random) >= 20 {
                    cluster.deliver(envelope)
                }
                cluster.processReadies()
            }
            #expect(cluster.violations.isEmpty, "seed \(seed): \(cluster.violations)")
            #expect(!cluster.leadersByTerm.isEmpty, "seed \(seed): nobody was ever elected")
        }
    }
}
