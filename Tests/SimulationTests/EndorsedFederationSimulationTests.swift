import Testing
import LedgerCore
@testable import NodeCore
@testable import Simulation

@Suite("Federation simulation, execute-order-validate")
struct EndorsedFederationSimulationTests {
    /// CI's share of seeds (about 10 s in a debug build); `vernier simulate --flow
    /// execute-order-validate --seeds N` runs as many as wanted.
    static let seeds: ClosedRange<UInt64> = 0...59

    static var endorsed: SimulationOptions {
        var options = SimulationOptions()
        options.flow = .executeOrderValidate
        return options
    }

    /// One test runs the seeds in turn, as the order-execute suite does, so that CPU-bound seeds do
    /// not hold every thread of the cooperative pool.
    @Test("invariants hold with endorsers over the faulty network, and reads really go stale")
    func invariantsHold() async {
        var total = SimulationReport(seed: 0, chainHeight: 0, acknowledgedTransactions: 0, crashes: 0, partitions: 0,
                                     leaderTerms: 0, simulatedMilliseconds: 0, events: 0, compactions: 0,
                                     snapshotsInstalled: 0, blocksFetched: 0, heldBlockDrops: 0,
                                     restartsBehindSnapshot: 0, maximumRaftLogEntries: 0)
        var seedsWithConflicts = 0
        for seed in Self.seeds {
            await Task.yield()
            switch FederationSimulation.run(seed: seed, options: Self.endorsed) {
            case .success(let report):
                #expect(report.acknowledgedTransactions > 0, "seed \(seed) committed nothing")
                if report.mvccReadConflicts > 0 { seedsWithConflicts += 1 }
                total.mvccReadConflicts += report.mvccReadConflicts
                total.duplicateTxIds += report.duplicateTxIds
                total.endorsementPolicyFailures += report.endorsementPolicyFailures
                total.endorsementMismatches += report.endorsementMismatches
                total.endorsementRefusals += report.endorsementRefusals
                total.endorsementTimeouts += report.endorsementTimeouts
                total.envelopeResends += report.envelopeResends
            case .failure(let failure):
                Issue.record("\(failure)")
            }
        }
        // The contended workload conflicts in most seeds, and every path of the client runs.
        #expect(seedsWithConflicts * 2 > Self.seeds.count, "MVCC read conflicts in only \(seedsWithConflicts) seeds")
        #expect(total.duplicateTxIds > 0)
        #expect(total.envelopeResends > 0)
        #expect(total.endorsementMismatches > 0)
        #expect(total.endorsementRefusals > 0)
        #expect(total.endorsementTimeouts > 0)
        // Clients always ask the organisations the policy needs.
        #expect(total.endorsementPolicyFailures == 0)
    }

    @Test func aSeedReplaysExactly() {
        let first = FederationSimulation.run(seed: 77, options: Self.endorsed)
        #expect(first == FederationSimulation.run(seed: 77, options: Self.endorsed))
        #expect(first != FederationSimulation.run(seed: 78, options: Self.endorsed))
        #expect(first != FederationSimulation.run(seed: 77))
    }

    /// A policy naming one organisation twice needs two of its peers; three organisations, OR.
    @Test(arguments: [(4, 2, "AND('org1.member', 'org1.member', 'org2.member')"),
                      (3, 3, "OR(AND('org1.member', 'org2.member'), 'org3.member')"),
                      (5, 3, "OutOf(2, 'org1.member', 'org2.member', 'org3.member')")])
    func otherPolicies(peers: Int, organizations: Int, policy: String) throws {
        var options = Self.endorsed
        options.peers = peers
        options.organizations = organizations
        options.endorsementPolicy = try EndorsementPolicy.parse(policy, organizations: options.organizationNames)
        for seed in UInt64(0)..<4 {
            switch FederationSimulation.run(seed: seed, options: options) {
            case .success(let report):
                #expect(report.validTransactions > 0, "seed \(seed) under \(policy)")
                #expect(report.endorsementPolicyFailures == 0)
            case .failure(let failure):
                Issue.record("\(failure)")
            }
        }
    }

    @Test func aPolicyNeedingMissingPeersIsRefused() throws {
        var options = Self.endorsed
        options.endorsementPolicy = try EndorsementPolicy.parse("AND('org2.member', 'org2.member')",
                                                                organizations: options.organizationNames)
        let failure = FederationSimulation.run(seed: 0, options: options)
        guard case .failure(let failure) = failure else {
            Issue.record("three peers hold one of org2, yet the run passed")
            return
        }
        #expect(failure.invariant == "valid options")
        #expect(failure.replay == "vernier simulate --flow execute-order-validate --policy \"AND('org2.member', 'org2.member')\" --seed 0")
        var shaped = options
        shaped.peers = 5
        shaped.organizations = 4
        if case .failure(let other) = FederationSimulation.run(seed: 7, options: shaped) {
            #expect(other.replay == "vernier simulate --peers 5 --flow execute-order-validate --organizations 4 "
                    + "--policy \"AND('org2.member', 'org2.member')\" --seed 7")
        } else {
            Issue.record("org2 has one peer of five in four organisations, yet the run passed")
        }
    }

    /// The final-chain checker does not take the ledger's word: forging one code of a real chain
    /// (a conflicting transaction called valid, a valid one called a conflict) is caught.
    @Test func theCheckerCatchesForgedCodes() throws {
        let simulator = Simulator(seed: 3, options: Self.endorsed)
        _ = try simulator.run()
        let blocks = simulator.peers[0].chain.dropFirst()
        var replay = PeerCore(genesis: simulator.genesis)
        var codes: [[ValidationCode]] = []
        for block in blocks {
            guard case .committed(let blockCodes) = replay.receive(block) else {
                Issue.record("block \(block.header.height) does not replay")
                return
            }
            codes.append(blockCodes)
        }
        try simulator.checkEndorsedChain(blocks, codes: codes, replayed: replay.ledger)

        let conflict = try #require(Self.first(.mvccReadConflict, in: codes))
        var forged = codes
        forged[conflict.block][conflict.position] = .valid
        let stale = #expect(throws: SimulationFailure.self) {
            try simulator.checkEndorsedChain(blocks, codes: forged, replayed: replay.ledger)
        }
        #expect(stale?.invariant == "valid transactions read current versions")

        let valid = try #require(Self.first(.valid, in: codes))
        forged = codes
        forged[valid.block][valid.position] = .mvccReadConflict
        let unfounded = #expect(throws: SimulationFailure.self) {
            try simulator.checkEndorsedChain(blocks, codes: forged, replayed: replay.ledger)
        }
        #expect(unfounded?.invariant == "invalid codes have their reasons")
    }

    static func first(_ code: ValidationCode, in codes: [[ValidationCode]]) -> (block: Int, position: Int)? {
        for (block, blockCodes) in codes.enumerated() {
            if let position = blockCodes.firstIndex(of: code) { return (block, position) }
        }
        return nil
    }
}
