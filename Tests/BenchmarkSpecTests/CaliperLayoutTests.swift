import Foundation
import Testing
@testable import BenchmarkSpec

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
                - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: benchmarks/scenario/smallbank/query.js } }
            """
        #expect {
            try BenchmarkConfiguration(yaml: yaml, fileName: "caliper.yaml")
        } throws: { error in
            guard let errors = error as? ConfigurationErrors else { return false }
            return errors.errors.contains { $0.path == "test.rounds[0].workload.module" && $0.message.contains("smallbank/query.js") }
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
