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
