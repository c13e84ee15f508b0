import Transport
import Foundation
import Benchmark
public import Federation
import BenchmarkSpec
public import CapacitySpec
public import Load
public import Monitor
public import Statistics

/// How a probe counted in its search.
public enum ProbeVerdict: String, Sendable, Hashable, Codable {
    case met
    case missed
    /// The load side (the driver or its accounts) limited the probe: it counts neither way.
    case driverLimited = "driver-limited"
}

/// One probe of a capacity run, as run.json and probes.csv record it.
public struct CapacityProbeRecord: Sendable, Codable {
    /// The cell's label (`raft 8×1 (3 orderers)`).
    public var cell: String
    public var consensus: String
    /// The size's label (`8×1`), nil for the no-ledger baseline.
    public var size: String?
    /// 1-based repetition of the search, and 1-based probe within it.
    public var repetition: Int
    public var index: Int
    public var offeredRate: Double
    public var verdict: ProbeVerdict
    /// Why the probe missed the goal, or what limited the load side.
    public var reason: String?
    /// The resource nearest its limit in this probe.
    public var limiting: SaturatedResource
    public var measurement: ProbeMeasurement
    /// The probe's wall time, preparation, drain and settling included.
    public var wallSeconds: Double
}

/// One search of one cell: where it started, how it ended, and its probes.
public struct CapacitySearchRecord: Sendable, Codable {
    public var repetition: Int
    public var startRate: Double
    /// `sustainable`, `at-least`, `goal-never-met`, `driver-limited`.
    public var outcome: String
    /// The highest rate that met the goal (a lower bound unless the outcome is `sustainable`).
    public var sustainedRate: Double?
    /// The lowest rate the federation missed the goal at.
    public var firstMiss: Double?
    /// The lowest rate the load side could not keep.
    public var driverLimitedAt: Double?
    /// Indices of its probes in the report's `probes`.
    public var probes: [Int] = []
    public var interrupted = false
}

/// What a plan found for one cell (a consensus at a size).
public struct CapacityCellResult: Sendable, Codable {
    public var label: String
    public var consensus: String
    public var size: CapacitySize?
    public var orderingNodes: Int
    public var nodes: [String]
    public var searches: [CapacitySearchRecord] = []
    /// The searches' sustained rates: mean, deviation and Student-t interval (collapsed for one).
    public var sustainable: ConfidenceInterval?
    /// The outcome shared by every search, or `mixed`.
    public var outcome: String = "not-run"
    /// The lowest rate any search missed the goal at.
    public var firstMiss: Double?
    /// p95 (the goal's basis) and success rate of the probes at the sustained rates, averaged.
    public var p95AtSustainableSeconds: Double?
    public var successRateAtSustainable: Double?
    public var probesUsed = 0
    /// What limited the first probe above the sustained rate (the most frequent over searches).
    public var saturation: SaturatedResource?
    /// How close each resource came to its limit at the sustained rate (first search).
    public var utilisationAtSustainable: [ResourceUtilisation] = []
    /// Some search ended because the load side, not the federation, could not go higher.
    public var driverLimited = false
    public var error: String?
}

/// Everything a capacity run produced.
public struct CapacityReport: Sendable, Encodable {
    public var plan: CapacityPlan
    public var runId: String
    public var startedAt: String
    public var machine: MachineDescription
    public var gitCommit: String?
    public var cells: [CapacityCellResult]
    public var probes: [CapacityProbeRecord]
    public var interrupted: Bool
    public var elapsedSeconds: Double
    /// Some cell could not run (its federation failed to start or a probe failed).
    public var failed: Bool { cells.contains { $0.error != nil } }

    enum CodingKeys: String, CodingKey {
        case plan, runId, startedAt, machine, gitCommit, cells, probes, interrupted, elapsedSeconds, failed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(plan, forKey: .plan)
        try container.encode(runId, forKey: .runId)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(machine, forKey: .machine)
        try container.encodeIfPresent(gitCommit, forKey: .gitCommit)
        try container.encode(cells, forKey: .cells)
        try container.encode(probes, forKey: .probes)
        try container.encode(interrupted, forKey: .interrupted)
        try container.encode(elapsedSeconds, forKey: .elapsedSeconds)
        try container.encode(failed, forKey: .failed)
    }
}

