import Foundation
import Testing
@testable import Benchmark
@testable import BenchmarkSpec
@testable import Results

/// Benchmark files in Caliper's shapes, current and older, and Smallbank, each run end to end on a
/// small in-process federation (Caliper's files name no network: vernier's default one runs them).
@Suite("Caliper files run end to end", .serialized)
struct CaliperFileRunTests {
    /// Reads `yaml`, runs it and returns its only repetition; every round must be consistent.
    static func run(_ yaml: String, name: String) async throws -> (BenchmarkConfiguration, RepetitionReport) {
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "\(name).yaml")
        let (report, _, scratch) = try await PaperReproductionTests.run(configuration)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        #expect(report.consistent, "the ledger check failed")
        return (configuration, try #require(report.repetitions.first))
    }

    /// Every transaction of every round succeeded: `expected` counts by label.
    static func expectAllSucceeded(_ repetition: RepetitionReport, _ expected: [String: Int]) {
        #expect(Set(repetition.rounds.map(\.label)) == Set(expected.keys))
        for round in repetition.rounds {
            #expect(round.succeeded == expected[round.label] && round.failed == 0, "\(round.label): \(round.succeeded) \(round.failures)")
        }
    }

    /// Caliper's current layout: an anchor block, aliases, a merge key that adds an argument
    /// vernier does not use, `workers`, and the `monitors` section.
    @Test func theCurrentSimpleLayoutRuns() async throws {
        let (configuration, repetition) = try await Self.run("""
            simpleArgs: &simple-args
              initialMoney: 10000
              moneyToTransfer: 100
              numberOfAccounts: 20
            test:
              name: simple
              workers: { number: 2 }
              rounds:
                - label: open
                  txNumber: 20
                  rateControl: { type: fixed-rate, opts: { tps: 50 } }
                  workload:
                    module: benchmarks/scenario/simple/open.js
                    arguments: *simple-args
                - label: query
                  txNumber: 20
                  rateControl: { type: fixed-rate, opts: { tps: 50 } }
                  workload:
                    module: benchmarks/scenario/simple/query.js
                    arguments: *simple-args
                - label: transfer
                  txNumber: 20
                  rateControl: { type: fixed-rate, opts: { tps: 50 } }
                  workload:
                    module: benchmarks/scenario/simple/transfer.js
                    arguments:
                      << : *simple-args
                      money: 100
            monitors:
              resource:
                - module: docker
                  options: { interval: 1, containers: [all] }
            """, name: "simple")
        Self.expectAllSucceeded(repetition, ["open": 20, "query": 20, "transfer": 20])
        #expect(configuration.anchorBlocks == ["simpleArgs"])
        #expect(configuration.readingNotes.contains { $0.contains("arguments.money: not an argument vernier's simple/transfer uses") })
    }

    /// Older Caliper: `clients`, `callback` with round arguments, one-element lists, a list of
    /// several values (rounds in sequence), `txDuration` in bare seconds and `monitor`.
    @Test func theOlderLayoutRunsWithItsSequences() async throws {
        let (configuration, repetition) = try await Self.run("""
            test:
              name: simple-old
              clients: { type: local, number: 5 }
              rounds:
              - label: open
                txNumber: [15, 25]
                rateControl:
                - { type: fixed-rate, opts: { tps: 50 } }
                - { type: fixed-rate, opts: { tps: 100 } }
                arguments: { money: 10000 }
                callback: benchmark/simple/open.js
              - label: query
                txDuration: [1]
                rateControl: [ { type: fixed-rate, opts: { tps: 20 } } ]
                arguments: { numberOfAccounts: 40 }
                callback: benchmark/simple/query.js
            monitor: { type: [docker, process], interval: 1 }
            """, name: "simple-old")
        #expect(configuration.rounds.map(\.label) == ["open 1", "open 2", "query"])
        #expect(configuration.rounds[2].length == .duration(.seconds(1)))
        #expect(repetition.rounds.map(\.label) == ["open 1", "open 2", "query"])
        #expect(repetition.rounds[0].succeeded == 15 && repetition.rounds[1].succeeded == 25)
        #expect(repetition.rounds.allSatisfy { $0.failed == 0 }, "\(repetition.rounds.map(\.failures))")
        #expect(repetition.rounds[2].succeeded >= 15, "a one-second round at 20 tps sent \(repetition.rounds[2].succeeded)")
    }

