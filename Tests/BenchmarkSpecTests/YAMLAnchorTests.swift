import Testing
@testable import BenchmarkSpec
@testable import ConfigurationReading

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

/// Caliper's current `simple/config.yaml`, as its benchmark repository publishes it: an anchor
/// block, aliases, a merge key and an argument vernier's module does not use.
@Suite("Caliper's simple benchmark file as published")
struct CaliperPublishedFileTests {
    static let simpleConfig = """
        simpleArgs: &simple-args
          initialMoney: 10000
          moneyToTransfer: 100
          numberOfAccounts: &number-of-accounts 1000

        test:
          name: simple
          description: >-
            This is an example benchmark for Caliper, to test the backend DLT's
            performance with simple account opening & querying transactions.
          workers:
            number: 1
          rounds:
            - label: open
              description: >-
                Test description for the opening of an account through the deployed
                contract.
              txNumber: *number-of-accounts
              rateControl:
                type: fixed-rate
                opts:
                  tps: 50
              workload:
                module: benchmarks/scenario/simple/open.js
                arguments: *simple-args
            - label: query
              description: Test description for the query performance of the deployed contract.
              txNumber: *number-of-accounts
              rateControl:
                type: fixed-rate
                opts:
                  tps: 100
              workload:
                module: benchmarks/scenario/simple/query.js
                arguments: *simple-args
            - label: transfer
              description: Test description for transfering money between accounts.
              txNumber: 50
              rateControl:
                type: fixed-rate
                opts:
                  tps: 5
              workload:
                module: benchmarks/scenario/simple/transfer.js
                arguments:
                  << : *simple-args
                  money: 100
        """

    @Test func itValidatesAndSaysHowItWasRead() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.simpleConfig, fileName: "config.yaml")
        #expect(configuration.anchorBlocks == ["simpleArgs"])
        #expect(configuration.rounds.map(\.length) == [.transactions(1000), .transactions(1000), .transactions(50)])
        let arguments = SimpleArguments(numberOfAccounts: 1000, initialMoney: 10000, moneyToTransfer: 100)
        #expect(configuration.rounds.map(\.workload) == [.simpleOpen(arguments), .simpleQuery(arguments), .simpleTransfer(arguments)])
        #expect(configuration.readingNotes.count == 5)
        #expect(configuration.readingNotes.contains { $0.contains("test.workers: Caliper's 1 worker: vernier's driver is one process") })
        #expect(configuration.readingNotes.contains {
            $0.hasPrefix("config.yaml:") && $0.contains("test.rounds[2].workload.arguments.money: not an argument vernier's simple/transfer uses: ignored")
        })
        #expect(configuration.readingNotes.contains { $0.contains("Caliper's benchmarks/scenario/simple/open.js runs as vernier's simple/open") })
        #expect(configuration.summary.contains("read as (5)"))
    }

    @Test func argumentsVernierUsesAreStillChecked() throws {
        let broken = Self.simpleConfig.replacingOccurrences(of: "initialMoney: 10000", with: "initialMoney: lots")
        let errors = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: broken, fileName: "config.yaml")
        }
        #expect(errors.errors.contains { $0.path.hasSuffix("workload.arguments.initialMoney") })
    }

    @Test func vernierModulesStayStrict() throws {
        let native = """
            name: strict
            network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }
            rounds:
              - { label: r, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 1 } },
                  workload: { module: simple/transfer, arguments: { money: 100 } } }
            """
        let errors = try #require(throws: ConfigurationErrors.self) {
            try BenchmarkConfiguration(yaml: native, fileName: "strict.yaml")
        }
        #expect(errors.errors.contains { $0.path == "rounds[0].workload.arguments.money" && $0.message == "unknown key" })
    }
}

/// Older Caliper files: `clients`, `callback` with round-level `arguments`, one-element lists,
/// `txDuration` in bare seconds, and the older `monitor` section.
@Suite("Caliper's older benchmark layout")
struct CaliperOlderLayoutTests {
    static let olderFile = """
        test:
          name: simple-old
          description: An older Caliper layout
          clients:
            type: local
            number: 5
          rounds:
          - label: open
            txNumber:
            - 100
            rateControl:
            - type: fixed-rate
              opts:
                tps: 50
            arguments:
              money: 10000
            callback: benchmark/simple/open.js
          - label: query
            txDuration:
            - 2
            rateControl:
            - type: fixed-rate
              opts:
                tps: 50
            callback: benchmark/simple/query.js
        monitor:
          type:
          - docker
          interval: 0.5
        """

