import Foundation
import Testing

@Suite("vernier compare (end to end)")
struct CompareCommandTests {
    /// A run.json holding only what compare reads: rounds with their figures' values.
    static func runJSON(throughput: [Double]) -> String {
        let values = throughput.map { "\($0)" }.joined(separator: ",")
        let mean = throughput.reduce(0, +) / Double(throughput.count)
        return """
            {"rounds": [{"label": "open", "figures": [{"key": "throughput", "unit": "tx/s", "polarity": "higherIsBetter",
              "values": [\(values)],
              "interval": {"mean": \(mean), "standardDeviation": 1, "lower": \(mean - 1), "upper": \(mean + 1),
                           "halfWidth": 1, "confidence": 0.95, "count": \(throughput.count), "hasInterval": true}}]}]}
            """
    }

    @Test func exitCodesTellCIWhatHappened() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func write(_ name: String, _ throughput: [Double]) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try Self.runJSON(throughput: throughput).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let baseline = try write("baseline.json", [1000, 1010, 990, 1005, 995])
        let worse = try write("worse.json", [800, 808, 792, 804, 796])
        let better = try write("better.json", [1300, 1310, 1290, 1305, 1295])
        let same = try write("same.json", [1001, 1009, 991, 1004, 996])

        let regression = try ValidateCommandTests.run(["compare", baseline, worse, "--format", "markdown"])
        #expect(regression.status == 2)
        #expect(regression.standardOutput.contains("| open | throughput (tx/s) |"))
        #expect(regression.standardOutput.contains("regression"))
        #expect(try ValidateCommandTests.run(["compare", baseline, better]).status == 4)
        #expect(try ValidateCommandTests.run(["compare", baseline, same]).status == 0)
        #expect(try ValidateCommandTests.run(["compare", baseline, worse, "--threshold", "throughput=25%"]).status == 0)
        let missing = try ValidateCommandTests.run(["compare", directory.appendingPathComponent("none.json").path, worse])
        #expect(missing.status == 5)
        #expect(missing.standardError.contains("no such file"))
        // A misspelt figure in --threshold is bad usage, never silently ignored.
        let misspelt = try ValidateCommandTests.run(["compare", baseline, worse, "--threshold", "throughptu=25%"])
        #expect(misspelt.status == 64)
        #expect(misspelt.standardError.contains("no figure is called \"throughptu\""))
    }
}
