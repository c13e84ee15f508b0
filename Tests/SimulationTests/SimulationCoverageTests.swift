import Foundation
import Testing
import Consensus
@testable import Simulation

@Suite("Federation simulation: wider faults and their coverage")
struct SimulationCoverageTests {
    /// Seeds whose coverage is summed: enough for every fault kind and the key states (about 5 s in
    /// a debug build).
    static let seeds: Range<UInt64> = 0..<30

    /// The states that tell a correct Raft from the classic wrong ones; each is reached within `seeds`.
    static let keyStates: [SimulationCoverage.Item] = [
        .leaderChangeWithOlderTermEntriesOnMinority, .olderTermEntriesCommittedThroughNewerEntry,
        .newLeaderCrashedBeforeSendingNoop, .uncommittedEntriesTruncated, .staleTermMessageDelivered,
        .crossTermReorderingDelivered, .leaderSteppedDownOnHigherTerm, .restartFromSnapshot, .snapshotInstalled,
        .smallAppendBatches, .withoutPreVote, .withoutCheckQuorum, .peerCatchUpThenApply, .redeliveredBlockIgnored,
    ]

    @Test("a run of 30 seeds injects every fault kind and reaches the key states")
    func everyFaultKindAndKeyStateIsReached() async throws {
        var coverage = SimulationCoverage(runs: 0)
        for seed in Self.seeds {
            await Task.yield()
            coverage.add(try FederationSimulation.run(seed: seed).get().coverage)
        }
        #expect(coverage.runs == Self.seeds.count)
        for item in SimulationCoverage.Item.allCases where item.isFault {
            #expect(coverage.count(item) > 0, "fault \(item) never injected in \(Self.seeds.count) seeds")
        }
        for item in Self.keyStates {
            #expect(coverage.count(item) > 0, "state \(item) never reached in \(Self.seeds.count) seeds")
        }
    }

    @Test("without crashes, partitions, delay bursts and clock skew no fault is injected")
    func faultKindsFollowTheOptions() throws {
        var options = SimulationOptions()
        options.crashes = false
        options.partitions = false
        options.delayBursts = false
        options.clockSkew = false
        for seed in UInt64(0)..<4 {
            let report = try FederationSimulation.run(seed: seed, options: options).get()
            for item in SimulationCoverage.Item.allCases where item.isFault {
                #expect(report.coverage.count(item) == 0, "seed \(seed) injected \(item)")
            }
            #expect(report.crashes == 0 && report.partitions == 0)
        }
    }

    /// A stalled leader sends no heartbeats, so its followers elect another; the bursts then
    /// deliver the old term's messages late. No crash or partition is needed for that.
    @Test("clock stalls and delay bursts alone change leaders and reorder messages across terms")
    func stallsAndDelayBurstsReorderAcrossTerms() throws {
        var options = SimulationOptions()
        options.crashes = false
        options.partitions = false
        var coverage = SimulationCoverage(runs: 0)
        for seed in UInt64(0)..<8 {
            let report = try FederationSimulation.run(seed: seed, options: options).get()
            #expect(report.crashes == 0 && report.partitions == 0)
            coverage.add(report.coverage)
        }
        #expect(coverage.count(.clockStall) > 0)
        #expect(coverage.count(.delayBurst) > 0)
        #expect(coverage.count(.leaderSteppedDownOnHigherTerm) > 0)
        #expect(coverage.count(.crossTermReorderingDelivered) > 0)
    }

    @Test("without swarm every seed runs the default Raft settings with crashes and partitions only")
    func withoutSwarmTheDefaultsRun() throws {
        var options = SimulationOptions()
        options.swarm = false
        for seed in UInt64(0)..<4 {
            let coverage = try FederationSimulation.run(seed: seed, options: options).get().coverage
            for item: SimulationCoverage.Item in [.smallAppendBatches, .withoutPreVote, .withoutCheckQuorum, .skewedClock,
                                                   .leaderIsolation, .crashBetweenPersistAndSend, .leaderChurn,
                                                   .delayBurst, .clockStall] {
                #expect(coverage.count(item) == 0, "seed \(seed) without swarm reached \(item)")
            }
        }
    }

    @Test func coverageAddsRunsAndCountsSeedsReaching() throws {
        var first = SimulationCoverage()
        first.record(.crash, times: 3)
        first.record(.leaderChurn)
        var second = SimulationCoverage()
        second.record(.crash)
        second.record(.delayBurst, times: 0)
        var total = SimulationCoverage(runs: 0)
        total.add(first)
        total.add(second)
        #expect(total.runs == 2)
        #expect(total.count(.crash) == 4)
        #expect(total.runsReaching(.crash) == 2)
        #expect(total.runsReaching(.leaderChurn) == 1)
        #expect(total.count(.delayBurst) == 0 && total.runsReaching(.delayBurst) == 0)
        #expect(total.unreached.contains(.delayBurst))
        #expect(total.lines.count == SimulationCoverage.Item.allCases.count + 2)
        #expect(total.lines.contains { $0.contains("4  in 2 of 2 seeds  crash:") })

        let json = try JSONEncoder().encode(total)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"leaderChurn\":1"))
        #expect(try JSONDecoder().decode(SimulationCoverage.self, from: json) == total)
    }
}

@Suite("Federation simulation: the Raft checkers")
struct RaftCheckerTests {
    /// The checkers do not take Raft's word: a forged committed entry, or a persisted log that
    /// differs below an entry both logs share, is caught.
    @Test func theCheckersCatchForgedStates() throws {
        let simulator = Simulator(seed: 5, options: SimulationOptions())
        _ = try simulator.run()
        try simulator.checkLogMatching()
        try simulator.checkElectableOrderersHoldCommitted()

        // Every orderer holds the real entry at the highest committed index and could win an
        // election, so a record of another entry there breaks leader completeness.
        let index = simulator.highestCommittedIndex
        let real = try #require(simulator.committedEntries[index])
        simulator.committedEntries[index] = Raft.Entry(term: real.term + 1, index: index, kind: .noop)
        let completeness = #expect(throws: SimulationFailure.self) {
            try simulator.checkElectableOrderersHoldCommitted()
        }
        #expect(completeness?.invariant == "leader completeness")
        simulator.committedEntries[index] = real

        // orderer1 down, its persisted log changed at the lowest index both logs hold.
        simulator.orderers[1].core = nil
        let other = simulator.checkedLog(0), mine = simulator.checkedLog(1)
        let low = max(other.firstIndex, mine.firstIndex)
        try #require(low < min(other.lastIndex, mine.lastIndex), "the logs share too little to forge")
        let position = try #require(simulator.orderers[1].storage.entries.firstIndex { $0.index == low })
        let original = simulator.orderers[1].storage.entries[position]
        simulator.orderers[1].storage.entries[position] = Raft.Entry(term: original.term, index: low,
                                                                     kind: .normal(payload: [0xFF]))
        let matching = #expect(throws: SimulationFailure.self) { try simulator.checkLogMatching() }
        #expect(matching?.invariant == "log matching")
    }
}
