import Testing
@testable import NetworkSpec
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// `network.resources`: each node's CPU and memory, read in the file's and Kubernetes' forms.
@Suite("Node resources")
struct NodeResourceLimitsTests {
    /// A hosts federation whose `network.resources` is `resources`.
    static func file(resources: String) -> String {
        """
        name: resources
        network:
          consensus: raft
          deployment: hosts
          organizations:
            - { name: org1, peers: 1 }
          hosts:
            - { name: ordering, address: 10.0.0.1 }
            - { name: hospital, address: 10.0.0.2 }
          resources: \(resources)
        rounds:
          - label: open
            txNumber: 10
            rateControl: { type: fixed-rate, opts: { tps: 5 } }
            workload: { module: simple/open }
        """
    }

    @Test("cores, millicores and sizes read as millicores and bytes", arguments: [
        ("{ cpu: \"2\", memory: 2Gi }", 2_000, 2 << 30),
        ("{ cpu: 0.5, memory: 512MiB }", 500, 512 << 20),
        ("{ cpu: 250m, memory: 1GB }", 250, 1_000_000_000),
        ("{ cpu: 3, memory: 67108864 }", 3_000, 64 << 20),
        ("{ cpu: \"1.25\", memory: 1.5Gi }", 1_250, 3 << 29),
    ])
    func reads(resources: String, millicores: Int, bytes: Int) throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file(resources: resources), fileName: "resources.yaml")
        #expect(configuration.network.resources == NodeResourceLimits(cpuMillicores: millicores, memoryBytes: bytes))
    }

    @Test("either may be left out; neither is an error")
    func eitherOrNeither() throws {
        let cpuOnly = try BenchmarkConfiguration(yaml: Self.file(resources: "{ cpu: 1 }"), fileName: "cpu.yaml")
        #expect(cpuOnly.network.resources == NodeResourceLimits(cpuMillicores: 1_000, memoryBytes: nil))
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: Self.file(resources: "{}"), fileName: "empty.yaml")
        }
        #expect(failure.errors.contains { $0.path == "network.resources" && $0.message.contains("give cpu, memory or both") })
    }

    @Test("no resources key leaves the nodes unlimited and the deployment digest's input unchanged")
    func absent() throws {
        let text = Self.file(resources: "{ cpu: 1 }").replacingOccurrences(of: "  resources: { cpu: 1 }\n", with: "")
        let configuration = try BenchmarkConfiguration(yaml: text, fileName: "none.yaml")
        #expect(configuration.network.resources == nil)
    }

    @Test("out of range values name the key", arguments: ["{ cpu: 0 }", "{ cpu: 2000 }", "{ cpu: -1 }", "{ cpu: [1] }", "{ memory: true }"])
    func outOfRange(resources: String) throws {
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: Self.file(resources: resources), fileName: "bad.yaml")
        }
        #expect(failure.errors.contains { $0.path.hasPrefix("network.resources.") && $0.line != nil }, "\(failure)")
    }
}
