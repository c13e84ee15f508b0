import Foundation
import Testing
@testable import BenchmarkSpec
@testable import CapacitySpec
import NetworkSpec
@testable import ConfigurationReading
import SampleSpecs

/// Capacity plans are read as strictly as benchmark files: every error names its path and line.
@Suite("Capacity plan reading")
struct CapacityPlanTests {
    static let benchmark = SamplePlans.benchmark

    static func plan(_ replacements: [(String, String)] = []) -> String { SamplePlans.plan(replacements) }

    static func loader(_ text: String = benchmark) -> (String) throws -> (path: String, configuration: BenchmarkConfiguration) {
        SamplePlans.loader(text)
    }

    static func read(_ yaml: String, benchmark: String = benchmark) throws -> CapacityPlan {
        try SamplePlans.read(yaml, benchmark: benchmark)
    }

    @Test func aValidPlanReadsWithItsDefaults() throws {
        let plan = try Self.read(Self.plan())
        #expect(plan.name == "plan-test")
        #expect(plan.benchmarkPath == "base.yaml")
        #expect(plan.round == "mix")
        guard case .clinicalMix(let patients, _, _) = plan.workloadRound.workload else {
            Issue.record("the workload is \(plan.workloadRound.workload)")
            return
        }
        #expect(patients == 20)
        #expect(plan.consensus.map(\.name) == ["raft", "none"])
        #expect(plan.sizes == [CapacitySize(organizations: 2, peersPerOrganization: 1, orderers: 1),
                               CapacitySize(organizations: 4, peersPerOrganization: 2, orderers: 3)])
        #expect(plan.goal == ServiceGoal(p95LatencySeconds: 2, minimumSuccessRate: 0.999, minimumThroughputShare: 0.9))
        #expect(plan.search.startRate == 20 && plan.search.maximumRate == 2000)
        #expect(abs(plan.search.relativeResolution - 0.1) < 1e-12)
        #expect(plan.search.probeLength == .seconds(20) && plan.search.warmUp == .seconds(5))
        #expect(plan.search.repetitions == 2 && plan.search.maximumProbes == 10)
        #expect(plan.search.growthFactor == 2 && plan.search.warmStart)
        // Raft keeps the benchmark's settings (its 100 ms batch timeout); none runs once, whatever the size.
        guard case .raft(let raft) = plan.consensus[0] else {
            Issue.record("not raft: \(plan.consensus[0])")
            return
        }
        #expect(raft.batchTimeout == .milliseconds(100))
        #expect(plan.cells.map(\.label) == ["raft 2×1 (1 orderer)", "raft 4×2 (3 orderers)", "none (one store)"])
    }

    @Test func eachCellGetsItsOwnFederation() throws {
        let plan = try Self.read(Self.plan())
        let cells = plan.cells
        let large = plan.configuration(for: cells[1])
        #expect(large.nodeNames == ["orderer0", "orderer1", "orderer2", "peer0.hospital1", "peer1.hospital1", "peer0.hospital2",
                                    "peer1.hospital2", "peer0.hospital3", "peer1.hospital3", "peer0.hospital4", "peer1.hospital4"])
        #expect(large.rounds.map(\.label) == ["mix"])
        #expect(large.repetitions == 1)
        #expect(plan.configuration(for: cells[2]).nodeNames == ["store0"])
    }

    @Test func anInlineBenchmarkAndTheDefaultRoundAndConsensus() throws {
        let indented = Self.benchmark.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
        let yaml = """
            name: inline
            benchmark:
            \(indented)
            sizes: [{ organizations: 3 }]
            goal: { p95: 1500ms }
            search: { startRate: 10, maximumRate: 100 }
            """
        let plan = try CapacityPlan(yaml: yaml, fileName: "inline.yaml") { _ in
            Issue.record("an inline benchmark loads no file")
            throw ConfigurationErrors(fileName: "", errors: [])
        }
        #expect(plan.benchmarkPath == nil)
        #expect(plan.round == "mix")
        #expect(plan.consensus.map(\.name) == ["raft"])
        #expect(plan.sizes == [CapacitySize(organizations: 3)])
        #expect(plan.goal == ServiceGoal(p95LatencySeconds: 1.5))
        #expect(plan.search.repetitions == 1 && plan.search.probeLength == .seconds(20) && plan.search.warmUp == .seconds(5))
    }

    /// A broken plan: the replacement, the path an error must name, its line and a part of its message.
    struct Broken: Sendable, CustomStringConvertible {
        var old: String
        var new: String
        var path: String
        var line: Int
        var text: String
        var description: String { path }
    }

    static let broken: [Broken] = [
        Broken(old: "resolution: 10%", new: "resoluton: 10%", path: "search.resoluton", line: 9, text: "did you mean resolution?"),
        Broken(old: "successRate: 99.9%", new: "successRate: 110%", path: "goal.successRate", line: 8, text: "out of range"),
        Broken(old: "successRate: 99.9%", new: "successRate: high", path: "goal.successRate", line: 8, text: "expected a percentage"),
        Broken(old: "p95: 2s", new: "p95: 2 seconds", path: "goal.p95", line: 8, text: "invalid duration"),
        Broken(old: "{ organizations: 4,", new: "{ organizations: 0,", path: "sizes[1].organizations", line: 7, text: "between 1 and 64"),
        Broken(old: "orderers: 3 }", new: "orderers: 3, miners: 2 }", path: "sizes[1].miners", line: 7, text: "pow, which this plan does not run"),
        Broken(old: "orderers: 3 }", new: "orderer: 3 }", path: "sizes[1].orderer", line: 7, text: "did you mean orderers?"),
        Broken(old: "{ organizations: 4, peersPerOrganization: 2, orderers: 3 }",
               new: "{ organizations: 2, peersPerOrganization: 1, orderers: 1 }", path: "sizes[1]", line: 7, text: "duplicate size"),
        Broken(old: "round: mix", new: "round: mixx", path: "round", line: 3, text: "did you mean mix?"),
        Broken(old: "consensus: [raft, none]", new: "consensus: [raft, raft]", path: "consensus[1]", line: 4, text: "duplicate consensus"),
        Broken(old: "consensus: [raft, none]", new: "consensus: [raft, pbft]", path: "consensus[1]", line: 4, text: "expected one of raft, pow, none"),
        Broken(old: "warmUp: 5s", new: "warmUp: 20s", path: "search.warmUp", line: 9, text: "shorter than the probe"),
        Broken(old: "maximumRate: 2000", new: "maximumRate: 10", path: "search.maximumRate", line: 9, text: "at least startRate"),
        Broken(old: "startRate: 20", new: "startRate: -1", path: "search.startRate", line: 9, text: "greater than 0"),
        Broken(old: "repetitions: 2", new: "repetitions: two", path: "search.repetitions", line: 9, text: "expected an integer"),
        Broken(old: "goal: { p95: 2s, successRate: 99.9%, throughputShare: 0.9 }", new: "aim: { p95: 2s }", path: "aim", line: 8,
               text: "unknown key"),
        Broken(old: "name: plan-test", new: "name: plan/test", path: "name", line: 1, text: "invalid name"),
        Broken(old: "benchmark: base.yaml", new: "benchmark: 42", path: "benchmark", line: 2, text: "a benchmark file's path or an inline benchmark"),
    ]

    @Test("a broken plan names the path and line", arguments: broken)
    func brokenPlanNamesPathAndLine(_ broken: Broken) throws {
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try Self.read(Self.plan([(broken.old, broken.new)]))
        }
        let errors = failure.files.flatMap(\.errors).filter { $0.path == broken.path }
        #expect(!errors.isEmpty, "no error at \(broken.path); got:\n\(failure)")
        #expect(errors.contains { $0.line == broken.line }, "no error at line \(broken.line); got:\n\(failure)")
        #expect(failure.lines.contains { $0.hasPrefix("plan.yaml:") && $0.contains(broken.text) }, "no \"\(broken.text)\"; got:\n\(failure)")
    }

    @Test func aMissingGoalIsReported() throws {
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try Self.read(Self.plan([("goal: { p95: 2s, successRate: 99.9%, throughputShare: 0.9 }\n", "")]))
        }
        #expect(failure.lines.contains { $0.contains("goal: missing required key") }, "\(failure)")
    }

    @Test func errorsInAnInlineBenchmarkCarryItsPath() throws {
        let yaml = """
            name: inline
            benchmark:
              name: base
              network: { consensus: rafts, organizations: [{ name: org1, peers: 1 }] }
              rounds: [{ label: a, txNumber: 5, rateControl: { type: fixed-rate, opts: { tps: 5 } }, workload: { module: noop } }]
            sizes: [{ organizations: 1 }]
            goal: { p95: 1s }
            search: { startRate: 10, maximumRate: 100 }
            """
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try CapacityPlan(yaml: yaml, fileName: "inline.yaml") { _ in throw ConfigurationErrors(fileName: "", errors: []) }
        }
        let error = try #require(failure.files[0].errors.first { $0.path == "benchmark.network.consensus" }, "\(failure)")
        #expect(error.line == 4)
        #expect(error.suggestion == "raft")
    }

    @Test func errorsInTheBenchmarkFileFollowThePlans() throws {
        let brokenBenchmark = Self.benchmark.replacingOccurrences(of: "accounts: 50", with: "acounts: 50")
        let failure = try #require(throws: CapacityPlanErrors.self) { try Self.read(Self.plan(), benchmark: brokenBenchmark) }
        #expect(failure.files.count == 2)
        #expect(failure.lines.first?.hasPrefix("plan.yaml:2:") == true, "\(failure)")
        #expect(failure.lines.contains { $0.hasPrefix("base.yaml:6:") && $0.contains("acounts") && $0.contains("did you mean accounts?") },
                "\(failure)")
    }

    @Test func aMissingBenchmarkFileIsReported() throws {
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try Self.read(Self.plan([("benchmark: base.yaml", "benchmark: nowhere.yaml")]))
        }
        #expect(failure.lines.contains { $0.hasPrefix("plan.yaml:2:") && $0.contains("nowhere.yaml") }, "\(failure)")
    }

    @Test func aSyntaxErrorHasAPosition() throws {
        let failure = try #require(throws: CapacityPlanErrors.self) { try Self.read("name: x\nsizes: [\n") }
        #expect(failure.files[0].errors.first?.line != nil, "\(failure)")
    }

    /// The committed plan: 2, 4, 8 and 16 hospitals on Raft with the clinical mix, in about 15 minutes.
    @Test func theCommittedPlanIsValidAndFitsItsBudget() throws {
        let path = TestFiles.packageRoot.appendingPathComponent("Workloads/capacity-federation.yaml").path
        let plan = try CapacityPlan.load(path: path)
        #expect(plan.sizes.map(\.organizations) == [2, 4, 8, 16])
        #expect(plan.consensus.map(\.name) == ["raft"])
        guard case .clinicalMix = plan.workloadRound.workload else {
            Issue.record("the workload is \(plan.workloadRound.workload)")
            return
        }
        #expect(plan.estimatedSeconds.typical <= 15 * 60, "typical estimate \(plan.estimatedSeconds.typical) s")
    }

    /// The base benchmark on `hosts` (ordering, site-a, site-b, ...) with `placement`.
    static func hostsBenchmark(hosts: Int, placement: String) -> String {
        let names = ["ordering"] + (1..<hosts).map { "site-\($0)" }
        return SamplePlans.benchmark.replacingOccurrences(of: "  raft: { orderers: 1, batchTimeout: 100ms }", with: """
              raft: { orderers: 1, batchTimeout: 100ms }
              deployment: hosts
              placement: \(placement)
              hosts:
            \(names.enumerated().map { "    - { name: \($1), address: 10.1.0.\($0 + 1) }" }.joined(separator: "\n"))
            """)
    }

    @Test func everyCellOnHostsMustFitThePlacement() throws {
        // Five hosts: the orderers and four hospitals fit the 4×2 size; the store takes the first host.
        let plan = try Self.read(Self.plan(), benchmark: Self.hostsBenchmark(hosts: 5, placement: "per-organization"))
        let cells = plan.cells
        #expect(cells.map(\.slug) == ["raft-2x1-1-orderer", "raft-4x2-3-orderers", "none"])
        let large = try #require(plan.configuration(for: cells[1]).network.nodeLocations)
        #expect(large.filter { $0.host == "site-4" }.map(\.node) == ["peer0.hospital4", "peer1.hospital4"])
        #expect(plan.configuration(for: cells[0]).network.nodeLocations?.contains { $0.host == "site-3" } == false)
        #expect(plan.configuration(for: cells[2]).network.nodeLocations?.map(\.host) == ["ordering"])
        #expect(plan.summary.contains("raft 4×2 (3 orderers): 11 nodes on 5 hosts"), "\(plan.summary)")

        // Three hosts fit the base benchmark's one organisation and the 2×1 size, not the 4×2 one.
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try Self.read(Self.plan(), benchmark: Self.hostsBenchmark(hosts: 3, placement: "per-organization"))
        }
        let errors = failure.files.flatMap(\.errors)
        #expect(errors.count == 1, "\(failure)")
        #expect(errors.first?.path == "sizes[1]" && errors.first?.line == 7, "\(failure)")
        #expect(failure.lines.first?.contains("raft 4×2 (3 orderers) on deployment: hosts: placement per-organization needs a host "
            + "for each of its groups, in this order: orderers, hospital1, hospital2, hospital3, hospital4 (5 hosts); "
            + "the benchmark names 3") == true, "\(failure)")

        // Round-robin fits any size on any hosts.
        _ = try Self.read(Self.plan(), benchmark: Self.hostsBenchmark(hosts: 2, placement: "round-robin"))
    }

    @Test func aPlacementByGroupCannotNameAPlansHospitals() throws {
        let failure = try #require(throws: CapacityPlanErrors.self) {
            try Self.read(Self.plan([("consensus: [raft, none]", "consensus: [raft]")]),
                          benchmark: Self.hostsBenchmark(hosts: 2, placement: "{ orderers: ordering, org1: site-1 }"))
        }
        #expect(failure.lines.count == 2, "\(failure)")
        #expect(failure.lines.allSatisfy { $0.contains("use placement: per-organization or round-robin") }, "\(failure)")
        #expect(failure.lines.first?.contains("names no host for hospital1, hospital2") == true, "\(failure)")
    }
}
