import Testing
@testable import BenchmarkSpec

/// Benchmark files read as YAML: anchors, aliases and merge keys resolve before validation, and a
/// top-level key that only holds an anchor used elsewhere is an anchor block, not an error.
@Suite("YAML anchors, aliases and merge keys")
struct YAMLAnchorTests {
    static let network = "network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }"

    @Test func mergeKeysAndAliasesResolveAtAnyDepth() throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: anchors
            simpleArgs: &simple-args
              initialMoney: 500
              moneyToTransfer: 7
              numberOfAccounts: 30
            overrides: &overrides { initialMoney: 900 }
            rate: &rate { type: fixed-rate, opts: { tps: 50 } }
            \(Self.network)
            rounds:
              - label: open
                txNumber: 20
                rateControl: *rate
                workload:
                  module: simple/open
                  arguments:
                    << : *simple-args
                    numberOfAccounts: 40
              - label: transfer
                txNumber: 20
                rateControl: *rate
                workload: { module: simple/transfer, arguments: { <<: [*overrides, *simple-args] } }
            """, fileName: "anchors.yaml")
        #expect(configuration.anchorBlocks == ["simpleArgs", "overrides", "rate"])
        // The mapping's own key wins over the merged one.
        #expect(configuration.rounds[0].workload == .simpleOpen(SimpleArguments(
            numberOfAccounts: 40, initialMoney: 500, moneyToTransfer: 7)))
        // In the list form the earlier mapping wins.
        #expect(configuration.rounds[1].workload == .simpleTransfer(SimpleArguments(
            numberOfAccounts: 30, initialMoney: 900, moneyToTransfer: 7)))
        #expect(configuration.rounds[0].rateControl == configuration.rounds[1].rateControl)
        #expect(configuration.summary.contains("anchor blocks simpleArgs, overrides, rate"))
    }

    @Test func anAnchorThatNothingUsesIsStillAnUnknownKey() throws {
        let errors = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: """
                name: unused
                rouds: &unused { a: 1 }
                \(Self.network)
                rounds:
                  - { label: r, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
                """, fileName: "unused.yaml")
        }
        let error = try #require(errors.errors.first { $0.path == "rouds" })
        #expect(error.message == "unknown key")
        #expect(error.suggestion == "rounds")
    }

    @Test func aKnownKeyThatHoldsAnAnchorIsReadAsItself() throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: known
            seed: &seed 7
            accounts: *seed
            \(Self.network)
            rounds:
              - { label: r, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
            """, fileName: "known.yaml")
        #expect(configuration.anchorBlocks.isEmpty)
        #expect(configuration.seed == 7 && configuration.accounts == 7)
    }

    @Test func aMergeKeyMustNameMappings() throws {
        let errors = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: """
                name: bad-merge
                \(Self.network)
                rounds:
                  - label: r
                    txNumber: 5
                    rateControl: { type: fixed-rate, opts: { tps: 1 }, <<: 3 }
                    workload: { module: noop }
                """, fileName: "bad-merge.yaml")
        }
        let error = try #require(errors.errors.first { $0.path == "rounds[0].rateControl.<<" })
        #expect(error.message.contains("a merge key (<<) takes a mapping or a list of mappings"))
        #expect(error.line != nil)
    }

    @Test func anAliasBombIsRefusedNotExpanded() throws {
        var lines = ["name: bomb", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...8 {
            let previous = "*a\(level - 1)"
            lines.append("a\(level): &a\(level) [\(Array(repeating: previous, count: 10).joined(separator: ", "))]")
        }
        lines.append(Self.network)
        lines.append("rounds: [ { label: r, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } } ]")
        let errors = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: lines.joined(separator: "\n"), fileName: "bomb.yaml")
        }
        #expect(errors.errors.contains { $0.message.contains("more than 200000 values") })
    }
}
