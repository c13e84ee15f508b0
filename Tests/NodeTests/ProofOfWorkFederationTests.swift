import Consensus
import Foundation
import LedgerCore
import Testing
import Transport
@testable import Node

/// Starts an in-process proof-of-work federation and watches its chain on the real clock.
enum ProofOfWorkProbe {
    static let regulator = SigningAccount.deterministic(seed: 77, index: 0)
    static let genesis = GenesisConfiguration(chainId: "pow-test", regulator: regulator.address)

    static func hashRate() -> Double {
        let header = BlockHeader(height: 1, previousHash: .zero, merkleRoot: .zero, timestampMilliseconds: 0,
                                 transactionCount: 0, seal: .proofOfWork(targetLeadingWord: 0, nonce: 0))
        let clock = ContinuousClock()
        let start = clock.now
        var attempts: UInt64 = 0
        while clock.now - start < .milliseconds(50) {
            attempts += ProofOfWork.mine(header: header, startNonce: attempts, maxAttempts: 2_000).attempts
        }
        return Double(attempts) / (Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds))
    }

    static func start(miners: Int, fullNodes: Int, intervalMilliseconds: UInt64, confirmations: UInt64,
                      directory: String) async throws -> InProcessFederation {
        let perCore = hashRate()
        let rate = perCore * min(Double(ProcessInfo.processInfo.activeProcessorCount), Double(miners))
        let options = MinerOptions(
            mines: true,
            retarget: ProofOfWork.RetargetRule(targetBlockIntervalMilliseconds: intervalMilliseconds,
                                               initialTarget: ProofOfWork.initialTarget(hashesPerSecond: rate, targetIntervalMilliseconds: intervalMilliseconds)),
            confirmations: confirmations)
        let plan = FederationPlan(
            genesis: genesis,
            members: FederationMembers(ordering: (0..<miners).map { NodeAddress("miner\($0)") },
                                       organizations: fullNodes > 0 ? [("org1", fullNodes)] : []),
            kind: .proofOfWork(options), directory: directory, seed: 5)
        return try await InProcessFederation.start(plan)
    }
}

@Suite("Proof-of-work federation on the real clock", .serialized)
struct ProofOfWorkFederationTests {
    @Test func blocksComeNearTheTargetIntervalAndNodesAgree() async throws {
        let directory = try TemporaryDirectory()
        let federation = try await ProofOfWorkProbe.start(miners: 4, fullNodes: 2, intervalMilliseconds: 250,
                                                          confirmations: 2, directory: directory.path)
        let watcher = federation.proofOfWorkNodes.last!
        let clock = ContinuousClock()
        let start = clock.now
        while await watcher.height < 40, clock.now - start < .seconds(120) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(await federation.settle(timeout: .seconds(30)))
        var reorganisations: [Reorganisation] = []
        var violations = 0
        for node in federation.proofOfWorkNodes {
            reorganisations += await node.reorganisations
            violations += await node.safetyViolations.count
        }
        let blocks = await watcher.mainChainBlocks(fromHeight: 1)
        let states = await federation.chainStates()
        await federation.stop()
        let intervals = zip(blocks, blocks.dropFirst()).map { Double($1.header.timestampMilliseconds - $0.header.timestampMilliseconds) }
        let mean = intervals.reduce(0, +) / Double(max(1, intervals.count))
        let deviation = (intervals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, intervals.count - 1))).squareRoot()
        print("pow: \(blocks.count) blocks, mean interval \(mean) ms, cv \(deviation / mean), reorganisations \(reorganisations.count), deepest \(reorganisations.map(\.depth).max() ?? 0), safety violations \(violations)")
        #expect(Set(states.map(\.headHash)).count == 1, "nodes differ: \(states.map { "\($0.address) \($0.height)" })")
        #expect(Set(states.compactMap(\.stateDigest)).count == 1)
    }
}
