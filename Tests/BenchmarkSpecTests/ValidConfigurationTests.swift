import Testing
@testable import NetworkSpec
@testable import BenchmarkSpec
@testable import ConfigurationReading

/// Valid benchmark files decode to the expected typed values.
@Suite("Valid benchmark files")
struct ValidConfigurationTests {
    static let full = """
        name: Paper_2.1-repro
        seed: 7
        network:
          consensus: raft
          deployment: processes
          organizations:
            - { name: org1, peers: 2 }
            - { name: hospital-b, peers: 1 }
          raft:
            orderers: 3
            batchSize: { maxMessageCount: 10, preferredMaxBytes: 512KB, absoluteMaxBytes: 1048576 }
            batchTimeout: 1.5s
            electionTimeout: 2s
            heartbeatInterval: 200ms
          links: { latency: 5ms, jitter: 500us, loss: 0.01 }
          storage: { fsync: false }
        accounts: 25
        nonceWindow: 4
        repetitions: 30
        confidence: 0.99
        monitor: { interval: 250ms }
        rounds:
          - label: fixed
            description: the first round
            txNumber: 100
            trim: 10
            rateControl: { type: fixed-rate, opts: { tps: 50 } }
            workload: { module: simple/open, arguments: { numberOfAccounts: 10, initialMoney: 0, moneyToTransfer: 5 } }
          - label: load
            txDuration: 30s
            trim: 5s
            rateControl: { type: fixed-load, opts: { startTps: 2.5, transactionLoad: 8 } }
            workload: { module: simple/query }
          - label: linear
            txDuration: 1m
            rateControl: { type: linear-rate, opts: { startingTps: 0, finishingTps: 100 } }
            workload: { module: simple/transfer, arguments: { moneyToTransfer: 1 } }
          - label: maximum
            txNumber: 1000
            rateControl: { type: maximum-rate, opts: { tps: 10, step: 5, sampleInterval: 2s, includeFailed: false } }
            workload: { module: clinical/register-treatment, arguments: { patients: 20 } }
          - label: feedback
            txNumber: 50
            rateControl: { type: fixed-feedback-rate, opts: { tps: 20, transactionLoad: 3 } }
            workload: { module: clinical/grant-permission }
          - label: composite
            txNumber: 60
            rateControl:
              type: composite-rate
              opts:
                weights: [2, 1.5]
                rateControllers:
                  - { type: fixed-rate, opts: { tps: 10 } }
                  - { type: zero-rate }
            workload: { module: clinical/read-records, arguments: { patients: 3 } }
          - label: replay
            txNumber: 10
            rateControl: { type: replay-rate, opts: { path: times.csv } }
            workload: { module: clinical/dispense, arguments: { patients: 5, pharmacies: 2 } }
          - label: mix
            txNumber: 10
            rateControl: { type: zero-rate, opts: {} }
            workload:
              module: clinical/mix
              arguments: { patients: 6, pharmacies: 1, weights: { registerTreatment: 1, dispense: 0 } }
          - label: nothing
            txNumber: 1
            rateControl: { type: fixed-rate, opts: { tps: 1 } }
            workload: { module: noop }
        """

