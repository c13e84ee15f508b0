import Testing
@testable import NetworkSpec
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// `deployment: hosts`: hosts and placement read strictly, and nodes placed on hosts with their ports.
@Suite("Hosts and placement")
struct HostsConfigurationTests {
    static func file(hosts: String, placement: String? = nil, deployment: String = "hosts", faults: String? = nil) -> String {
        """
        name: hosted
        network:
          consensus: raft
          deployment: \(deployment)
          organizations: [ { name: org1, peers: 2 }, { name: org2, peers: 1 } ]
          raft: { orderers: 3 }
          hosts:
        \(hosts.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        \(placement.map { "  placement: \($0)" } ?? "")
        rounds:
          - label: open
            txNumber: 10
            rateControl: { type: fixed-rate, opts: { tps: 10 } }
            workload: { module: simple/open }
        \(faults.map { "    faults:\n      - \($0)" } ?? "")
        """
    }

    static let threeHosts = """
        - { name: dc, address: 10.0.0.1 }
        - { name: hospital-a, address: a.example.org, port: 9000 }
        - { name: hospital-b, address: 10.0.0.3 }
        """

    static func errors(_ yaml: String) throws -> [String] {
        let errors = try #require(throws: ConfigurationErrors.self) { try BenchmarkConfiguration(yaml: yaml, fileName: "f.yaml") }
        return errors.errors.map { "\($0.path): \($0.message)" + ($0.suggestion.map { " (\($0))" } ?? "") }
    }

