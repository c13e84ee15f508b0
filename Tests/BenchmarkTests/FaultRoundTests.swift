import Foundation
import Testing
@testable import Benchmark
@testable import BenchmarkSpec
@testable import Results
@testable import Load

/// Rounds with faults on small in-process federations of each consensus: each fault is carried
/// out, its figures are computed, nodes a fault left down are named, and nothing is lost.
@Suite("Faults in rounds (in process)", .serialized)
struct FaultRoundTests {
    static func run(_ yaml: String) async throws -> RunReport {
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "faults.yaml")
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-faults-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        var run = BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
        run.transactionTimeout = .seconds(3)
        return try await run.run(runId: "faults")
    }

    @Test func raftLeaderCrashPartitionAndSlowPeer() async throws {
        let report = try await Self.run("""
            name: raft-faults
            network:
              consensus: raft
              organizations: [ { name: org1, peers: 1 }, { name: org2, peers: 1 } ]
              raft: { orderers: 3, batchTimeout: 50ms, electionTimeout: 500ms }
            accounts: 60
            rounds:
              - { label: steady, txDuration: 6s, rateControl: { type: fixed-rate, opts: { tps: 100 } }, workload: { module: simple/open } }
              - label: faulty
                txDuration: 6s
                rateControl: { type: fixed-rate, opts: { tps: 100 } }
                workload: { module: simple/open }
                faults:
                  - { at: 2500ms, crash: orderer-leader }
                  - { at: 3500ms, partition: [[peer0.org1], rest], for: 1s }
                  - { at: 5s, slow: peer0.org2, latency: 100ms, for: 500ms }
                  - { at: 5500ms, pause: peer0.org1, for: 300ms }
            """)
        let repetition = try #require(report.repetitions.first)
        let faulty = try #require(repetition.rounds.last)
        let figures = try #require(faulty.faults)
        #expect(figures.applied.map(\.kind) == ["crash", "partition", "heal", "slow", "unslow", "pause", "resume"], "\(figures.applied)")
        #expect(figures.applied.allSatisfy { $0.error == nil })
        let crashed = try #require(figures.applied.first?.nodes.first)
        #expect(crashed.hasPrefix("orderer"))
        #expect(figures.crashToNextCommitSeconds.count == 1 && figures.crashToNextCommitSeconds[0] != nil)
        #expect(figures.unavailabilitySeconds > 0.2, "a leader crash leaves a gap: \(figures.unavailabilitySeconds)")
        #expect((figures.preFaultThroughput ?? 0) > 50)
        #expect(figures.recoveries.map(\.fault.first) == ["c", "p", "s", "p"])
        #expect(figures.sensitivity?.baseline == "steady")
        #expect(figures.commitsPer100Milliseconds.reduce(0, +) == faulty.succeeded)
        #expect(RoundFigure.unavailability.value(of: faulty) == figures.unavailabilitySeconds)
        #expect(RoundFigure.unavailability.value(of: repetition.rounds[0]).isNaN, "a round without faults does not measure it")
        // The crashed orderer stays down: named, not checked; the others agree and lost nothing.
        #expect(repetition.plannedDownNodes.map(\.name) == [crashed])
        #expect(repetition.uncheckedNodes.isEmpty && repetition.incidents.isEmpty && repetition.failedFaults.isEmpty)
        #expect(repetition.consistent)
        #expect(repetition.commitChecks.allSatisfy(\.passed) && repetition.commitChecks[0].nodes.count == 4)
    }

    @Test func proofOfWorkPeerCrashAndMinerPartition() async throws {
        let report = try await Self.run("""
            name: pow-faults
            network:
              consensus: pow
              organizations: [ { name: org1, peers: 2 } ]
              pow: { miners: 2, targetBlockInterval: 200ms, confirmations: 1 }
            accounts: 20
            rounds:
              - label: faulty
                txDuration: 5s
                rateControl: { type: fixed-rate, opts: { tps: 20 } }
                workload: { module: simple/open }
                faults:
                  - { at: 1s, partition: [[miner0], rest], for: 1s }
                  - { at: 3s, crash: "peer:1" }
            """)
        let repetition = try #require(report.repetitions.first)
        let figures = try #require(repetition.rounds.first?.faults)
        #expect(figures.applied.map(\.kind) == ["partition", "heal", "crash"])
        #expect(repetition.plannedDownNodes.count == 1 && repetition.plannedDownNodes[0].name.hasPrefix("peer"))
        #expect(repetition.consistent, "\(repetition.nodes) \(repetition.commitChecks.map(\.line))")
        #expect(repetition.failedFaults.isEmpty)
    }

    @Test func noLedgerStoreSlowed() async throws {
        let report = try await Self.run("""
            name: store-faults
            network: { consensus: none }
            accounts: 20
            rounds:
              - label: faulty
                txDuration: 3s
                rateControl: { type: fixed-rate, opts: { tps: 50 } }
                workload: { module: simple/open }
                faults:
                  - { at: 1s, slow: store, latency: 300ms, for: 1s }
            """)
        let repetition = try #require(report.repetitions.first)
        let round = try #require(repetition.rounds.first)
        let figures = try #require(round.faults)
        #expect(figures.applied.map(\.kind) == ["slow", "unslow"])
        #expect(round.latencyFromSent.max > 0.3, "frames to and from the store waited 300 ms")
        #expect(repetition.consistent && round.failed == 0)
    }
}

