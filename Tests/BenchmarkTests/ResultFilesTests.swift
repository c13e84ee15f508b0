import Foundation
import Testing
@testable import BenchmarkSpec
@testable import Results
@testable import Statistics
@testable import Benchmark

@Suite("Result files", .serialized)
struct ResultFilesTests {
    /// A repeated run writes run.json, rounds.csv and repetitions.csv, and every interval in
    /// rounds.csv recomputes exactly from the raw values in repetitions.csv.
    @Test func intervalsRecomputeFromTheRepetitions() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: repeated
            network: { consensus: none }
            accounts: 20
            repetitions: 4
            confidence: 0.9
            rounds:
              - { label: "calibrate, driver", txNumber: 300, rateControl: { type: fixed-rate, opts: { tps: 3000 } }, workload: { module: noop } }
              - { label: second, txDuration: 200ms, rateControl: { type: fixed-rate, opts: { tps: 1000 } }, workload: { module: noop } }
            """, fileName: "repeated.yaml")
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-files-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = try await BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
            .run(runId: "r")
        #expect(report.repetitions.count == 4)
        let directory = try ResultsDirectory.create(root: scratch, benchmark: "repeated", runId: "r")
        try ResultsDirectory.write(report, to: directory)
        for file in ["run.json", "rounds.csv", "repetitions.csv", "resources.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file) missing")
        }

        // Raw values per (round, figure), as anyone would read them back.
        let repetitions = try String(contentsOfFile: directory + "/repetitions.csv", encoding: .utf8)
        var raw: [String: [String: [Double]]] = [:]
        for line in parse(repetitions).dropFirst() {
            raw[line[0], default: [:]][line[2], default: []].append(Double(line[4])!)
        }
        let rounds = parse(try String(contentsOfFile: directory + "/rounds.csv", encoding: .utf8))
        let header = rounds[0]
        #expect(rounds.count == 3)
        #expect(rounds[1][0] == "calibrate, driver")
        var checked = 0
        for row in rounds.dropFirst() {
            let label = row[0]
            for definition in RoundFigure.allCases {
                guard let column = header.firstIndex(of: definition.header), let values = raw[label]?[definition.rawValue] else { continue }
                #expect(values.count == 4)
                let interval = try #require(ConfidenceInterval(samples: values, confidence: 0.9))
                #expect(row[column] == CSV.number(interval.mean), "\(label) \(definition.rawValue) mean")
                #expect(row[column + 1] == CSV.number(interval.standardDeviation))
                #expect(row[column + 2] == CSV.number(interval.lower))
                #expect(row[column + 3] == CSV.number(interval.upper))
                #expect(header[column + 2] == "\(definition.header) 90% low")
                checked += 1
            }
        }
        #expect(checked >= 30)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/run.json"))) as? [String: Any]
        #expect((json?["rounds"] as? [[String: Any]])?.count == 2)
        // vernier compare reads the file a run wrote; a run compared with itself changes nothing.
        let loaded = try ComparableRound.load(path: directory)
        #expect(loaded.map(\.label) == ["calibrate, driver", "second"])
        let results = try #require(Comparison().compare(baseline: loaded, current: loaded))
        #expect(results.allSatisfy { $0.verdict == .unchanged || $0.verdict == .notJudged })
        #expect(Comparison.outcome(results) == .noRegression)
    }

    /// A Raft run reports each round's cost per transaction for the federation and every node,
    /// and where its maximum-rate round saturated; costs.csv and report.html show both.
    @Test func costsAndSaturationReachEveryFile() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: costs
            network:
              consensus: raft
              organizations: [{ name: org1, peers: 1 }, { name: org2, peers: 1 }]
              raft: { orderers: 1, batchTimeout: 50ms }
            accounts: 50
            repetitions: 2
            rounds:
              - { label: open, txNumber: 60, rateControl: { type: fixed-rate, opts: { tps: 60 } }, workload: { module: simple/open } }
              - label: pushed
                txDuration: 4s
                rateControl: { type: maximum-rate, opts: { tps: 50, step: 50, sampleInterval: 1s, latencyBound: 10s } }
                workload: { module: simple/open }
            """, fileName: "costs.yaml")
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-costs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = try await BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
            .run(runId: "r")
        let open = try #require(report.rounds.first { $0.label == "open" })
        #expect(open.costs.map(\.scope) == ["federation", "orderer0", "peer0.org1", "peer0.org2"])
        let federation = try #require(open.costs("federation"))
        for figure in CostFigure.allCases {
            let interval = try #require(federation.statistics(figure)?.interval, "\(figure) not measured")
            #expect(interval.mean > 0, "\(figure)")
            #expect(interval.count == 2)
        }
        // The federation's CPU is its nodes' sum; in process only the federation has a peak.
        let nodesCPU = open.costs.dropFirst().compactMap { $0.statistics(.cpuPerTransaction)?.interval?.mean }.reduce(0, +)
        #expect(abs(nodesCPU - federation.statistics(.cpuPerTransaction)!.interval!.mean) < 1e-6 * nodesCPU)
        #expect(open.costs("peer0.org1")?.statistics(.peakMemory)?.interval == nil)
        // Every peer stores every block: they write the same bytes per transaction.
        #expect(open.costs("peer0.org1")?.statistics(.diskWrittenPerTransaction)?.interval?.mean
                == open.costs("peer0.org2")?.statistics(.diskWrittenPerTransaction)?.interval?.mean)
        #expect(report.repetitions.allSatisfy { $0.rounds[0].processedByLedger == 60 })

        let pushed = try #require(report.rounds.first { $0.label == "pushed" })
        #expect(try #require(pushed.interval(.saturationThroughput)).mean > 0)
        let saturation = try #require(report.repetitions[0].rounds[1].saturation)
        #expect(saturation.windowSeconds == 1 && saturation.latencyBoundGiven && saturation.latencyBoundSeconds == 10)
        // A 10 s bound is never passed: the figure is the highest offered rate, and says so.
        #expect(!saturation.latencyBoundReached)
        #expect(open.interval(.saturationThroughput) == nil)

        let directory = try ResultsDirectory.create(root: scratch, benchmark: "costs", runId: "r")
        try ResultsDirectory.write(report, to: directory)
        let costs = try String(contentsOfFile: directory + "/costs.csv", encoding: .utf8).split(separator: "\n")
        #expect(costs.count == 1 + 2 * 4)
        #expect(costs[0].hasPrefix("Round,Scope,CPU per Tx (µs),CPU per Tx (µs) sd,"))
        #expect(costs[1].hasPrefix("open,federation,"))
        let html = try String(contentsOfFile: directory + "/report.html", encoding: .utf8)
        #expect(html.contains("<h2>Cost per transaction</h2>") && html.contains("<h2>Saturation</h2>"))
        let terminal = ResultTable.render(report)
        #expect(terminal.contains("cost per transaction of the whole federation"))
        #expect(terminal.contains("pushed saturation: sustained"))
        #expect(terminal.contains("NOT in every repetition"))
    }

    @Test func csvQuotesWhatNeedsIt() {
        #expect(CSV.line(["a", "b,c", "say \"hi\"", "x\ny"]) == "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"")
        #expect(Double(CSV.number(0.1 + 0.2)) == 0.1 + 0.2)
        #expect(CSV.number(.nan) == "")
    }

    /// A small CSV reader for the test: quoted fields with doubled quotes.
    private func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var field = "", row: [String] = [], quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.append("\""); characters.removeFirst() } else { quoted = false }
                } else { field.append(character) }
            } else if character == "\"" { quoted = true }
            else if character == "," { row.append(field); field = "" }
            else if character == "\n" { row.append(field); rows.append(row); row = []; field = "" }
            else { field.append(character) }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }
}