/// Runs a capacity plan: for each cell, a federation kept up across its probes, and the
/// sustainable-rate search repeated as the plan asks.
public struct CapacityRun: Sendable {
    public let plan: CapacityPlan
    /// The plan's directory: relative paths in its benchmark resolve here.
    public let baseDirectory: String
    /// Scratch space for the nodes' data; each cell's is removed when it ends.
    public let dataDirectory: String
    /// With `deployment: processes`: the `vernier` executable, and the directory under which each
    /// cell's node logs go (`<logDirectory>/<cell slug>/<node>.log`).
    public var nodeProcesses: ProcessDeployment?
    /// With `deployment: hosts`: each cell's driver file (from `vernier deploy files PLAN`), by
    /// the cell's slug.
    public var hostDeployments: [String: DriverDeploymentFile] = [:]
    /// With `deployment: hosts`: how long the driver waits for a cell's nodes to answer, fresh.
    public var hostsReadyTimeout: Duration = .seconds(120)
    /// With `deployment: hosts`: the commands that start each cell's nodes before it and stop them
    /// after it (nil: someone else does, while the driver waits).
    public var cellCommands: CapacityCellCommands?

    public init(plan: CapacityPlan, baseDirectory: String, dataDirectory: String) {
        self.plan = plan
        self.baseDirectory = baseDirectory
        self.dataDirectory = dataDirectory
    }

    /// The files that start each cell's federation on the plan's hosts, in plan order: each cell
    /// is a federation of its own (its size, its consensus), so each has its own nodes, keys and
    /// driver file. Cells run one after another, so they share the hosts and their ports.
    public static func hostDeployments(of plan: CapacityPlan, dataDirectory: String) throws
        -> [(cell: CapacityCell, deployment: HostDeployment)] {
        guard plan.benchmark.network.deployment == .hosts else {
            throw HostDeploymentError(description: "the plan's benchmark does not have deployment: hosts")
        }
        return try plan.cells.map { cell in
            let deployments = try BenchmarkRun.hostDeployments(of: plan.configuration(for: cell), dataDirectory: dataDirectory)
            guard deployments.count == 1 else {
                throw HostDeploymentError(description: "\(cell.label): a capacity cell is one federation, not \(deployments.count)")
            }
            return (cell, deployments[0].deployment)
        }
    }

    /// Starts one cell's federation: runs the hook before it, and with hosts says whose nodes
    /// the driver is waiting for.
    private func openSession(for cell: CapacityCell, index: Int, count: Int,
                             log: @escaping @Sendable (String) -> Void) async throws -> ProbeSession {
        let configuration = plan.configuration(for: cell)
        var benchmark = BenchmarkRun(configuration: configuration, baseDirectory: baseDirectory,
                                     dataDirectory: dataDirectory + "/cell-\(index + 1)")
        switch configuration.network.deployment {
        case .inProcess:
            break
        case .processes:
            guard var deployment = nodeProcesses else {
                throw ProbeError(description: "deployment: processes needs the vernier executable and a log directory")
            }
            deployment.logDirectory += "/" + cell.slug
            try FileManager.default.createDirectory(atPath: deployment.logDirectory, withIntermediateDirectories: true)
            benchmark.nodeProcesses = deployment
        case .hosts:
            guard let driver = hostDeployments[cell.slug] else {
                throw ProbeError(description: "no deployment for \(cell.slug): write the plan's files with `vernier deploy files`")
            }
            benchmark.hostDeployments[configuration.federations[0].name] = driver
            benchmark.hostsReadyTimeout = hostsReadyTimeout
            if let cellCommands, cellCommands.before != nil {
                log("  starting its nodes: \(cellCommands.describe(.before))")
                try await cellCommands.run(.before, cell: cell, index: index, count: count)
            } else {
                log("  waiting up to \(hostsReadyTimeout) for its nodes to answer from their files in <deployment>/\(cell.slug)/ "
                    + "(each `vernier node --reset <node>.node.json` on its host)")
            }
        }
        return try await benchmark.openProbeSession(log: { log("  " + $0) })
    }

