import ArgumentParser
import Foundation
import Node
import Microbench
import NodeCore
import LedgerCore

/// `vernier bench-ordering`: the sustained commit rate and latency of an in-process Raft federation.
struct BenchOrdering: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-ordering",
        abstract: "Measure an in-process Raft federation's sustained commit rate and submit-to-commit latency.",
        discussion: "Transactions are presigned; each account keeps one in flight. Build with -c release. "
            + ExitCodes.help(CheckExit.self))

    @Option(help: "Orderers.") var orderers = 1
    @Option(help: "Organisations.") var organizations = 2
    @Option(help: "Peers per organisation.") var peers = 2
    @Option(help: "Signing accounts, each with one transaction in flight.") var accounts = 2_000
    @Option(help: "Transactions per account.") var transactionsPerAccount = 20
    @Option(help: "Batch size (Fabric's maxMessageCount).") var maxMessageCount = 500
    @Option(help: "Batch timeout in milliseconds.") var batchTimeoutMilliseconds: UInt64 = 250
    @Flag(help: "Turn fsync off (for experiments; durability is lost).") var noFsync = false
    @Option(name: .customLong("flow"), help: "order-execute, or execute-order-validate (Fabric's flow).")
    var flowName = TransactionFlow.orderExecute.rawValue
    @Option(help: "The endorsement policy in execute-order-validate, in Fabric's language.") var policy = "MAJORITY"
    @OptionGroup var scratch: ScratchDirectoryOptions

    func validate() throws {
        guard (1...9).contains(orderers), (1...16).contains(organizations), (1...16).contains(peers) else {
            throw ValidationError("--orderers 1...9, --organizations 1...16, --peers 1...16")
        }
        guard accounts >= 1, transactionsPerAccount >= 1, accounts * transactionsPerAccount <= 2_000_000 else {
            throw ValidationError("--accounts and --transactions-per-account must be positive, at most 2,000,000 in all")
        }
        guard TransactionFlow(rawValue: flowName) != nil else {
            throw ValidationError("--flow is order-execute or execute-order-validate, not '\(flowName)'")
        }
        guard maxMessageCount >= 1, batchTimeoutMilliseconds >= 1 else {
            throw ValidationError("--max-message-count and --batch-timeout-milliseconds must be positive")
        }
    }

    /// The flow `--flow` names (checked in `validate()`).
    var flow: TransactionFlow { TransactionFlow(rawValue: flowName) ?? .orderExecute }

    func run() async throws {
        try await scratch.withScratchDirectory(prefix: "vernier-bench") { runDirectory in
            var benchmark = OrderingBenchmark(directory: runDirectory)
            benchmark.orderers = orderers
            benchmark.organizations = organizations
            benchmark.peersPerOrganization = peers
            benchmark.accounts = accounts
            benchmark.transactionsPerAccount = transactionsPerAccount
            benchmark.batch = BatchOptions(maxMessageCount: maxMessageCount, batchTimeoutMilliseconds: batchTimeoutMilliseconds)
            benchmark.fsync = !noFsync
            benchmark.flow = flow
            benchmark.policy = policy
            #if DEBUG
            print("note: debug build; use `swift run -c release vernier bench-ordering` for figures worth keeping.")
            #endif
            print("\(orderers) orderer(s), \(organizations) x \(peers) peers, \(accounts) accounts x \(transactionsPerAccount) tx, "
                  + "batch \(maxMessageCount) / \(batchTimeoutMilliseconds) ms, fsync \(noFsync ? "OFF" : "on"), \(flow.rawValue)"
                  + (flow == .executeOrderValidate ? ", policy \(policy)" : ""))
            let cores = ProcessInfo.processInfo.activeProcessorCount
            // Measured before and after the run and averaged: on a shared VM the CPU's speed drifts.
            let singleBefore = Calibration.verificationRate(threads: 1)
            let machineBefore = Calibration.verificationRate(threads: cores)
            let result = try await benchmark.run()
            let singleRate = (singleBefore + Calibration.verificationRate(threads: 1)) / 2
            let machineRate = (machineBefore + Calibration.verificationRate(threads: cores)) / 2
            print(String(format: "committed %d of %d in %.2f s; steady rate %.0f tx/s; chain height %d; peers agree: %@",
                         result.transactions - result.failed, result.transactions, result.seconds,
                         result.steadyTransactionsPerSecond, result.chainHeight, result.peersAgree ? "yes" : "NO"))
            print("submit-to-commit latency: " + result.latencyMilliseconds.map { String(format: "%@ %.1f ms", $0.label, $0.value) }
                .joined(separator: ", "))
            let limit = Double(cores) * singleRate / Double(result.verificationsPerTransaction)
            let machineLimit = machineRate / Double(result.verificationsPerTransaction)
            print(String(format: "signature limit: %d cores x %.0f verifications/s (key cached, one thread, mean of before and after) / %d per "
                         + "transaction = %.0f tx/s; steady rate is %.0f%% of it", cores, singleRate,
                         result.verificationsPerTransaction, limit, 100 * result.steadyTransactionsPerSecond / limit))
            print(String(format: "  all %d cores verifying at once: %.0f verifications/s, a limit of %.0f tx/s; steady rate is %.0f%% of it",
                         cores, machineRate, machineLimit, 100 * result.steadyTransactionsPerSecond / machineLimit))
            if !result.failures.isEmpty {
                print("failures: " + result.failures.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if !result.peersAgree || result.failed > 0 { throw CheckExit.broken.exitCode }
        }
    }
}
