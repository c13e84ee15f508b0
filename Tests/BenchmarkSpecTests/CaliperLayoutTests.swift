import Foundation
import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

@Suite("Caliper's benchmark layout")
struct CaliperLayoutTests {
    @Test func theCommittedCaliperFileMapsOntoBuiltIns() throws {
        let configuration = try BenchmarkConfiguration.load(path: TestFiles.packageRoot.appendingPathComponent("Workloads/caliper-simple.yaml").path)
        #expect(configuration.name == "simple")
        #expect(configuration.rounds.map(\.label) == ["open", "query", "transfer"])
        #expect(configuration.rounds.map(\.workload.module) == ["simple/open", "simple/query", "simple/transfer"])
        #expect(configuration.rounds[0].rateControl == .fixedRate(tps: 50))
        #expect(configuration.monitor.interval == .seconds(5))
        #expect(configuration.network == BenchmarkConfiguration.caliperDefaultNetwork)
        #expect(configuration.nodeNames == ["orderer0", "peer0.org1", "peer1.org1", "peer0.org2", "peer1.org2"])
    }

    @Test func anUnmappedCaliperModuleIsNamed() {
        let yaml = """
            test:
              name: x
              rounds:
                - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: benchmarks/scenario/marbles/query.js } }
            """
        #expect {
            try BenchmarkConfiguration(yaml: yaml, fileName: "caliper.yaml")
        } throws: { error in
            guard let errors = error as? ConfigurationErrors else { return false }
            return errors.errors.contains { $0.path == "test.rounds[0].workload.module" && $0.message.contains("marbles/query.js") && $0.message.contains("smallbank/modify.js") }
        }
    }

    @Test func unknownKeysInCaliperLayoutAreStillErrors() {
        let yaml = """
            test:
              name: x
              rouns: []
            """
        #expect {
            try BenchmarkConfiguration(yaml: yaml, fileName: "caliper.yaml")
        } throws: { error in
            (error as? ConfigurationErrors)?.errors.contains { $0.path == "test.rouns" && $0.suggestion == "rounds" } ?? false
        }
    }
}

/// Smallbank's modules and arguments as Caliper's files and vernier's own give them.
@Suite("Smallbank modules")
struct SmallbankModuleTests {
    static func file(_ workload: String) -> String {
        """
        name: smallbank
        network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }
        rounds:
          - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: \(workload) }
        """
    }

    @Test func argumentsAndTheMixAreRead() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file("""
            { module: smallbank/modify, arguments: { accountsGenerated: 50, txnPerBatch: 3, maximumAmount: 10, mix: { amalgamate: 0, balance: 2 } } }
            """), fileName: "smallbank.yaml")
        var mix = SmallbankMix()
        mix[.amalgamate] = 0
        mix[.balance] = 2
        #expect(configuration.rounds[0].workload == .smallbankModify(SmallbankArguments(
            accountsGenerated: 50, txnPerBatch: 3, maximumAmount: 10, mix: mix)))
        #expect(configuration.rounds[0].workload.transactionsPerRelease == 3)
        #expect(configuration.readingNotes.contains { $0.contains("txnPerBatch: each slot of the rate controller releases 3 transactions") })
    }

    @Test func vernierModulesStayStrictAndCaliperOnesNoteWhatTheyDoNotUse() throws {
        let strict = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: Self.file("{ module: smallbank/create, arguments: { accountsGenerated: 5 } }"), fileName: "s.yaml")
        }
        #expect(strict.errors.contains { $0.path == "rounds[0].workload.arguments.accountsGenerated" && $0.message == "unknown key" })
        let caliper = try BenchmarkConfiguration(yaml: """
            test:
              name: s
              rounds:
                - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: benchmarks/scenario/smallbank/create.js, arguments: { accountsGenerated: 5, txnPerBatch: 1 } } }
            """, fileName: "s.yaml")
        #expect(caliper.rounds[0].workload == .smallbankCreate(SmallbankArguments()))
        #expect(caliper.readingNotes.contains { $0.contains("accountsGenerated: not an argument vernier's smallbank/create uses: ignored") })
    }

    @Test func badArgumentsAreErrorsThatNameThem() throws {
        for (workload, path, message) in [
            ("{ module: smallbank/modify, arguments: { accountsGenerated: 3 } }", "rounds[0].workload.arguments.accountsGenerated", "at least 4"),
            ("{ module: smallbank/modify, arguments: { txnPerBatch: two } }", "rounds[0].workload.arguments.txnPerBatch", "integer"),
            ("{ module: smallbank/modify, arguments: { mix: { transactSaving: 1 } } }", "rounds[0].workload.arguments.mix.transactSaving", "transactSavings"),
            ("{ module: smallbank/modify, arguments: { mix: { transactSavings: 0, depositChecking: 0, sendPayment: 0, writeCheck: 0, amalgamate: 0 } } }",
             "rounds[0].workload.arguments.mix", "cannot all be 0"),
            ("{ module: smallbank/operations }", "rounds[0].workload.arguments.accounts", "missing required key"),
            ("{ module: smallbank/operations, arguments: { txnPerBatch: 1 } }", "rounds[0].workload.arguments.accounts", "missing required key"),
        ] {
            let errors = try #require(throws: ConfigurationErrors.self) {
                try BenchmarkConfiguration(yaml: Self.file(workload), fileName: "s.yaml")
            }
            #expect(errors.errors.contains { $0.path == path && ($0.message + " " + ($0.suggestion ?? "")).contains(message) },
                    "\(workload): \(errors.errors.map { "\($0.path): \($0.message)" })")
        }
    }
}