    /// Runs the hook after a cell on hosts; its failure becomes the cell's error unless it has one.
    private func finishCell(_ cell: CapacityCell, index: Int, count: Int, result: inout CapacityCellResult,
                            log: @Sendable (String) -> Void) async {
        guard plan.benchmark.network.deployment == .hosts else { return }
        guard let cellCommands, cellCommands.after != nil else {
            log("  done with \(cell.slug)'s nodes: stop them before the next cell's start on the same ports")
            return
        }
        do {
            log("  stopping its nodes: \(cellCommands.describe(.after))")
            try await cellCommands.run(.after, cell: cell, index: index, count: count)
        } catch {
            let message = "the command after the cell failed: \(error)"
            log("  " + message)
            if result.error == nil { result.error = message }
        }
    }

    /// Runs every cell; cancelling the task ends the current probe early, drops it, and keeps
    /// what finished.
    public func run(runId: String, progress: (@Sendable (RoundProgress) -> Void)? = nil,
                    log: @escaping @Sendable (String) -> Void = { _ in }) async -> CapacityReport {
        let clock = ContinuousClock()
        let begun = clock.now
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var probes: [CapacityProbeRecord] = []
        var cells: [CapacityCellResult] = []
        var interrupted = false
        var previousSustained: [String: Double] = [:]
        let allCells = plan.cells
        for (cellIndex, cell) in allCells.enumerated() {
            if Task.isCancelled {
                interrupted = true
                break
            }
            let configuration = plan.configuration(for: cell)
            var result = CapacityCellResult(label: cell.label, consensus: cell.consensus.name, size: cell.size,
                                            orderingNodes: cell.orderingNodes, nodes: configuration.nodeNames)
            log("[\(cellIndex + 1)/\(allCells.count)] \(cell.label): starting \(configuration.nodeNames.count) node\(configuration.nodeNames.count == 1 ? "" : "s")"
                + (configuration.network.deployment == .inProcess ? "" : " (\(configuration.network.deployment.rawValue))"))
            let session: ProbeSession
            do {
                session = try await openSession(for: cell, index: cellIndex, count: allCells.count, log: log)
            } catch {
                result.error = "the federation did not start: \(error)"
                log("  \(result.error!)")
                await finishCell(cell, index: cellIndex, count: allCells.count, result: &result, log: log)
                cells.append(result)
                continue
            }
            // A warm start begins one growth step below the previous size's rate: capacity rarely
            // grows with the federation, and a probe far past the knee is the costliest to drain.
            let warm = plan.search.warmStart ? previousSustained[cell.consensus.name].map { $0 / plan.search.growthFactor } : nil
            let base = min(warm ?? plan.search.startRate, plan.search.maximumRate)
            repetitions: for repetition in 0..<plan.search.repetitions {
                // Later repetitions start a little higher (a fixed fraction of the resolution), so
                // their brackets fall differently and the interval is not an artefact of the grid.
                let dither = 1 + plan.search.relativeResolution * Double(repetition) / Double(plan.search.repetitions)
                let startRate = min(base * dither, plan.search.maximumRate)
                var search = CapacitySearch(goal: plan.goal, startRate: startRate, maximumRate: plan.search.maximumRate,
                                            relativeResolution: plan.search.relativeResolution,
                                            maximumProbes: plan.search.maximumProbes, growthFactor: plan.search.growthFactor)
                var record = CapacitySearchRecord(repetition: repetition + 1, startRate: startRate, outcome: "")
                while let rate = search.nextRate() {
                    if Task.isCancelled {
                        record.interrupted = true
                        break
                    }
                    let request = ProbeRequest(
                        label: "\(cell.label) #\(repetition + 1).\(search.probes.count + 1) @\(ServiceGoal.text(rate)) tps",
                        rate: rate, length: plan.search.probeLength, warmUp: plan.search.warmUp, goal: plan.goal,
                        transactionTimeout: plan.search.effectiveTransactionTimeout(goal: plan.goal))
                    let probeStart = clock.now
                    let measurement: ProbeMeasurement
                    do {
                        measurement = try await session.probe(request, progress: progress)
                    } catch {
                        result.error = "probe at \(ServiceGoal.text(rate)) tps failed: \(error)"
                        log("  \(result.error!)")
                        break repetitions
                    }
                    if measurement.figures.interrupted || Task.isCancelled {
                        // A probe cut short says nothing: drop it.
                        record.interrupted = true
                        break
                    }
                    let probe = measurement.searchProbe(goal: plan.goal)
                    search.record(probe)
                    let limiting = SaturationAnalysis.limiting(measurement.evidence)
                    let verdict: ProbeVerdict
                    let reason: String?
                    let lag = measurement.figures.driver.schedulerLagP99Milliseconds
                    if probe.limitedByDriver {
                        verdict = .driverLimited
                        reason = ["accounts", "driver", "process-cpu", "machine-cpu"].contains(limiting.key)
                            ? limiting.detail : "scheduler lag p99 \(ServiceGoal.text(lag)) ms"
                    } else if let miss = plan.goal.miss(probe) {
                        verdict = .missed
                        reason = miss + (SaturationAnalysis.driverFellBehind(measurement.evidence)
                            ? " (the driver fell behind too, lag p99 \(ServiceGoal.text(lag)) ms, but the federation's own p95 from sent, "
                                + "\(ServiceGoal.text(measurement.p95FromSentSeconds)) s, or its failures miss the goal)" : "")
                    } else {
                        verdict = .met
                        reason = nil
                    }
                    probes.append(CapacityProbeRecord(
                        cell: cell.label, consensus: cell.consensus.name, size: cell.size?.label, repetition: repetition + 1,
                        index: search.probes.count, offeredRate: rate, verdict: verdict, reason: reason, limiting: limiting,
                        measurement: measurement, wallSeconds: (clock.now - probeStart).inSeconds))
                    record.probes.append(probes.count - 1)
                    log("  probe \(search.probes.count) @ \(ServiceGoal.text(rate)) tps: \(verdict.rawValue)"
                        + (reason.map { " (\($0))" } ?? "")
                        + "; p95 \(ServiceGoal.text(measurement.p95Seconds(plan.goal.latency))) s, committed "
                        + "\(ServiceGoal.text(measurement.committedRate)) tps, success \(ServiceGoal.text(measurement.successRate * 100))%, "
                        + "nearest limit \(limiting.key)")
                }
                let outcome = search.outcome
                record.outcome = record.interrupted ? "interrupted" : outcome.kind
                record.sustainedRate = outcome.sustainedRate
                record.firstMiss = search.lowestMissed
                record.driverLimitedAt = search.lowestDriverLimited
                result.searches.append(record)
                if record.interrupted {
                    interrupted = true
                    break
                }
            }
            await session.close()
            await finishCell(cell, index: cellIndex, count: allCells.count, result: &result, log: log)
            result = Self.summarise(result, probes: probes, confidence: plan.benchmark.confidence, latency: plan.goal.latency)
            if let sustained = result.sustainable?.mean { previousSustained[cell.consensus.name] = sustained }
            log("  \(Self.line(result))")
            cells.append(result)
            if interrupted { break }
        }
        return CapacityReport(
            plan: plan, runId: runId, startedAt: startedAt, machine: MachineDescription.current(),
            gitCommit: MachineDescription.gitCommit(at: baseDirectory), cells: cells, probes: probes, interrupted: interrupted,
            elapsedSeconds: (clock.now - begun).inSeconds)
    }

