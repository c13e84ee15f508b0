import Consensus
import Foundation
import LedgerCore
import LedgerPrimitives
import Node
import Transport
import NetworkSpec
import BenchmarkSpec
import Federation
import Storage

/// Measures an in-process proof-of-work network on the real clock: the hash rate of one core, the
/// block interval's mean and spread over a number of final blocks, and the commit latency of
/// transactions sent one at a time per account (nonce window 1).
public struct ProofOfWorkBenchmark: Sendable {
    public var miners = 4
    public var fullNodes = 2
    public var targetIntervalMilliseconds: UInt64 = 500
    public var confirmations: UInt64 = 1
    public var blocks = 200
    /// Accounts sending during the measurement (0: no load, blocks only).
    public var accounts = 20
    public var directory: String

    public init(directory: String) { self.directory = directory }

    public struct Result: Sendable {
        public var hashesPerSecondPerCore: Double
        public var blockCount: Int
        public var meanIntervalMilliseconds: Double
        public var coefficientOfVariation: Double
        public var committed: Int
        public var meanCommitLatencySeconds: Double
        public var p99CommitLatencySeconds: Double
        public var deepestReorganisation: UInt64
        public var safetyViolations: Int
        public var nodesAgree: Bool
    }

    public func run() async throws -> Result {
        let hashRate = FederationPlan.measureHashRate()
        let regulator = SigningAccount.deterministic(seed: 31, index: 0)
        let genesis = GenesisConfiguration(chainId: "pow-benchmark", regulator: regulator.address)
        let network = NetworkConfiguration(consensus: .proofOfWork(ProofOfWorkSettings()),
                                           organizations: fullNodes > 0 ? [Organization(name: "org1", peers: fullNodes)] : [])
        var settings = ProofOfWorkSettings()
        settings.miners = miners
        settings.targetBlockInterval = .milliseconds(Int64(targetIntervalMilliseconds))
        settings.confirmations = Int(confirmations)
        let plan = FederationPlan(proofOfWork: settings, network: network, genesis: genesis, directory: directory,
                                  seed: 31, hashesPerSecondPerCore: hashRate)
        let federation = try await InProcessFederation.start(plan)
        let watcher = federation.proofOfWorkNodes.last!
        let signers = (1...max(1, accounts)).map { SigningAccount.deterministic(seed: 31, index: UInt64($0)) }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .milliseconds(Int64(targetIntervalMilliseconds) * Int64(blocks) * 4 + 60_000))
        let target = UInt64(blocks) + confirmations
        let latencies = await withTaskGroup(of: [Double].self) { group in
            for (index, signer) in signers.enumerated() where accounts > 0 {
                group.addTask {
                    var nonce: UInt64 = 0
                    var latencies: [Double] = []
                    while await watcher.finalHeight < target, clock.now < deadline {
                        let transaction = Transaction(signedBy: signer, nonce: nonce,
                                                      call: .simple(.open(account: "pow-\(index)-\(nonce)", money: 1)))
                        let trace = await federation.client.submit(
                            transaction, to: federation.submitter(forAccount: index),
                            listeningTo: federation.listener(forAccount: index), timeout: .seconds(120))
                        if case .committed(.valid, _) = trace.outcome {
                            latencies.append((trace.finished - trace.sent).inSeconds)
                            nonce += 1
                        } else {
                            nonce = await federation.nextNonce(of: signer.address) ?? nonce
                        }
                    }
                    return latencies
                }
            }
            group.addTask {
                while await watcher.finalHeight < target, clock.now < deadline { try? await Task.sleep(for: .milliseconds(100)) }
                return []
            }
            var all: [Double] = []
            for await latencies in group { all += latencies }
            return all
        }
        let agreed = await federation.settle(timeout: .seconds(60))
        var deepest: UInt64 = 0
        var violations = 0
        for node in federation.proofOfWorkNodes {
            deepest = max(deepest, await node.reorganisations.map(\.depth).max() ?? 0)
            violations += await node.safetyViolations.count
        }
        let states = await federation.chainStates()
        await federation.stop()

        // The final chain as the watching node stored it.
        var timestamps: [UInt64] = []
        _ = try BlockStore.open(path: directory + "/" + watcher.address.name + "/blocks", genesis: genesis) { block throws(BlockStoreError) in
            if block.header.height > 0 { timestamps.append(block.header.timestampMilliseconds) }
        }
        let intervals = zip(timestamps, timestamps.dropFirst()).map { Double($1 - $0) }
        let mean = intervals.reduce(0, +) / Double(max(1, intervals.count))
        let deviation = (intervals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(1, intervals.count - 1))).squareRoot()
        let sorted = latencies.sorted()
        return Result(
            hashesPerSecondPerCore: hashRate, blockCount: timestamps.count, meanIntervalMilliseconds: mean,
            coefficientOfVariation: mean > 0 ? deviation / mean : 0, committed: latencies.count,
            meanCommitLatencySeconds: sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count),
            p99CommitLatencySeconds: sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, sorted.count * 99 / 100)],
            deepestReorganisation: deepest, safetyViolations: violations,
            nodesAgree: agreed && Set(states.map(\.headHash)).count == 1)
    }
}