/// The fault figures from records made by hand: every number follows from the definitions.
@Suite("Fault figures")
struct FaultFigureTests {
    static func record(_ index: Int, sent: Double, finished: Double, _ outcome: RecordedOutcome = .succeeded) -> TransactionRecord {
        TransactionRecord(index: index, account: 0, intendedNanoseconds: UInt64(sent * 1e9), sentNanoseconds: UInt64(sent * 1e9),
                          acknowledgedNanoseconds: nil, finishedNanoseconds: UInt64(finished * 1e9), outcome: outcome)
    }

    @Test func gapsRecoveryAndFailuresFollowTheDefinitions() {
        // 10 commits a second for 4 s, nothing from 4 s to 6.5 s (a crash at 4 s), then 10 a second again.
        var records: [TransactionRecord] = []
        for tenth in 0..<40 { records.append(Self.record(records.count, sent: Double(tenth) / 10, finished: Double(tenth) / 10 + 0.05)) }
        for tenth in 40..<50 { records.append(Self.record(records.count, sent: Double(tenth) / 10, finished: Double(tenth) / 10 + 3, .timedOut)) }
        for tenth in 65..<100 { records.append(Self.record(records.count, sent: Double(tenth) / 10, finished: Double(tenth) / 10 + 0.05)) }
        let figures = FaultFigures.compute(records: records, applied: [AppliedFault(seconds: 4, fault: "crash orderer-leader", kind: "crash", nodes: ["orderer1"])],
                                           durationNanoseconds: 10_000_000_000, faultEndSeconds: nil)
        #expect(abs(figures.unavailabilitySeconds - 2.6) < 1e-6, "3.95 s to 6.55 s")
        #expect(abs(figures.unavailabilityStartSeconds - 3.95) < 1e-6)
        #expect(abs((figures.crashToNextCommitSeconds[0] ?? 0) - 2.55) < 1e-6)
        #expect(abs((figures.preFaultThroughput ?? 0) - 10) < 0.5)
        // The first window from the fault with at least 9 commits starts at 6.5 s: recovered 3.5 s after.
        let recovery = figures.recoveries[0].recoverySeconds ?? 0
        #expect(abs(recovery - 3.5) < 0.11, "\(recovery)")
        #expect(figures.failuresDuringFaults == ["timeout": 10])
        #expect(figures.commitsPer100Milliseconds.reduce(0, +) == 75)
    }

    @Test func theWassersteinDistanceIsTheMeanQuantileGap() {
        #expect(FailureSensitivity.wasserstein({ $0 / 100 }, { $0 / 100 }) == 0)
        #expect(abs(FailureSensitivity.wasserstein({ $0 / 100 }, { $0 / 100 + 0.25 }) - 0.25) < 1e-12, "a shift by 0.25 s")
    }
}

/// When a round is flagged as the driver's: lag that matters against its latencies, or a send rate
/// below the schedule's.
@Suite("Driver-limited rounds")
struct DriverLimitedTests {
    @Test func lagIsJudgedAgainstTheRoundsLatencyAndTheSendRateAgainstTheSchedule() {
        // 10.6 ms of lag against 0.14 s median latency, on schedule: not the driver's figures.
        #expect(!DriverHealth.isLimited(lagP99Milliseconds: 10.6, latencyP50Seconds: 0.143, intendedRate: 100, achievedSendRate: 100.2))
        // The same lag against 20 ms latencies is half the latency: flagged.
        #expect(DriverHealth.isLimited(lagP99Milliseconds: 10.6, latencyP50Seconds: 0.02, intendedRate: 100, achievedSendRate: 100))
        // Lag under 10 ms never flags; a send rate 10% short always does.
        #expect(!DriverHealth.isLimited(lagP99Milliseconds: 9, latencyP50Seconds: 0.001, intendedRate: 100, achievedSendRate: 99))
        #expect(DriverHealth.isLimited(lagP99Milliseconds: 1, latencyP50Seconds: 0.1, intendedRate: 1000, achievedSendRate: 900))
    }
}
