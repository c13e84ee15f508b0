import ArgumentParser
import Foundation
import Microbench

/// `vernier bench-pow`: hash rate, block intervals and commit latency of an in-process proof-of-work network.
struct BenchProofOfWork: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-pow",
        abstract: "Measure an in-process proof-of-work network: hash rate, block interval mean and spread, commit latency.",
        discussion: "Build with -c release for figures worth keeping. " + ExitCodes.help(CheckExit.self))

    @Option(help: "Miners.") var miners = 4
    @Option(help: "Full nodes (the clients' contacts).") var fullNodes = 2
    @Option(help: "Target block interval in milliseconds.") var intervalMilliseconds: UInt64 = 500
    @Option(help: "Confirmations before a transaction is final.") var confirmations: UInt64 = 1
    @Option(help: "Final blocks to wait for.") var blocks = 200
    @Option(help: "Accounts sending one transaction at a time (0: no load).") var accounts = 20
    @OptionGroup var scratch: ScratchDirectoryOptions

    func validate() throws {
        guard (1...16).contains(miners), (0...16).contains(fullNodes), intervalMilliseconds >= 10,
              (1...100).contains(confirmations), (10...100_000).contains(blocks), (0...10_000).contains(accounts) else {
            throw ValidationError("--miners 1...16, --full-nodes 0...16, --interval-milliseconds >= 10, --confirmations 1...100, --blocks 10...100000, --accounts 0...10000")
        }
    }

    func run() async throws {
        try await scratch.withScratchDirectory(prefix: "vernier-pow") { runDirectory in
            var benchmark = ProofOfWorkBenchmark(directory: runDirectory)
            benchmark.miners = miners
            benchmark.fullNodes = fullNodes
            benchmark.targetIntervalMilliseconds = intervalMilliseconds
            benchmark.confirmations = confirmations
            benchmark.blocks = blocks
            benchmark.accounts = accounts
            print("\(miners) miners, \(fullNodes) full nodes, target \(intervalMilliseconds) ms, \(confirmations) confirmation(s), \(blocks) blocks, \(accounts) accounts")
            let result = try await benchmark.run()
            print(String(format: "hash rate %.0f hashes/s per core", result.hashesPerSecondPerCore))
            print(String(format: "%d final blocks: mean interval %.0f ms (target %d), coefficient of variation %.2f",
                         result.blockCount, result.meanIntervalMilliseconds, intervalMilliseconds, result.coefficientOfVariation))
            print(String(format: "%d transactions committed: latency mean %.3f s, p99 %.3f s", result.committed,
                         result.meanCommitLatencySeconds, result.p99CommitLatencySeconds))
            print("deepest reorganisation \(result.deepestReorganisation), safety violations \(result.safetyViolations), nodes agree: \(result.nodesAgree ? "yes" : "NO")")
            if !result.nodesAgree { throw CheckExit.broken.exitCode }
        }
    }
}