    @Test func itValidatesAndSaysHowEachConstructWasRead() throws {
        let configuration = try BenchmarkConfiguration(yaml: Self.olderFile, fileName: "old.yaml")
        #expect(configuration.rounds.map(\.length) == [.transactions(100), .duration(.seconds(2))])
        #expect(configuration.rounds.map(\.workload) == [.simpleOpen(SimpleArguments()), .simpleQuery(SimpleArguments())])
        #expect(configuration.rounds[0].rateControl == configuration.rounds[1].rateControl)
        #expect(configuration.monitor.interval == .milliseconds(500))
        let notes = configuration.readingNotes.joined(separator: "\n")
        for fragment in ["test.clients: Caliper's 5 clients", "test.rounds[0].txNumber: Caliper's one-element list",
                         "test.rounds[1].txDuration: Caliper's txDuration is in seconds: 2 s",
                         "test.rounds[0].callback: older Caliper's callback", "arguments.money: not an argument",
                         "monitor.type: Caliper's monitor types do not apply"] {
            #expect(notes.contains(fragment), "no note contains \(fragment):\n\(notes)")
        }
    }

    @Test func listsOfSeveralValuesRunAsRoundsInSequence() throws {
        let file = Self.olderFile
            .replacingOccurrences(of: "    txNumber:\n    - 100", with: "    txNumber:\n    - 100\n    - 200\n    - 300")
            .replacingOccurrences(of: "    - type: fixed-rate\n      opts:\n        tps: 50\n    arguments:",
                                  with: "    - { type: fixed-rate, opts: { tps: 50 } }\n    - { type: fixed-rate, opts: { tps: 100 } }\n"
                                      + "    - { type: fixed-rate, opts: { tps: 150 } }\n    arguments:")
        let configuration = try BenchmarkConfiguration(yaml: file, fileName: "old.yaml")
        #expect(configuration.rounds.map(\.label) == ["open 1", "open 2", "open 3", "query"])
        #expect(configuration.rounds.prefix(3).map(\.length) == [.transactions(100), .transactions(200), .transactions(300)])
        #expect(configuration.rounds.prefix(3).map(\.rateControl) == [50.0, 100, 150].map { RateControl.fixedRate(tps: $0) })
        #expect(configuration.rounds.prefix(3).allSatisfy { $0.workload == .simpleOpen(SimpleArguments()) })
        let notes = configuration.readingNotes.joined(separator: "\n")
        #expect(notes.contains("test.rounds[0].label: older Caliper's lists of 3 values run as 3 rounds in sequence, \"open 1\" to \"open 3\""))
    }

    @Test func aSingleValueServesEveryRoundOfASequence() throws {
        let file = Self.olderFile.replacingOccurrences(of: "    txNumber:\n    - 100", with: "    txNumber: [100, 200]")
        let configuration = try BenchmarkConfiguration(yaml: file, fileName: "old.yaml")
        #expect(configuration.rounds.map(\.label) == ["open 1", "open 2", "query"])
        #expect(configuration.rounds[0].rateControl == .fixedRate(tps: 50) && configuration.rounds[1].rateControl == .fixedRate(tps: 50))
    }

    @Test func listsOfDifferentLengthsAreAClearError() throws {
        let file = Self.olderFile
            .replacingOccurrences(of: "    txNumber:\n    - 100", with: "    txNumber: [100, 200]")
            .replacingOccurrences(of: "    - type: fixed-rate\n      opts:\n        tps: 50\n    arguments:",
                                  with: "    - { type: fixed-rate, opts: { tps: 50 } }\n    - { type: fixed-rate, opts: { tps: 100 } }\n"
                                      + "    - { type: fixed-rate, opts: { tps: 150 } }\n    arguments:")
        let errors = try #require(throws: ConfigurationErrors.self) { try BenchmarkConfiguration(yaml: file, fileName: "old.yaml") }
        #expect(errors.errors.contains { $0.path == "test.rounds[0].rateControl" && $0.message.contains("where txNumber has 2") })
    }

