import Testing
@testable import NodeCore
@testable import Consensus
@testable import Simulation

@Suite("Federation simulation")
struct FederationSimulationTests {
    /// CI's share of seeds; `vernier simulate --seeds N` runs as many as wanted.
    static let seeds: ClosedRange<UInt64> = 0...499

    /// The seeds run one after another in one test: as 500 parallel cases they would take every
    /// thread of the pool and starve the suite's timing-sensitive tests.
    @Test("invariants hold under crashes, partitions, loss, duplication and reordering")
    func invariantsHold() async {
        for seed in Self.seeds {
            await Task.yield()
            switch FederationSimulation.run(seed: seed) {
            case .success(let report):
                #expect(report.acknowledgedTransactions > 0, "seed \(seed) committed nothing")
            case .failure(let failure):
                Issue.record("\(failure)")
            }
        }
    }

    @Test func aSeedReplaysExactly() {
        let first = FederationSimulation.run(seed: 77)
        let second = FederationSimulation.run(seed: 77)
        #expect(first == second)
        let other = FederationSimulation.run(seed: 78)
        #expect(first != other)
    }

    @Test func faultsAreReallyInjected() throws {
        var crashes = 0, partitions = 0, terms = 0
        for seed in UInt64(0)..<10 {
            let report = try FederationSimulation.run(seed: seed).get()
            crashes += report.crashes
            partitions += report.partitions
            terms += report.leaderTerms
        }
        #expect(crashes > 10)
        #expect(partitions > 10)
        #expect(terms > 10)
    }

    /// With the default (small) compaction settings, lagging orderers really install snapshots,
    /// fetch the blocks they lack, and sometimes overflow their held blocks; logs stay short.
    /// Without swarm: plain crashes and partitions leave orderers behind the most.
    @Test func laggingOrderersInstallSnapshotsAndFetchBlocks() throws {
        var compactions = 0, snapshots = 0, seedsWithSnapshots = 0, fetched = 0, drops = 0, longestLog = 0
        var options = SimulationOptions()
        options.swarm = false
        for seed in UInt64(0)..<40 {
            let report = try FederationSimulation.run(seed: seed, options: options).get()
            compactions += report.compactions
            snapshots += report.snapshotsInstalled
            if report.snapshotsInstalled > 0 { seedsWithSnapshots += 1 }
            fetched += report.blocksFetched
            drops += report.heldBlockDrops
            longestLog = max(longestLog, report.maximumRaftLogEntries)
        }
        #expect(compactions > 100)
        #expect(seedsWithSnapshots >= 10, "only \(seedsWithSnapshots) of 40 seeds installed a snapshot")
        #expect(snapshots >= seedsWithSnapshots)
        #expect(fetched > 0)
        #expect(drops > 0)
        // Retained + interval, plus what is appended but not yet applied or stays while fetching.
        #expect(longestLog <= options.compactionRetainedEntries + options.compactionIntervalEntries + 64)
    }
}
