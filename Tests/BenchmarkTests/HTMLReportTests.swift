import Foundation
import Testing
@testable import BenchmarkSpec
@testable import Results
@testable import Benchmark

@Suite("HTML report", .serialized)
struct HTMLReportTests {
    /// report.html is one self-contained page: no scripts, nothing fetched, every round in its
    /// tables and charts (labels escaped), and the intervals' half-widths shown.
    @Test func theReportIsSelfContained() async throws {
        let configuration = try BenchmarkConfiguration(yaml: """
            name: page
            network: { consensus: none }
            accounts: 5
            repetitions: 2
            rounds:
              - { label: "first <round>", txNumber: 50, rateControl: { type: fixed-rate, opts: { tps: 1000 } }, workload: { module: noop } }
              - { label: second, txNumber: 50, rateControl: { type: fixed-rate, opts: { tps: 1000 } }, workload: { module: noop } }
            """, fileName: "page.yaml")
        let scratch = FileManager.default.temporaryDirectory.path + "/vernier-page-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = try await BenchmarkRun(configuration: configuration, baseDirectory: scratch, dataDirectory: scratch + "/data")
            .run(runId: "p")
        let html = HTMLReport.render(report)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("src=") && !html.contains("href="))
        #expect(html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").range(of: "http") == nil)
        #expect(html.contains("first &lt;round&gt;") && !html.contains("first <round>"))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 4)
        #expect(html.contains("± "))
        #expect(html.contains("Throughput (TPS)") && html.contains("p99 Latency (s)"))
    }
}
