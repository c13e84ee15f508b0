import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// The benchmark files committed with the package stay valid.
@Suite("Committed benchmark files")
struct CommittedBenchmarkTests {
    @Test("validates", arguments: [
        "benchmark.yaml", "Workloads/ci-smoke.yaml", "Workloads/caliper-simple.yaml", "Workloads/caliper-smallbank.yaml", "Workloads/faults-raft.yaml", "Workloads/fabric-simple-raft.yaml",
        "Workloads/treatment-registration.yaml",
    ])
    func validates(relativePath: String) throws {
        let path = TestFiles.packageRoot.appendingPathComponent(relativePath).path
        let configuration = try BenchmarkConfiguration.load(path: path)
        #expect(!configuration.rounds.isEmpty)
    }

    @Test("benchmark.yaml is the federation smoke test")
    func federationSmoke() throws {
        let path = TestFiles.packageRoot.appendingPathComponent("benchmark.yaml").path
        let configuration = try BenchmarkConfiguration.load(path: path)
        #expect(configuration.name == "federation-smoke")
        #expect(configuration.accounts == 100)
        #expect(configuration.nodeNames == ["orderer0", "peer0.org1", "peer1.org1", "peer0.org2", "peer1.org2"])
        #expect(configuration.rounds.map(\.label) == ["open", "query", "transfer", "register-treatment"])
        #expect(configuration.rounds.map(\.length) == [.transactions(1000), .transactions(1000), .transactions(1000), .transactions(500)])
        #expect(configuration.rounds.map(\.rateControl) == [
            .fixedRate(tps: 200), .fixedRate(tps: 400), .fixedRate(tps: 200), .fixedRate(tps: 100),
        ])
        #expect(configuration.rounds[0].workload == .simpleOpen(SimpleArguments(numberOfAccounts: 1000)))
        #expect(configuration.rounds[3].workload == .clinicalRegisterTreatment(patients: 100))
    }
}