    /// Fills a cell's summary from its searches: the sustained rates' interval, the latency and
    /// success at them, and what limited the first probe above them.
    static func summarise(_ cell: CapacityCellResult, probes: [CapacityProbeRecord], confidence: Double,
                          latency: LatencyBasis) -> CapacityCellResult {
        var result = cell
        let finished = cell.searches.filter { !$0.interrupted }
        result.probesUsed = cell.searches.reduce(0) { $0 + $1.probes.count }
        let kinds = Set(finished.map(\.outcome))
        result.outcome = kinds.count == 1 ? kinds.first! : finished.isEmpty ? "interrupted" : "mixed"
        result.driverLimited = finished.contains { $0.outcome == "driver-limited" }
        let sustained = finished.compactMap(\.sustainedRate)
        result.sustainable = sustained.isEmpty ? nil : ConfidenceInterval(samples: sustained, confidence: confidence)
        result.firstMiss = finished.compactMap(\.firstMiss).min()
        var p95s: [Double] = [], successes: [Double] = []
        var findings: [SaturatedResource] = []
        for search in finished {
            let own = search.probes.map { probes[$0] }
            if let rate = search.sustainedRate, let atRate = own.last(where: { $0.offeredRate == rate && $0.verdict == .met }) {
                p95s.append(atRate.measurement.p95Seconds(latency))
                successes.append(atRate.measurement.successRate)
                if result.utilisationAtSustainable.isEmpty {
                    result.utilisationAtSustainable = SaturationAnalysis.utilisations(atRate.measurement.evidence)
                }
            }
            // The first probe above the sustained rate that did not meet the goal: what gave out.
            let above = own.filter { $0.verdict != .met && $0.offeredRate > (search.sustainedRate ?? 0) }
            if let ceiling = above.min(by: { $0.offeredRate < $1.offeredRate }) { findings.append(ceiling.limiting) }
        }
        result.p95AtSustainableSeconds = p95s.isEmpty ? nil : p95s.reduce(0, +) / Double(p95s.count)
        result.successRateAtSustainable = successes.isEmpty ? nil : successes.reduce(0, +) / Double(successes.count)
        // The most frequent finding by key; ties go to the earliest search.
        var counts: [String: Int] = [:]
        for finding in findings { counts[finding.key, default: 0] += 1 }
        if let best = counts.values.max() { result.saturation = findings.first { counts[$0.key] == best } }
        return result
    }

