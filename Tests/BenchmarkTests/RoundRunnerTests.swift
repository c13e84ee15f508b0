@testable import Consensus
import Foundation
@testable import LedgerCore
import LedgerPrimitives
@testable import Node
import Testing
@testable import Transport
@testable import BenchmarkSpec
@testable import Load
@testable import Benchmark
@testable import Federation
@testable import Results
@testable import NodeCore

/// A target that takes a fixed time to answer every transaction.
struct SlowTarget: BenchmarkTarget {
    let delay: Duration

    func submit(_ transaction: Transaction, signer: SigningAccount, account: Int, timeout: Duration) async -> TransactionTrace {
        let clock = ContinuousClock()
        let sent = clock.now
        try? await Task.sleep(for: delay)
        return TransactionTrace(id: transaction.id, sent: sent, acknowledged: sent, finished: clock.now, outcome: .committed(.valid, height: 1))
    }

    func query(_ signedCall: Transaction, account: Int, timeout: Duration) async -> TransactionTrace {
        await submit(signedCall, signer: SigningAccount.deterministic(seed: 0, index: 0), account: account, timeout: timeout)
    }

    func nextNonce(of address: Address) async -> UInt64? { nil }

    func submitInOrder(_ transactions: [Transaction], signer: SigningAccount, account: Int, timeout: Duration) async -> [TransactionTrace] {
        var traces: [TransactionTrace] = []
        for transaction in transactions { traces.append(await submit(transaction, signer: signer, account: account, timeout: timeout)) }
        return traces
    }
}

@Suite("Round runner", .serialized)
struct RoundRunnerTests {
    static func generator(_ workload: Workload, accounts: AccountPool) -> WorkloadGenerator {
        WorkloadGenerator(workload: workload, context: WorkloadContext(seed: 1, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds()))
    }

    /// One account, window 1, a target that takes 50 ms, a schedule of 200 tps: transactions queue
    /// in the driver, so latency from the intended time grows while latency from sending does not.
    @Test func aStalledTargetShowsInLatencyFromIntendedOnly() async {
        let accounts = AccountPool(seed: 1, count: 1, window: 1)
        let runner = RoundRunner(target: SlowTarget(delay: .milliseconds(50)),
                                 generator: Self.generator(.simpleOpen(SimpleArguments()), accounts: accounts), accounts: accounts)
        let recording = await runner.run(label: "stalled", length: .transactions(30), schedule: FixedRateSchedule(tps: 200))
        let figures = RoundFigures(recording: recording)
        #expect(figures.succeeded == 30)
        // Once sent, every transaction takes the target's 50 ms ...
        #expect(figures.latencyFromSent.min >= 0.049)
        // ... but before that it queues behind the account's earlier transactions: the last one
        // waited for 29 x 50 ms of them, whatever the machine's load, and only latency from the
        // intended time shows it.
        let queueing = recording.records.map { Double($0.sentNanoseconds - min($0.sentNanoseconds, $0.intendedNanoseconds)) / 1e9 }
        #expect(queueing.last! - queueing.first! >= 1.2, "queueing \(queueing.first!) -> \(queueing.last!)")
        #expect(figures.latencyFromIntended.max >= figures.latencyFromSent.max + 1.2)
    }

    @Test func noopAnswersEverythingAndCountsTrim() async {
        let accounts = AccountPool(seed: 1, count: 10, window: 4)
        let runner = RoundRunner(target: NoopTarget(), generator: Self.generator(.noop, accounts: accounts), accounts: accounts)
        let recording = await runner.run(label: "noop", length: .transactions(2_000), trim: .transactions(500),
                                         schedule: FixedRateSchedule(tps: 20_000))
        let figures = RoundFigures(recording: recording)
        #expect(figures.succeeded == 1_500)
        #expect(figures.trimmed == 500)
        #expect(figures.failed == 0)
        #expect(Set(recording.records.map(\.index)) == Set(0..<2_000))
    }

    /// With nonce window 1, no account ever has two transactions in flight (checked on the event
    /// log), and 500 transactions over 25 accounts take at least 20 commit latencies.
    @Test func nonceWindowOneSerialisesEachAccount() async throws {
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-window-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let accounts = AccountPool(seed: 3, count: 25, window: 1)
        let generator = Self.generator(.simpleOpen(SimpleArguments()), accounts: accounts)
        let plan = FederationPlan(
            genesis: GenesisConfiguration(chainId: "window", regulator: generator.context.regulator.address),
            members: FederationMembers(orderers: 1, organizations: [("org1", 2)]),
            orderer: OrdererOptions(batch: BatchOptions(maxMessageCount: 25, batchTimeoutMilliseconds: 20), tickMilliseconds: 50),
            directory: directory, seed: 3)
        let federation = try await InProcessFederation.start(plan)
        #expect(await federation.awaitLeader(timeout: .seconds(10)) != nil)
        let runner = RoundRunner(target: FederationTarget(federation: federation), generator: generator, accounts: accounts)
        let recording = await runner.run(label: "window", length: .transactions(500), schedule: FixedRateSchedule(tps: 5_000))
        await federation.stop()

        let figures = RoundFigures(recording: recording)
        #expect(figures.succeeded == 500)
        var perAccount: [Int] = []
        for account in 0..<25 {
            let lives = recording.records.filter { $0.account == account }.sorted { $0.sentNanoseconds < $1.sentNanoseconds }
            perAccount.append(lives.count)
            for (earlier, later) in zip(lives, lives.dropFirst()) {
                #expect(later.sentNanoseconds >= earlier.finishedNanoseconds, "account \(account) had two in flight")
            }
        }
        // Accounts return to the pool as they finish, so shares vary; some account carries at least 20.
        #expect(perAccount.reduce(0, +) == 500)
        #expect(perAccount.max()! >= 20)
        #expect(figures.totalExecutionSeconds >= 20 * figures.latencyFromSent.min)
        #expect(figures.totalExecutionSeconds >= 20 * figures.latencyFromSent.p50 * 0.8)
    }
}