    /// Smallbank in Caliper's current layout: create, modify (with batches) and query, sharing a
    /// rate-control anchor and an arguments anchor reused with a merge key.
    @Test func theCurrentSmallbankLayoutRuns() async throws {
        let (configuration, repetition) = try await Self.run("""
            rateControl: &rate-control
              type: fixed-rate
              opts: { tps: 50 }
            smallbankArgs: &smallbank-args
              accountsGenerated: 20
              txnPerBatch: 1
            test:
              name: smallbank
              workers: { type: local, number: 1 }
              rounds:
                - label: create
                  txNumber: 20
                  rateControl: *rate-control
                  workload: { module: benchmarks/scenario/smallbank/create.js, arguments: *smallbank-args }
                - label: modify
                  txNumber: 20
                  rateControl: *rate-control
                  workload:
                    module: benchmarks/scenario/smallbank/modify.js
                    arguments: { << : *smallbank-args, txnPerBatch: 2 }
                - label: query
                  txNumber: 20
                  rateControl: *rate-control
                  workload: { module: benchmarks/scenario/smallbank/query.js, arguments: *smallbank-args }
            """, name: "smallbank")
        #expect(configuration.anchorBlocks == ["rateControl", "smallbankArgs"])
        #expect(configuration.rounds.map(\.workload.module) == ["smallbank/create", "smallbank/modify", "smallbank/query"])
        // Two transactions at each of modify's 20 slots.
        Self.expectAllSucceeded(repetition, ["create": 20, "modify": 40, "query": 20])
        let query = try #require(repetition.heights.first { $0.label == "query" })
        #expect(query.start == query.end, "queries append no block")
    }

    /// Smallbank in older Caliper's layout: `smallbankOperations.js` creates its `accounts` first,
    /// then draws the operations; `query.js` reads what it created.
    @Test func theOlderSmallbankLayoutRuns() async throws {
        let (configuration, repetition) = try await Self.run("""
            test:
              name: smallbank-old
              clients: { type: local, number: 5 }
              rounds:
              - label: smallOperations
                txNumber: [40]
                rateControl: [ { type: fixed-rate, opts: { tps: 50 } } ]
                arguments: { accounts: 10, txnPerBatch: 1 }
                callback: benchmark/smallbank/smallbankOperations.js
              - label: query
                txNumber: [20]
                rateControl: [ { type: fixed-rate, opts: { tps: 50 } } ]
                callback: benchmark/smallbank/query.js
            monitor: { type: docker, docker: { name: [all] }, interval: 1 }
            """, name: "smallbank-old")
        #expect(configuration.rounds[0].workload == .smallbankOperations(SmallbankArguments(accountsGenerated: 10)))
        #expect(configuration.rounds[1].workload == .smallbankQuery(SmallbankArguments()))
        #expect(repetition.rounds[1].succeeded == 20 && repetition.rounds[1].failed == 0)
        // An operation may reach the orderer before the creation of a customer it names (both are
        // in flight at once, as in Caliper): that is the only failure allowed.
        let operations = repetition.rounds[0]
        #expect(operations.succeeded + operations.failed == 40 && operations.succeeded >= 30)
        #expect(Set(operations.failures.keys).isSubset(of: ["invalid:customerMissing"]), "\(operations.failures)")
    }