    /// One line for the console: `raft 4×1 (3 orderers): 212 tps (± 9), p95 0.61 s; limited by cpu:orderer0`.
    public static func line(_ cell: CapacityCellResult) -> String {
        if let error = cell.error { return "\(cell.label): failed: \(error)" }
        var text = "\(cell.label): "
        switch cell.outcome {
        case "sustainable", "mixed":
            text += cell.sustainable.map { rateText($0) } ?? "no sustained rate"
        case "at-least":
            text += ">= " + (cell.sustainable.map { rateText($0) } ?? "?") + " (the goal held up to the maximum rate)"
        case "goal-never-met":
            text += "the goal was never met (lowest rate tried \(ServiceGoal.text(cell.firstMiss ?? 0)) tps)"
        case "driver-limited":
            text += ">= " + (cell.sustainable.map { rateText($0) } ?? "0 tps") + " (DRIVER-LIMITED above: the load side gave out first; not the federation's capacity)"
        default:
            text += cell.outcome
        }
        if let p95 = cell.p95AtSustainableSeconds { text += ", p95 \(ServiceGoal.text(p95)) s" }
        if let saturation = cell.saturation { text += "; first saturated: \(saturation.key)" }
        return text
    }

    /// `212 tps ± 9` or `212 tps`.
    static func rateText(_ interval: ConfidenceInterval) -> String {
        interval.hasInterval
            ? "\(ServiceGoal.text(interval.mean)) tps ± \(ServiceGoal.text(interval.halfWidth))"
            : "\(ServiceGoal.text(interval.mean)) tps"
    }
}
