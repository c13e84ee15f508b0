import Foundation
import Testing
import SampleSpecs
@testable import BenchmarkSpec
@testable import CapacitySpec
import ConfigurationReading
@testable import Capacity
@testable import Monitor

/// The files of a capacity run, and small capacity runs end to end on in-process federations.
@Suite("Capacity run", .serialized)
struct CapacityRunTests {
    /// A plan with an inline one-peer Raft benchmark of `accounts` accounts.
    static func plan(accounts: Int, batchTimeout: String, search: String, consensus: String = "[raft]") throws -> CapacityPlan {
        let yaml = """
            name: e2e
            benchmark:
              name: e2e-base
              network:
                consensus: raft
                organizations: [{ name: org1, peers: 1 }]
                raft: { orderers: 1, batchTimeout: \(batchTimeout) }
              accounts: \(accounts)
              rounds:
                - { label: open, txDuration: 5s, rateControl: { type: fixed-rate, opts: { tps: 10 } }, workload: { module: simple/open } }
            consensus: \(consensus)
            sizes: [{ organizations: 1 }]
            goal: { p95: 1s }
            search: \(search)
            """
        return try CapacityPlan(yaml: yaml, fileName: "e2e.yaml") { _ in throw ConfigurationErrors(fileName: "", errors: []) }
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.path + "/vernier-capacity-test-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A small run: every file is written and the outcome is sane.
    @Test func aSmallRunWritesEveryFile() async throws {
        let plan = try Self.plan(accounts: 40, batchTimeout: "50ms",
                                 search: "{ startRate: 20, maximumRate: 80, resolution: 50%, probe: 1500ms, warmUp: 500ms, maximumProbes: 3 }")
        let scratch = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = await CapacityRun(plan: plan, baseDirectory: scratch, dataDirectory: scratch + "/data").run(runId: "test")
        #expect(!report.interrupted && !report.failed)
        let cell = try #require(report.cells.first)
        #expect(report.cells.count == 1)
        #expect(cell.nodes == ["orderer0", "peer0.hospital1"])
        #expect((1...3).contains(report.probes.count))
        #expect(cell.probesUsed == report.probes.count)
        #expect(["sustainable", "at-least", "goal-never-met", "driver-limited"].contains(cell.outcome))
        // 20 tps of account openings on one peer is far below any limit of this machine: the
        // federation never misses it. (When other tests load the machine the driver itself may
        // fall behind, which is reported as driver-limited, never as a miss.)
        let first = try #require(report.probes.first)
        #expect(first.offeredRate == 20)
        #expect(first.verdict != .missed, "\(first.reason ?? "")")
        #expect(first.measurement.figures.succeeded > 0)
        #expect(first.measurement.blocks > 0)
        #expect(!first.measurement.resources.isEmpty)
        if let sustained = cell.sustainable?.mean {
            #expect(sustained >= 20 && sustained <= 80)
            #expect(cell.p95AtSustainableSeconds.map { $0 < 1 } == true)
        }

        let directory = scratch + "/results"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try CapacityFiles.write(report, to: directory)
        for file in ["capacity.csv", "probes.csv", "run.json", "capacity.html"] {
            #expect(FileManager.default.fileExists(atPath: directory + "/" + file), "\(file) missing")
        }
        let capacity = try String(contentsOfFile: directory + "/capacity.csv", encoding: .utf8)
        #expect(capacity.split(separator: "\n").count == 2)
        let probes = try String(contentsOfFile: directory + "/probes.csv", encoding: .utf8)
        #expect(probes.split(separator: "\n").count == 1 + report.probes.count)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/run.json"))) as? [String: Any]
        #expect((json?["cells"] as? [Any])?.count == 1)
        #expect((json?["probes"] as? [Any])?.count == report.probes.count)
        #expect(json?["machine"] != nil && json?["plan"] != nil)
        let html = try String(contentsOfFile: directory + "/capacity.html", encoding: .utf8)
        #expect(html.contains("Capacity curve") && html.contains("<svg") && html.contains("<circle"))
    }

    /// Two accounts, each with one transaction in flight, cannot offer 60 tps to a ledger that
    /// takes ~100 ms a block: the probe is the load's limit, reported as such, never a capacity.
    @Test func aProbeLimitedByTheLoadIsNeverTheFederationsCapacity() async throws {
        let plan = try Self.plan(accounts: 2, batchTimeout: "100ms",
                                 search: "{ startRate: 60, maximumRate: 60, resolution: 50%, probe: 1s, warmUp: 250ms, maximumProbes: 2 }")
        let scratch = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let report = await CapacityRun(plan: plan, baseDirectory: scratch, dataDirectory: scratch + "/data").run(runId: "test")
        let cell = try #require(report.cells.first)
        let first = try #require(report.probes.first)
        #expect(first.offeredRate == 60)
        #expect(first.verdict == .driverLimited, "\(first.verdict): \(first.reason ?? "")")
        #expect(first.limiting.key == "accounts", "\(first.limiting)")
        #expect(cell.outcome == "driver-limited" || cell.outcome == "mixed")
        #expect(cell.driverLimited)
        #expect(cell.firstMiss == nil, "a load-limited probe is not a federation miss")
        #expect(report.probes.filter { $0.verdict == .driverLimited }.allSatisfy { $0.offeredRate > (cell.sustainable?.mean ?? 0) })
        #expect(CapacityFiles.capacityCSV(report).contains(",driver-limited,"))
        #expect(CapacityRun.line(cell).contains("DRIVER-LIMITED"))
    }

    // MARK: - Files, on a synthetic report

    static func syntheticReport() throws -> CapacityReport {
        let plan = try SamplePlans.read(SamplePlans.plan())
        func probe(_ cell: CapacityCell, _ repetition: Int, _ index: Int, rate: Double, p95: Double, verdict: ProbeVerdict,
                   lag: Double = 1) -> CapacityProbeRecord {
            let measurement = CapacitySaturationTests.measurement(rate: rate, p95FromIntended: p95, p95FromSent: p95,
                                                                  lagMilliseconds: lag)
            return CapacityProbeRecord(cell: cell.label, consensus: cell.consensus.name, size: cell.size?.label, repetition: repetition,
                                       index: index, offeredRate: rate, verdict: verdict, reason: verdict == .met ? nil : "p95",
                                       limiting: SaturationAnalysis.limiting(measurement.evidence), measurement: measurement,
                                       wallSeconds: 3)
        }
        let cells = plan.cells
        var probes: [CapacityProbeRecord] = []
        var results: [CapacityCellResult] = []
        for (position, cell) in cells.enumerated() {
            var result = CapacityCellResult(label: cell.label, consensus: cell.consensus.name, size: cell.size,
                                            orderingNodes: cell.orderingNodes, nodes: plan.configuration(for: cell).nodeNames)
            for repetition in 1...2 {
                let knee = 400.0 / Double(position + 1) + Double(repetition) * 10
                var search = CapacitySearchRecord(repetition: repetition, startRate: 100, outcome: "sustainable",
                                                  sustainedRate: knee, firstMiss: knee * 1.1)
                for (index, (rate, p95, verdict)) in [(100.0, 0.3, ProbeVerdict.met), (knee * 1.1, 3.0, .missed), (knee, 1.2, .met)].enumerated() {
                    probes.append(probe(cell, repetition, index + 1, rate: rate, p95: p95, verdict: verdict))
                    search.probes.append(probes.count - 1)
                }
                result.searches.append(search)
            }
            results.append(CapacityRun.summarise(result, probes: probes, confidence: 0.95, latency: .intended))
        }
        return CapacityReport(plan: plan, runId: "synthetic", startedAt: "2026-01-01T00:00:00Z", machine: MachineDescription.current(),
                              gitCommit: nil, cells: results, probes: probes, interrupted: false, elapsedSeconds: 60)
    }

    @Test func theCellSummaryTakesTheSearchesTogether() throws {
        let report = try Self.syntheticReport()
        let cell = report.cells[0]
        #expect(cell.outcome == "sustainable")
        #expect(cell.probesUsed == 6)
        let interval = try #require(cell.sustainable)
        #expect(interval.mean == 415 && interval.hasInterval)
        #expect(interval.lower < 410 && interval.upper > 420)
        #expect(cell.firstMiss == 410 * 1.1)
        #expect(cell.p95AtSustainableSeconds == 1.2)
        #expect(cell.successRateAtSustainable == 1)
        #expect(cell.saturation == SaturatedResource.none)
        #expect(!cell.utilisationAtSustainable.isEmpty)
    }

    @Test func capacityCSVHasOneRowPerCell() throws {
        let report = try Self.syntheticReport()
        let lines = CapacityFiles.capacityCSV(report).split(separator: "\n").map(String.init)
        #expect(lines.count == 1 + 3)
        #expect(lines[0].hasPrefix("Consensus,Size,Organizations,Peers per organization,Ordering nodes,Nodes,Searches,Outcome,"
            + "Sustainable rate (TPS),Sustainable rate sd,Sustainable rate 95% low,Sustainable rate 95% high,First miss (TPS),"))
        #expect(lines[1].hasPrefix("raft,2×1,2,1,1,3,2,sustainable,415.0,7.0710678118654755,"))
        #expect(lines[3].hasPrefix("none,,,,1,1,2,sustainable,"))
        let probes = CapacityFiles.probesCSV(report).split(separator: "\n")
        #expect(probes.count == 1 + report.probes.count)
        #expect(probes[2].hasPrefix("raft,2×1,1,2,451.0"))
        #expect(probes[2].contains(",missed,p95,"))
    }

    @Test func thePageShowsBothCurves() throws {
        let report = try Self.syntheticReport()
        let html = CapacityHTML.render(report)
        #expect(html.contains("Sustainable rate (TPS) by size"))
        #expect(html.contains("raft: p95 latency (s) against offered rate (TPS)"))
        #expect(html.contains("raft: committed rate against offered rate (TPS)"))
        // The capacity curve: one point per raft size with its interval, and the no-ledger baseline.
        #expect(html.contains(">2×1<") && html.contains(">4×2<"))
        #expect(html.contains("none (one store)"))
        #expect(html.contains("stroke-dasharray"))
        #expect(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
    }
}
