import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// Named networks, a round's own accounts and network, and grids of rounds decode as documented.
@Suite("Networks, round accounts and grids")
struct GridConfigurationTests {
    static let file = """
        name: grid
        networks:
          pow:
            consensus: pow
            organizations: [{ name: h1, peers: 1 }]
            pow: { miners: 2, targetBlockInterval: 200ms }
          none: { consensus: none }
        accounts: 10
        rounds:
          - label: warm-up
            txNumber: 5
            accounts: 2
            network: none
            rateControl: { type: fixed-rate, opts: { tps: 10 } }
            workload: { module: noop }
          - label: t
            trim: 1
            grid: { network: [pow, none], transactions: [4, 8], accounts: [1, 10] }
            rateControl: { type: fixed-rate, opts: { tps: 100 } }
            workload: { module: clinical/register-treatment, arguments: { patients: 3 } }
          - label: plain
            txNumber: 3
            grid: { accounts: [3, 5] }
            rateControl: { type: fixed-rate, opts: { tps: 10 } }
            workload: { module: noop }
        """

    @Test func namedNetworksAndTheFirstAsDefault() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file, fileName: "grid.yaml")
        #expect(configuration.federations.map(\.name) == ["pow", "none"])
        #expect(configuration.network.consensus.name == "pow")
        #expect(configuration.federations[1].configuration.nodeNames == ["store0"])
        #expect(configuration.federation(of: configuration.rounds[0]).name == "none")
        // Rounds that name no network run on the first.
        #expect(configuration.federation(of: configuration.rounds.last!).name == "pow")
        #expect(configuration.summary.contains("pow: pow consensus"))
        #expect(configuration.summary.contains("none: none consensus"))
    }

    @Test func aGridExpandsNetworkThenTransactionsThenAccounts() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.file, fileName: "grid.yaml")
        let rounds = configuration.rounds
        #expect(rounds.map(\.label) == [
            "warm-up",
            "t pow 4tx 1acc", "t pow 4tx 10acc", "t pow 8tx 1acc", "t pow 8tx 10acc",
            "t none 4tx 1acc", "t none 4tx 10acc", "t none 8tx 1acc", "t none 8tx 10acc",
            "plain 3acc", "plain 5acc",
        ])
        #expect(rounds[0].accounts == 2 && rounds[0].network == "none" && rounds[0].cell == nil)
        let cell = try #require(rounds[7].cell)
        #expect(cell == GridCell(grid: "t", network: "none", transactions: 8, accounts: 1))
        #expect(rounds[7].length == .transactions(8))
        #expect(rounds[7].accounts == 1)
        #expect(rounds[7].network == "none")
        #expect(rounds[7].trim == .transactions(1))
        #expect(rounds[7].workload == .clinicalRegisterTreatment(patients: 3))
        #expect(rounds[9].cell == GridCell(grid: "plain", accounts: 3))
        #expect(rounds[9].length == .transactions(3))
        #expect(rounds[9].network == nil)
    }

    @Test func aSingleNetworkIsNamedAfterItsConsensus() throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: single
            network: { consensus: none }
            accounts: 4
            rounds:
              - { label: a, txNumber: 4, accounts: 4, rateControl: { type: fixed-rate, opts: { tps: 10 } }, workload: { module: noop } }
            """, fileName: "single.yaml")
        #expect(configuration.networks == nil)
        #expect(configuration.federations.map(\.name) == ["none"])
        #expect(configuration.rounds[0].accounts == 4)
    }

    /// Errors of the new keys name their path and position, like every other key's.
    @Test func errorsNameThePathAndPosition() throws {
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: """
                name: broken
                networks:
                  pow: { consensus: pow, organizations: [{ name: h1, peers: 1 }] }
                  none: { consensus: none }
                accounts: 10
                rounds:
                  - label: t
                    grid: { network: [pow, nome], transactions: [4, 4], acounts: [1] }
                    rateControl: { type: fixed-rate, opts: { tps: 100 } }
                    workload: { module: noop }
                """, fileName: "broken.yaml")
        }
        let lines = failure.errors.map { $0.description(fileName: "broken.yaml") }
        #expect(lines.contains("broken.yaml:8:28: rounds[0].grid.network[1]: unknown value \"nome\", expected one of pow, none (did you mean none?)"), "\(lines)")
        #expect(lines.contains("broken.yaml:8:53: rounds[0].grid.transactions[1]: duplicate value 4"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("broken.yaml:8:") && $0.contains("rounds[0].grid.acounts: unknown key (did you mean accounts?)") }, "\(lines)")
    }
}