    @Test("a full file decodes every field")
    func fullFile() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.full, fileName: "full.yaml")
        #expect(configuration.name == "Paper_2.1-repro")
        #expect(configuration.seed == 7)
        #expect(configuration.accounts == 25)
        #expect(configuration.nonceWindow == 4)
        #expect(configuration.repetitions == 30)
        #expect(configuration.confidence == 0.99)
        #expect(configuration.monitor.interval == .milliseconds(250))

        let network = configuration.network
        #expect(network.deployment == .processes)
        #expect(network.organizations == [Organization(name: "org1", peers: 2), Organization(name: "hospital-b", peers: 1)])
        #expect(network.consensus == .raft(RaftSettings(
            orderers: 3,
            batchSize: BatchSize(maxMessageCount: 10, preferredMaxBytes: 512_000, absoluteMaxBytes: 1_048_576),
            batchTimeout: .milliseconds(1500),
            electionTimeout: .seconds(2),
            heartbeatInterval: .milliseconds(200)
        )))
        #expect(network.links == LinkConfiguration(latency: .milliseconds(5), jitter: .microseconds(500), loss: 0.01))
        #expect(network.storage.fsync == false)

        let rounds = configuration.rounds
        try #require(rounds.count == 9)
        #expect(rounds.map(\.label) == [
            "fixed", "load", "linear", "maximum", "feedback", "composite", "replay", "mix", "nothing",
        ])
        #expect(rounds[0] == Round(
            label: "fixed", description: "the first round", length: .transactions(100), trim: .transactions(10),
            rateControl: .fixedRate(tps: 50),
            workload: .simpleOpen(SimpleArguments(numberOfAccounts: 10, initialMoney: 0, moneyToTransfer: 5))
        ))
        #expect(rounds[1].length == .duration(.seconds(30)))
        #expect(rounds[1].trim == .duration(.seconds(5)))
        #expect(rounds[1].rateControl == .fixedLoad(startTps: 2.5, transactionLoad: 8))
        #expect(rounds[1].workload == .simpleQuery(SimpleArguments()))
        #expect(rounds[2].length == .duration(.seconds(60)))
        #expect(rounds[2].rateControl == .linearRate(startingTps: 0, finishingTps: 100))
        #expect(rounds[2].workload == .simpleTransfer(SimpleArguments(moneyToTransfer: 1)))
        #expect(rounds[3].rateControl == .maximumRate(tps: 10, step: 5, sampleInterval: .seconds(2), includeFailed: false))
        #expect(rounds[3].workload == .clinicalRegisterTreatment(patients: 20))
        #expect(rounds[4].rateControl == .fixedFeedbackRate(tps: 20, transactionLoad: 3))
        #expect(rounds[4].workload == .clinicalGrantPermission(patients: 100))
        #expect(rounds[5].rateControl == .composite(weights: [2, 1.5], controllers: [.fixedRate(tps: 10), .zeroRate]))
        #expect(rounds[5].workload == .clinicalReadRecords(patients: 3))
        #expect(rounds[6].rateControl == .replayRate(ReplayTrace(path: "times.csv")))
        #expect(rounds[6].workload == .clinicalDispense(patients: 5, pharmacies: 2))
        #expect(rounds[7].rateControl == .zeroRate)
        #expect(rounds[7].workload == .clinicalMix(
            patients: 6, pharmacies: 1,
            weights: ClinicalMixWeights(registerTreatment: 1, grantPermission: 1, readRecords: 4, dispense: 0)
        ))
        #expect(rounds[8].workload == .noop)
        #expect(rounds[8].description == nil)
        #expect(rounds[8].trim == nil)
    }

    @Test("absent keys take the documented defaults")
    func defaults() throws {
        let yaml = """
            name: minimal
            network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }
            rounds:
              - { label: one, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: simple/open } }
            """
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "minimal.yaml")
        #expect(configuration.seed == 42)
        #expect(configuration.accounts == 100)
        #expect(configuration.nonceWindow == 1)
        #expect(configuration.repetitions == 1)
        #expect(configuration.confidence == 0.95)
        #expect(configuration.monitor.interval == .seconds(1))
        #expect(configuration.network.deployment == .inProcess)
        #expect(configuration.network.links == LinkConfiguration(latency: .zero, jitter: .zero, loss: 0))
        #expect(configuration.network.storage.fsync)
        let raft = RaftSettings(
            orderers: 1,
            batchSize: BatchSize(maxMessageCount: 500, preferredMaxBytes: 2 * 1024 * 1024, absoluteMaxBytes: 10 * 1024 * 1024),
            batchTimeout: .milliseconds(250), electionTimeout: .seconds(1), heartbeatInterval: .milliseconds(100)
        )
        #expect(configuration.network.consensus == .raft(raft))
        #expect(configuration.rounds[0].workload == .simpleOpen(SimpleArguments(
            numberOfAccounts: 1000, initialMoney: 10000, moneyToTransfer: 100
        )))
    }

    @Test("execute-order-validate takes Fabric's defaults: a majority, each organisation's first peer")
    func executeOrderValidateDefaults() throws {
        let configuration = try BenchmarkConfiguration(
            yaml: Self.network("consensus: raft\n  raft: { flow: execute-order-validate }"), fileName: "eov.yaml")
        guard case .raft(let raft) = configuration.network.consensus else {
            Issue.record("not raft")
            return
        }
        #expect(raft.flow == .executeOrderValidate)
        #expect(raft.endorsement?.targets == .first)
        #expect(raft.endorsement?.policy.description == "OutOf(2, 'org1.member', 'org2.member')")
        #expect(raft.endorsement?.policy.isSatisfied(byOrganizations: ["org1"]) == false)
    }

    @Test("an endorsement policy and targets are read as given")
    func endorsementAsGiven() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.network("""
            consensus: raft
              raft:
                flow: execute-order-validate
                endorsement: { policy: "OR('Org1MSP.peer', AND('org2.member', 'org2.member'))", targets: spread }
            """), fileName: "eov.yaml")
        guard case .raft(let raft) = configuration.network.consensus else {
            Issue.record("not raft")
            return
        }
        #expect(raft.endorsement?.targets == .spread)
        #expect(raft.endorsement?.policy == .or([.member(organization: "org1"),
                                                 .and([.member(organization: "org2"), .member(organization: "org2")])]))
        #expect(RaftSettings().flow == .orderExecute && RaftSettings().endorsement == nil)
    }

    @Test("proof-of-work defaults")
    func proofOfWorkDefaults() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.network("consensus: pow"), fileName: "pow.yaml")
        #expect(configuration.network.consensus == .proofOfWork(ProofOfWorkSettings(
            miners: 4, targetBlockInterval: .seconds(1), confirmations: 1, maxBlockTransactions: 500
        )))
    }

    @Test(
        "node names follow Fabric's naming",
        arguments: [
            ("consensus: raft\n  raft: { orderers: 3 }", ["orderer0", "orderer1", "orderer2", "peer0.org1", "peer1.org1", "peer0.org2"]),
            ("consensus: pow\n  pow: { miners: 2 }", ["miner0", "miner1", "peer0.org1", "peer1.org1", "peer0.org2"]),
            ("consensus: none", ["store0"]),
        ]
    )
    func nodeNames(networkLines: String, expected: [String]) throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.network(networkLines), fileName: "nodes.yaml")
        #expect(configuration.nodeNames == expected)
    }

    @Test("consensus none needs no organizations")
    func noneWithoutOrganizations() throws {
        let yaml = """
            name: baseline
            network: { consensus: none }
            rounds:
              - { label: one, txDuration: 10s, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
            """
        let configuration = try BenchmarkConfiguration(yaml: yaml, fileName: "none.yaml")
        #expect(configuration.network.consensus == .singleStore)
        #expect(configuration.network.organizations.isEmpty)
        #expect(configuration.nodeNames == ["store0"])
    }

    @Test("every error of a file is reported, sorted by position")
    func multipleErrors() throws {
        let yaml = """
            name: many
            seed: nope
            network:
              consensus: raft
              organizations: [ { name: org1, peers: 0 } ]
              links: { loss: 2 }
            accounts: 0
            rounds:
              - label: one
                txNumber: 10
                rateControl: { type: fixed-load, opts: { startingTps: 5, transactionLoad: 10 } }
                workload: { module: simple/opn }
            """
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: yaml, fileName: "many.yaml")
        }
        #expect(failure.errors.map(\.path) == [
            "seed",
            "network.organizations[0].peers",
            "network.links.loss",
            "accounts",
            "rounds[0].rateControl.opts.startTps",
            "rounds[0].rateControl.opts.startingTps",
            "rounds[0].workload.module",
        ])
        let positions = failure.errors.map { [$0.line ?? 0, $0.column ?? 0] }
        #expect(positions == positions.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(failure.lines[0] == "many.yaml:2:7: seed: expected an integer, found a string (\"nope\")")
        #expect(failure.errors.last?.suggestion == "simple/open")
        #expect(failure.description.split(separator: "\n").count == 7)
    }

    @Test("an unreadable file is a configuration error")
    func unreadableFile() throws {
        let failure = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration.load(path: "/nonexistent/benchmark.yaml")
        }
        #expect(failure.errors.count == 1)
        #expect(failure.lines[0].hasPrefix("/nonexistent/benchmark.yaml: <document>: cannot read the file"))
    }

    @Test("the summary names the settings in effect")
    func summary() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.full, fileName: "full.yaml")
        let summary = configuration.summary
        #expect(summary.contains("Paper_2.1-repro (seed 7)"))
        #expect(summary.contains("raft consensus, processes deployment"))
        #expect(summary.contains("orderer0, orderer1, orderer2, peer0.org1, peer1.org1, peer0.hospital-b"))
        #expect(summary.contains("fsync OFF"))
        #expect(summary.contains("fixed-rate 50 tps"))
        #expect(summary.contains("linear-rate 0→100 tps"))
        #expect(summary.contains("100 tx (trim 10 tx)"))
        #expect(summary.contains("1m"))
        #expect(summary.contains("simple/open numberOfAccounts=10 initialMoney=0 moneyToTransfer=5"))
        #expect(summary.contains("preferred 512KB, max 1MiB, timeout 1.5s"))
    }

    /// A small valid file whose `network` starts with `networkLines`, with two organisations.
    static func network(_ networkLines: String) -> String {
        """
        name: nodes
        network:
          \(networkLines)
          organizations:
            - { name: org1, peers: 2 }
            - { name: org2, peers: 1 }
        rounds:
          - { label: one, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
        """
    }
}