    @Test func bareSecondsAreCaliperOnly() throws {
        let native = """
            name: native
            network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }
            rounds:
              - { label: r, txDuration: 30, rateControl: { type: fixed-rate, opts: { tps: 1 } }, workload: { module: noop } }
            """
        #expect(throws: ConfigurationErrors.self) { try BenchmarkConfiguration(yaml: native, fileName: "native.yaml") }
    }
}

/// Options Caliper's rate controllers take that vernier's do not use, in a Caliper file.
@Suite("Caliper's rate-controller options")
struct CaliperRateOptionTests {
    static func file(_ rateControl: String) -> String {
        """
        test:
          name: rates
          rounds:
            - label: r
              txNumber: 10
              rateControl: \(rateControl)
              workload: { module: benchmarks/scenario/simple/open.js }
        """
    }

    @Test func logChangeIsNotedAndOlderFeedbackBoundIsRead() throws {
        let composite = try BenchmarkConfiguration(yaml: Self.file("""
            { type: composite-rate, opts: { weights: [1, 1], logChange: true, rateControllers: [ { type: fixed-rate, opts: { tps: 5 } }, { type: fixed-feedback-rate, opts: { tps: 9, unfinished_per_client: 4 } } ] } }
            """), fileName: "rates.yaml")
        #expect(composite.rounds[0].rateControl == .composite(weights: [1, 1], controllers: [
            .fixedRate(tps: 5), .fixedFeedbackRate(tps: 9, transactionLoad: 4)]))
        let notes = composite.readingNotes.joined(separator: "\n")
        #expect(notes.contains("opts.logChange: Caliper's composite-rate option logChange does not change the schedule: ignored"))
        #expect(notes.contains("unfinished_per_client: older Caliper's unfinished_per_client is read as transactionLoad"))
    }

    @Test func fixedBacklogFixedLoadDefaultsAndSampleIntervalSecondsAreCalipers() throws {
        let backlog = try BenchmarkConfiguration(yaml: Self.file("""
            { type: fixed-backlog, opts: { unfinished_per_client: 20, startingTps: 10 } }
            """), fileName: "rates.yaml")
        #expect(backlog.rounds[0].rateControl == .fixedLoad(startTps: 10, transactionLoad: 20))
        let backlogNotes = backlog.readingNotes.joined(separator: "\n")
        #expect(backlogNotes.contains("rateControl.type: older Caliper's fixed-backlog is read as fixed-load"))
        #expect(backlogNotes.contains("opts.startingTps: older Caliper's startingTps is read as startTps"))
        let defaults = try BenchmarkConfiguration(yaml: Self.file("{ type: fixed-load, opts: { transactionLoad: 4 } }"), fileName: "rates.yaml")
        #expect(defaults.rounds[0].rateControl == .fixedLoad(startTps: 5, transactionLoad: 4))
        #expect(defaults.readingNotes.contains { $0.contains("startTps is absent: Caliper's default 5.0 is taken") })
        let maximum = try BenchmarkConfiguration(yaml: Self.file("""
            { type: maximum-rate, opts: { tps: 10, step: 5, sampleInterval: 20, includeFailed: false } }
            """), fileName: "rates.yaml")
        #expect(maximum.rounds[0].rateControl == .maximumRate(tps: 10, step: 5, sampleInterval: .seconds(20), includeFailed: false))
    }

    @Test func recordAndReplayTakeCaliperOptionsAndPathTemplates() throws {
        let record = try BenchmarkConfiguration(yaml: Self.file("""
            { type: record-rate, opts: { rateController: { type: fixed-rate, opts: { tps: 5 } }, pathTemplate: "rec_<R>_<C>.bin", outputFormat: bin_le, logEnd: true } }
            """), fileName: "rates.yaml")
        #expect(record.rounds[0].rateControl == .recordRate(RecordTrace(path: "rec_0_0.bin", format: .millisecondsBinaryLittleEndian),
                                                             controller: .fixedRate(tps: 5)))
        let replay = try BenchmarkConfiguration(yaml: Self.file("""
            { type: replay-rate, opts: { pathTemplate: "rec_<R>_<C>.txt", logWarnings: true } }
            """), fileName: "rates.yaml")
        #expect(replay.rounds[0].rateControl == .replayRate(ReplayTrace(
            path: "rec_0_0.txt", format: .millisecondsText, intervalAfterTrace: RateControl.caliperDefaultSleep)))
        let notes = replay.readingNotes.joined(separator: "\n")
        #expect(notes.contains("opts.pathTemplate: Caliper's path template is rec_0_0.txt here"))
        #expect(notes.contains("opts.logWarnings: Caliper's replay-rate option logWarnings does not change the schedule: ignored"))
    }

    @Test func badRecordAndReplayOptionsAreErrorsThatNameThem() throws {
        for (rateControl, path, message) in [
            ("{ type: replay-rate, opts: { pathTemplate: t.txt, inputFormat: CSV } }", "test.rounds[0].rateControl.opts.inputFormat", "TEXT, BIN_BE, BIN_LE"),
            ("{ type: replay-rate, opts: { inputFormat: TEXT } }", "test.rounds[0].rateControl.opts.pathTemplate", "missing required key"),
            ("{ type: replay-rate, opts: { pathTemplate: t.txt, defaultSleepTime: 0 } }", "test.rounds[0].rateControl.opts.defaultSleepTime", "between 1 and 3600000"),
            ("{ type: record-rate, opts: { pathTemplate: t.txt } }", "test.rounds[0].rateControl.opts.rateController", "missing required key"),
            ("{ type: record-rate, opts: { pathTemplate: t.txt, rateController: { type: record-rate, opts: { pathTemplate: u.txt, rateController: { type: zero-rate } } } } }",
             "test.rounds[0].rateControl.opts.rateController", "not a record-rate"),
            ("{ type: composite-rate, opts: { weights: [1], rateControllers: [ { type: record-rate, opts: { pathTemplate: t.txt, rateController: { type: zero-rate } } } ] } }",
             "test.rounds[0].rateControl.opts.rateControllers[0].type", "cannot be inside a composite-rate"),
        ] {
            let errors = try #require(throws: ConfigurationErrors.self) {
                try BenchmarkConfiguration(yaml: Self.file(rateControl), fileName: "rates.yaml")
            }
            #expect(errors.errors.contains { $0.path == path && $0.message.contains(message) },
                    "\(rateControl): \(errors.errors.map { "\($0.path): \($0.message)" })")
        }
    }

    @Test func vernierFilesStayStrictAboutThem() throws {
        let native = """
            name: native
            network: { consensus: raft, organizations: [ { name: org1, peers: 1 } ] }
            rounds:
              - { label: r, txNumber: 5, workload: { module: noop },
                  rateControl: { type: composite-rate, opts: { weights: [1], logChange: true, rateControllers: [ { type: fixed-rate, opts: { tps: 1 } } ] } } }
            """
        let errors = try #require(throws: ConfigurationErrors.self) { try BenchmarkConfiguration(yaml: native, fileName: "native.yaml") }
        #expect(errors.errors.contains { $0.path == "rounds[0].rateControl.opts.logChange" && $0.message == "unknown key" })
    }
}

/// Caliper's `monitors` section: the interval is taken, the monitors themselves are noted.
@Suite("Caliper's monitors section")
struct CaliperMonitorsTests {
    @Test func dockerAndTransactionMonitorsAreNotedAsNotApplicable() throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            test:
              name: monitors
              rounds:
                - { label: r, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 5 } },
                    workload: { module: benchmarks/scenario/simple/open.js } }
            monitors:
              resource:
                - { module: docker, options: { interval: 2, containers: ['all'] } }
              transaction:
                - { module: prometheus-push, options: { pushInterval: 5000 } }
            """, fileName: "monitors.yaml")
        #expect(configuration.monitor.interval == .seconds(2))
        let notes = configuration.readingNotes.joined(separator: "\n")
        #expect(notes.contains("monitors.resource[0]: Caliper's docker resource monitor: its interval is taken"))
        #expect(notes.contains("monitors.transaction: Caliper's transaction monitors"))
    }
}