@Suite("Benchmark run", .serialized)
struct BenchmarkRunTests {
    @Test func aSmallRaftRunEndsConsistentAndWritesRunJSON() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: tiny
            seed: 9
            network:
              consensus: raft
              organizations: [{ name: org1, peers: 2 }]
              raft: { orderers: 1, batchTimeout: 20ms }
            accounts: 10
            rounds:
              - { label: open, txNumber: 60, rateControl: { type: fixed-rate, opts: { tps: 300 } }, workload: { module: simple/open } }
              - { label: query, txNumber: 60, rateControl: { type: fixed-rate, opts: { tps: 300 } }, workload: { module: simple/query, arguments: { numberOfAccounts: 50 } } }
              - { label: treat, txNumber: 40, rateControl: { type: fixed-load, opts: { startTps: 100, transactionLoad: 5 } }, workload: { module: clinical/mix, arguments: { patients: 5 } } }
            """, fileName: "tiny.yaml")
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-run-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let run = BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
        let report = try await run.run(runId: "test")
        #expect(report.consistent)
        let rounds = try #require(report.repetitions.first?.rounds)
        #expect(rounds.map(\.label) == ["open", "query", "treat"])
        #expect(rounds[0].succeeded == 60)
        #expect(rounds[1].succeeded == 60, "queries of accounts that exist: \(rounds[1].failures)")
        #expect(rounds[2].succeeded + rounds[2].failed == 40)
        #expect(rounds[2].failed == 0, "clinical mix failures: \(rounds[2].failures)")

        // Every node's resources per round, with the seed papers' relations that hold by construction:
        // a query never reaches the orderer and writes nothing; on `open` the orderer sends the most.
        let resources = try #require(report.repetitions.first?.resources)
        #expect(resources.map(\.label) == ["open", "query", "treat"])
        #expect(Set(resources[0].nodes.map(\.node)) == ["orderer0", "peer0.org1", "peer1.org1", "process"])
        let query = resources[1].nodes.filter { $0.node != "process" }
        #expect(query.allSatisfy { $0.diskWrittenBytes == 0 }, "a query round wrote: \(query.map(\.diskWrittenBytes))")
        // Nearly idle: only the peers' small deliver polls (one per peer per 500 ms) reach it.
        #expect(query.first { $0.node == "orderer0" }!.networkInBytes < 1_000)
        let open = resources[0].nodes
        let ordererOut = open.first { $0.node == "orderer0" }!.networkOutBytes
        #expect(open.filter { $0.node.hasPrefix("peer") }.allSatisfy { $0.networkOutBytes < ordererOut })
        #expect(open.filter { $0.node != "process" }.allSatisfy { $0.diskWrittenBytes > 0 })

        let directory = try ResultsDirectory.create(root: scratch + "/Results", benchmark: "tiny", runId: "test")
        try ResultsDirectory.write(report, to: directory)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/run.json"))) as? [String: Any]
        #expect(json?["consistent"] as? Bool == true)
        let resourcesCSV = try String(contentsOfFile: directory + "/resources.csv", encoding: .utf8)
        #expect(resourcesCSV.hasPrefix("Round,Node,RAM (MB),"))
        #expect(resourcesCSV.split(separator: "\n").count == 1 + 3 * 4)
        #expect(json?["machine"] != nil)
        #expect((json?["repetitions"] as? [[String: Any]])?.first?["nodes"] != nil)
        // An existing run directory is never overwritten.
        #expect(throws: RunError.self) { try ResultsDirectory.create(root: scratch + "/Results", benchmark: "tiny", runId: "test") }
    }
}

@Suite("Repetitions on one federation", .serialized)
struct ReusedFederationTests {
    /// With `reuseFederation`, repetitions share the federation: the chain carries over, nonces
    /// and prepared facts too, and every repetition still ends with the nodes compared.
    @Test func repetitionsShareTheChain() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: reused
            network:
              consensus: raft
              organizations: [{ name: org1, peers: 2 }]
              raft: { orderers: 1, batchTimeout: 20ms }
            accounts: 8
            repetitions: 2
            reuseFederation: true
            rounds:
              - { label: treat, txNumber: 40, rateControl: { type: fixed-rate, opts: { tps: 200 } }, workload: { module: clinical/register-treatment, arguments: { patients: 4 } } }
            """, fileName: "reused.yaml")
        #expect(configuration.reuseFederation)
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-reuse-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = try await BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
            .run(runId: "r")
        #expect(report.repetitions.count == 2)
        #expect(report.consistent)
        #expect(report.repetitions.allSatisfy { $0.rounds[0].succeeded == 40 })
        let first = try #require(report.repetitions[0].nodes.first?.height)
        let second = try #require(report.repetitions[1].nodes.first?.height)
        #expect(second > first, "the second repetition continued the first one's chain")
    }
}
