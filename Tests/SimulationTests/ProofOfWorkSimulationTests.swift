import Testing
@testable import NodeCore
@testable import Consensus
@testable import Simulation

@Suite("Proof-of-work simulation")
struct ProofOfWorkSimulationTests {
    /// CI's share of seeds.
    static let seeds: [UInt64] = Array(0..<200)

    /// One test runs the seeds in turn: the simulation is CPU-bound, and as 200 parallel cases it
    /// would hold every thread of the cooperative pool, starving timing-sensitive async tests.
    @Test("invariants hold with forks, partitions, loss and reordering, over 200 seeds")
    func invariantsHold() {
        for seed in Self.seeds {
            switch ProofOfWorkSimulation.run(seed: seed) {
            case .success(let report):
                #expect(report.committedTransactions == 24, "seed \(seed)")
            case .failure(let failure):
                Issue.record("\(failure)")
            }
        }
    }

    @Test func aSeedReplaysExactly() {
        let first = ProofOfWorkSimulation.run(seed: 5)
        #expect(first == ProofOfWorkSimulation.run(seed: 5))
        #expect(first != ProofOfWorkSimulation.run(seed: 6))
    }

    @Test("forks and reorganisations really happen, and resolve")
    func forksHappen() throws {
        var stale = 0, reorganisations = 0, partitions = 0
        var deepest: UInt64 = 0
        for seed in UInt64(0)..<20 {
            let report = try ProofOfWorkSimulation.run(seed: seed).get()
            stale += report.staleBlocks
            reorganisations += report.reorganisations
            partitions += report.partitions
            deepest = max(deepest, report.deepestReorganisation)
        }
        #expect(stale > 5)
        #expect(reorganisations > 5)
        #expect(partitions > 20)
        #expect(deepest <= 4)
    }

    @Test("a failing run names its seed")
    func failureNamesSeed() {
        var options = ProofOfWorkSimulationOptions()
        options.settleLimitMilliseconds = 1
        options.faultPhaseMilliseconds = 100
        guard case .failure(let failure) = ProofOfWorkSimulation.run(seed: 4242, options: options) else {
            Issue.record("a run without time to finish succeeded")
            return
        }
        #expect(failure.description.contains("seed 4242"))
        #expect(failure.description.contains("ProofOfWorkSimulation.run(seed: 4242)"))
    }
}