    @Test func perOrganizationPutsTheOrderersFirstAndEachOrganisationOnItsHost() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file(hosts: Self.threeHosts), fileName: "f.yaml")
        let locations = try #require(configuration.network.nodeLocations)
        #expect(locations.map { "\($0.node)@\($0.host):\($0.port)" } == [
            "orderer0@dc:7050", "orderer1@dc:7051", "orderer2@dc:7052",
            "peer0.org1@hospital-a:9000", "peer1.org1@hospital-a:9001", "peer0.org2@hospital-b:7050",
        ])
        #expect(locations[3].address == "a.example.org")
    }

    @Test func perOrganizationLeavesHostsAfterTheLastGroupEmptyAndSaysSo() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file(hosts: Self.threeHosts + """

            - { name: spare, address: 10.0.0.9 }
            """), fileName: "f.yaml")
        let locations = try #require(configuration.network.nodeLocations)
        #expect(!locations.contains { $0.host == "spare" })
        #expect(locations.map(\.host).suffix(1) == ["hospital-b"])
        #expect(configuration.summary.contains("spare (10.0.0.9): no nodes"))
    }

    @Test func roundRobinDealsNodesInStartOrder() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file(hosts: """
            - { name: one, address: 10.0.0.1 }
            - { name: two, address: 10.0.0.2 }
            """, placement: "round-robin"), fileName: "f.yaml")
        let locations = try #require(configuration.network.nodeLocations)
        #expect(locations.map(\.host) == ["one", "two", "one", "two", "one", "two"])
        #expect(locations.map(\.port) == [7050, 7050, 7051, 7051, 7052, 7052])
    }

    @Test func aMappingPlacesEachGroup() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file(hosts: Self.threeHosts,
                                                                      placement: "{ orderers: hospital-b, org1: dc, org2: dc }"),
                                                       fileName: "f.yaml")
        let locations = try #require(configuration.network.nodeLocations)
        #expect(locations.map(\.host) == ["hospital-b", "hospital-b", "hospital-b", "dc", "dc", "dc"])
        #expect(locations.filter { $0.host == "dc" }.map(\.port) == [7050, 7051, 7052])
    }

    @Test func errorsNameWhatIsWrongAndWhere() throws {
        let twoHosts = """
            - { name: dc, address: 10.0.0.1 }
            - { name: hospital-a, address: 10.0.0.2 }
            """
        #expect(try Self.errors(Self.file(hosts: twoHosts)) == [
            "network.hosts: per-organization needs one host per group, in this order: orderers, org1, org2 (at least 3 hosts); "
                + "the file names 2 (placement: per-organization, the default)",
        ])
        #expect(try Self.errors(Self.file(hosts: twoHosts, placement: "per-organization")) == [
            "network.placement: per-organization needs one host per group, in this order: orderers, org1, org2 (at least 3 hosts); the file names 2",
        ])
        let unknown = try Self.errors(Self.file(hosts: Self.threeHosts, placement: "{ orderers: dc, org1: hospital-c, org2: dc }"))
        #expect(unknown == ["network.placement.org1: unknown host \"hospital-c\" (hospital-a)"])
        let missing = try Self.errors(Self.file(hosts: Self.threeHosts, placement: "{ orderers: dc, org1: dc }"))
        #expect(missing == ["network.placement.org2: missing required key"])
        let duplicate = try Self.errors(Self.file(hosts: """
            - { name: dc, address: 10.0.0.1 }
            - { name: dc, address: 10.0.0.2, port: 70000 }
            - { name: Bad_Name, address: "has space" }
            """))
        #expect(duplicate.contains { $0.hasPrefix("network.hosts[1].name: duplicate host name \"dc\"") })
        #expect(duplicate.contains { $0.hasPrefix("network.hosts[1].port: out of range") })
        #expect(duplicate.contains { $0.hasPrefix("network.hosts[2].name: invalid host name") })
        #expect(duplicate.contains { $0.hasPrefix("network.hosts[2].address: invalid address") })
    }

    @Test func hostsBelongToTheHostsDeploymentOnly() throws {
        let errors = try Self.errors(Self.file(hosts: Self.threeHosts, placement: "round-robin", deployment: "processes"))
        #expect(errors == ["network.hosts: hosts is read only with deployment: hosts",
                           "network.placement: placement is read only with deployment: hosts"])
        let noHosts = try Self.errors("""
            name: hosted
            network: { consensus: raft, deployment: hosts, organizations: [ { name: org1, peers: 1 } ] }
            rounds: [ { label: open, txNumber: 1, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: simple/open } } ]
            """)
        #expect(noHosts == ["network.hosts: missing required key"])
    }

    @Test func siteLinksJoinHostsOrGroupsBothWays() throws {
        let yaml = Self.file(hosts: Self.threeHosts).replacingOccurrences(of: "  raft: { orderers: 3 }", with: """
              raft: { orderers: 3 }
              links:
                latency: 1ms
                between:
                  - { sites: [hospital-a, hospital-b], latency: 40ms, jitter: 5ms }
                  - { sites: [orderers, org2], loss: 0.01 }
            """)
        let network = try BenchmarkConfiguration(yaml: yaml, fileName: "f.yaml").network
        #expect(network.links.between == [
            SiteLink(sites: ["hospital-a", "hospital-b"], latency: .milliseconds(40), jitter: .milliseconds(5)),
            SiteLink(sites: ["orderers", "org2"], latency: .milliseconds(1), loss: 0.01),
        ])
        #expect(network.siteLink(from: "peer1.org1", to: "peer0.org2")?.latency == .milliseconds(40))
        #expect(network.siteLink(from: "peer0.org2", to: "peer0.org1")?.latency == .milliseconds(40))
        #expect(network.siteLink(from: "peer0.org2", to: "orderer1")?.loss == 0.01)
        #expect(network.siteLink(from: "orderer0", to: "peer0.org1") == nil)

        let broken = yaml.replacingOccurrences(of: "[orderers, org2], loss: 0.01", with: "[orderers, hospital-c]")
            .replacingOccurrences(of: "jitter: 5ms }", with: "jitter: 5ms }\n      - { sites: [hospital-b, hospital-a] }")
        #expect(try Self.errors(broken) == [
            "network.links.between[1].sites: the link between hospital-b and hospital-a is given twice",
            "network.links.between[2].sites[1]: unknown site \"hospital-c\": a site is a group (orderers, org1, org2) or a host (hospital-a)",
        ])
    }

    @Test func faultsCannotBeInjectedIntoNodesStartedElsewhere() throws {
        let errors = try Self.errors(Self.file(hosts: Self.threeHosts, faults: "{ at: 1s, crash: orderer0 }").replacingOccurrences(
            of: "txNumber: 10", with: "txDuration: 10s"))
        #expect(errors.contains { $0.contains("crash needs deployment: in-process or processes") }, "\(errors)")
    }
}