    /// Caliper's record-rate writes each send time of its round; replay-rate releases the next
    /// round at those times, then at its default sleep once the trace runs out.
    @Test func aRecordedRoundReplays() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            test:
              name: record-replay
              rounds:
                - label: recorded
                  txNumber: 20
                  rateControl:
                    type: record-rate
                    opts: { rateController: { type: fixed-rate, opts: { tps: 50 } }, pathTemplate: "trace_<R>_<C>.txt", outputFormat: TEXT }
                  workload: { module: benchmarks/scenario/simple/open.js }
                - label: replayed
                  txNumber: 25
                  rateControl: { type: replay-rate, opts: { pathTemplate: "trace_0_<C>.txt", defaultSleepTime: 20 } }
                  workload: { module: benchmarks/scenario/simple/open.js }
            """, fileName: "record-replay.yaml")
        let (report, _, scratch) = try await PaperReproductionTests.run(configuration)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let repetition = try #require(report.repetitions.first)
        #expect(repetition.rounds.map(\.succeeded) == [20, 25])
        let trace = try String(contentsOfFile: scratch + "/trace_0_0.txt", encoding: .utf8).split(separator: "\n").map { Int($0)! }
        // 20 sends at 50 tps: 0 to 380 ms after the round's start, give or take the scheduler.
        #expect(trace.count == 20 && trace == trace.sorted())
        #expect(trace.first! < 100 && (300...1_000).contains(trace.last!), "\(trace)")
    }

    /// vernier's own layout: Smallbank on every consensus of one file.
    @Test func smallbankRunsOnEveryConsensus() async throws {
        var yaml = """
            name: smallbank-everywhere
            networks:
              raft:
                consensus: raft
                organizations: [ { name: org1, peers: 2 } ]
                raft: { orderers: 1 }
              pow:
                consensus: pow
                organizations: [ { name: org1, peers: 1 } ]
                pow: { miners: 1, targetBlockInterval: 200ms, confirmations: 1 }
              none:
                consensus: none
            accounts: 10
            rounds:

            """
        for network in ["raft", "pow", "none"] {
            yaml += """
                  - { label: create \(network), network: \(network), txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 50 } }, workload: { module: smallbank/create } }
                  - { label: modify \(network), network: \(network), txNumber: 20, rateControl: { type: fixed-rate, opts: { tps: 50 } }, workload: { module: smallbank/modify, arguments: { accountsGenerated: 10, mix: { balance: 1 } } } }
                  - { label: query \(network), network: \(network), txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 50 } }, workload: { module: smallbank/query } }

                """
        }
        let (_, repetition) = try await Self.run(yaml, name: "smallbank-everywhere")
        var expected: [String: Int] = [:]
        for network in ["raft", "pow", "none"] {
            expected["create \(network)"] = 10
            expected["modify \(network)"] = 20
            expected["query \(network)"] = 10
        }
        Self.expectAllSucceeded(repetition, expected)
    }

    /// Smallbank's contention: few customers, many concurrent updates. Under execute-order-validate
    /// updates endorsed on the same version of a customer conflict; under order-execute none do.
    @Test func smallbankShowsItsContentionUnderExecuteOrderValidateOnly() async throws {
        let file = """
            name: smallbank-contention
            network:
              consensus: raft
              organizations: [ { name: org1, peers: 1 }, { name: org2, peers: 1 } ]
              raft:
                flow: execute-order-validate
                endorsement: { policy: "AND('org1.member', 'org2.member')" }
            accounts: 40
            rounds:
              - { label: create, txNumber: 8, rateControl: { type: fixed-rate, opts: { tps: 100 } }, workload: { module: smallbank/create } }
              - { label: modify, txNumber: 120, rateControl: { type: fixed-rate, opts: { tps: 200 } }, workload: { module: smallbank/modify, arguments: { accountsGenerated: 8 } } }
            """
        let (_, endorsed) = try await Self.run(file, name: "smallbank-eov")
        let conflicted = try #require(endorsed.rounds.first { $0.label == "modify" })
        #expect(conflicted.succeeded + conflicted.failed == 120)
        // Endorsers that simulated on different heights may also disagree (`endorsement:mismatch`).
        #expect(conflicted.failures.keys.contains("invalid:mvccReadConflict")
                && Set(conflicted.failures.keys).isSubset(of: ["invalid:mvccReadConflict", "endorsement:mismatch"]), "\(conflicted.failures)")
        #expect((conflicted.failures["invalid:mvccReadConflict"] ?? 0) >= 12,
                "only \(conflicted.failures) of 120 updates of 8 customers conflicted")

        let orderExecute = file.replacingOccurrences(of: "flow: execute-order-validate", with: "flow: order-execute")
            .replacingOccurrences(of: "    endorsement: { policy: \"AND('org1.member', 'org2.member')\" }\n", with: "")
        let (_, ordered) = try await Self.run(orderExecute, name: "smallbank-oe")
        let serial = try #require(ordered.rounds.first { $0.label == "modify" })
        #expect(serial.succeeded == 120 && serial.failed == 0, "\(serial.failures)")
    }
}
