import Synchronization
import Foundation
import Monitor
import Statistics
import Transport
import LedgerCore
import LedgerPrimitives
import Node

import NetworkSpec
public import BenchmarkSpec
public import Federation
public import Load
public import Results


/// Why a run could not go on.
struct RunError: Error, CustomStringConvertible {
    public var description: String
}

/// Turns a benchmark file into load on a federation and into figures: start, prepare, run every
/// round of every repetition, check the ledger, stop.
public struct BenchmarkRun: Sendable {
    public let configuration: BenchmarkConfiguration
    /// The benchmark file's directory: relative paths in it (replay files) resolve here.
    public let baseDirectory: String
    /// Scratch space for the nodes' data; removed after each repetition.
    public let dataDirectory: String
    public var transactionTimeout: Duration = .seconds(30)
    /// With `deployment: processes`: the `vernier` executable that runs each node, and where each
    /// node's log goes (`<directory>/<node>.log`).
    public var nodeProcesses: ProcessDeployment?
    /// With `deployment: hosts`: each hosts network's driver file (from `vernier deploy files`), by
    /// network name.
    public var hostDeployments: [String: DriverDeploymentFile] = [:]
    /// With `deployment: hosts`: how long the driver waits for every node to answer, fresh.
    public var hostsReadyTimeout: Duration = .seconds(120)
    /// With `deployment: hosts`: the node processes each network's earlier repetitions ran on,
    /// which a later repetition refuses (their chains are not fresh).
    private let earlierHostInstances = HostInstances()

    public init(configuration: BenchmarkConfiguration, baseDirectory: String, dataDirectory: String) {
        self.configuration = configuration
        self.baseDirectory = baseDirectory
        self.dataDirectory = dataDirectory
        transactionTimeout = configuration.transactionTimeout ?? .seconds(30)
    }

    /// Runs the benchmark; cancelling the task stops after the transactions in flight and keeps
    /// what finished.
    ///
    /// Rounds run in file order on their networks. A network's federation starts when its first
    /// round comes and stays up for the repetition (for the whole run with `reuseFederation`);
    /// while other networks' rounds run it rests (proof-of-work miners pause), so only one
    /// federation loads the machine at a time.
    public func run(runId: String, progress: (@Sendable (RoundProgress) -> Void)? = nil,
                    log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> RunReport {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var repetitions: [RepetitionReport] = []
        var interrupted = false
        var failure: String?
        // Federations by network name: for the whole run when repetitions reuse them.
        var shared: [String: BenchmarkEnvironment] = [:]
        do {
            for repetition in 0..<configuration.repetitions {
                if Task.isCancelled {
                    interrupted = true
                    break
                }
                if configuration.repetitions > 1 { log("repetition \(repetition + 1) of \(configuration.repetitions)") }
                let hosted = configuration.federations.filter { $0.configuration.deployment == .hosts }.map(\.name)
                if repetition > 0, !configuration.reuseFederation, !hosted.isEmpty {
                    // The driver starts no node on hosts: each repetition's fresh chains are the operator's to start.
                    log("repetition \(repetition + 1) starts from fresh chains: restart every node of \(hosted.joined(separator: ", ")) "
                        + "with `vernier node --reset` now (the driver waits up to \(hostsReadyTimeout) for them), "
                        + "or give the file reuseFederation: true")
                }
                var environments = shared
                let report: RepetitionReport
                do {
                    report = try await runRepetition(repetition, environments: &environments, progress: progress, log: log)
                } catch {
                    if !configuration.reuseFederation { await Self.close(environments) }
                    shared = configuration.reuseFederation ? environments : [:]
                    // Repetitions that finished are kept: the run ends here, failed, with them.
                    guard repetitions.isEmpty else {
                        failure = "repetition \(repetition + 1) could not run: \(error)"
                        break
                    }
                    throw error
                }
                if configuration.reuseFederation {
                    shared = environments
                } else {
                    await Self.close(environments)
                }
                repetitions.append(report)
                if report.rounds.contains(where: \.interrupted) {
                    interrupted = true
                    break
                }
            }
        } catch {
            await Self.close(shared)
            throw error
        }
        await Self.close(shared)
        var report = RunReport(
            benchmark: configuration.name, runId: runId, seed: configuration.seed, startedAt: startedAt,
            configuration: configuration, machine: MachineDescription.current(),
            gitCommit: MachineDescription.gitCommit(at: baseDirectory), repetitions: repetitions, interrupted: interrupted)
        report.failure = failure
        report.rounds = RoundSummary.summarise(report, confidence: configuration.confidence)
        return report
    }

    /// Stops the federations of `environments`, one after another.
    private static func close(_ environments: [String: BenchmarkEnvironment]) async {
        for environment in environments.values { await environment.close() }
    }

    /// The environment of the file's first (or only) network.
    package func makeEnvironment(repetition: Int) async throws -> BenchmarkEnvironment {
        try await makeEnvironment(repetition: repetition, network: configuration.federations[0])
    }

    func makeEnvironment(repetition: Int, network named: NamedNetwork) async throws -> BenchmarkEnvironment {
        let seed = Self.federationSeed(of: configuration, repetition: repetition)
        let accounts = AccountPool(seed: configuration.seed, count: configuration.accounts, window: configuration.nonceWindow)
        let context = WorkloadContext(seed: configuration.seed, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds())
        let genesis = Self.genesis(of: configuration)
        precondition(genesis.regulator == context.regulator.address, "the genesis names the workload's regulator")
        let several = configuration.networks != nil
        let directory = dataDirectory + "/repetition-\(repetition)" + (several ? "/\(named.name)" : "")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let needsLedger = configuration.rounds.contains {
            $0.workload != .noop && configuration.federation(of: $0).name == named.name
        }
        let federation: (any BenchmarkFederation)?
        do {
            federation = needsLedger
                ? try await startFederation(named.configuration, networkName: named.name, genesis: genesis, directory: directory,
                                          seed: seed) : nil
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        if let federation, await federation.awaitLeader(timeout: .seconds(30)) == nil {
            await federation.stop()
            try? FileManager.default.removeItem(atPath: directory)
            throw RunError(description: "no orderer became leader within 30 s")
        }
        let monitor = federation.map { ResourceMonitor(nodes: $0.monitoredNodes(), interval: configuration.monitor.interval) }
        await monitor?.start()
        return BenchmarkEnvironment(accounts: accounts, context: context, federation: federation, monitor: monitor,
                                    directory: directory, disk: BlockDeviceActivity(directory: directory))
    }

    /// Runs every round once. `environments` holds the federations already up, by network name;
    /// those this repetition starts are added to it.
    private func runRepetition(_ repetition: Int, environments: inout [String: BenchmarkEnvironment],
                               progress: (@Sendable (RoundProgress) -> Void)?,
                               log: @escaping @Sendable (String) -> Void) async throws -> RepetitionReport {
        var report = RepetitionReport(repetition: repetition, rounds: [], nodes: [], consistent: true)
        var states: [String: (states: [NodeChainState], processIds: [String: Int32])] = [:]
        let watch = NodeWatch(log: log)
        // The ids of every transaction reported committed, by network, for the lost-commit check:
        // in files, so that the check covers a run of any length in the same memory.
        var acknowledged: [String: AcknowledgedLog] = [:]
        defer { for log in acknowledged.values { try? FileManager.default.removeItem(atPath: log.path) } }
        // Nodes planned faults crashed, by network; and each finished round's latency distribution
        // with what it ran, for the failure sensitivity of rounds with faults.
        var outages: [String: PlannedOutages] = [:]
        var finishedRounds: [(round: Round, latency: LatencyDistribution)] = []
        var plannedDown: [String: [NodeAddress: String]] = [:]
        let several = configuration.networks != nil
        var start = 0
        let rounds = configuration.rounds
        // Consecutive rounds on one network form a segment; its federation rests once it ends.
        segments: while start < rounds.count, !Task.isCancelled {
            let named = configuration.federation(of: rounds[start])
            var end = start + 1
            while end < rounds.count, configuration.federation(of: rounds[end]).name == named.name { end += 1 }
            let environment: BenchmarkEnvironment
            if let existing = environments[named.name] {
                environment = existing
                await environment.federation?.resumeAfterSettle()
            } else {
                environment = try await makeEnvironment(repetition: repetition, network: named)
                environments[named.name] = environment
            }
            if let federation = environment.federation { watch.watch(federation, network: several ? named.name : nil) }
            let acknowledgedLog: AcknowledgedLog
            if let existing = acknowledged[named.name] {
                acknowledgedLog = existing
            } else {
                do {
                    acknowledgedLog = try AcknowledgedLog(path: dataDirectory + "/acknowledged-\(repetition)-\(named.name).ids")
                } catch {
                    throw RunError(description: "the lost-commit check cannot keep its ids: \(error)")
                }
                acknowledged[named.name] = acknowledgedLog
            }
            let foreignThreads = environments.values.reduce(into: Set<Int32>()) { threads, environment in
                threads.formUnion(environment.federation?.nodeThreadIDs ?? [])
            }
            for round in rounds[start..<end] {
                if Task.isCancelled { break segments }
                watch.setRound(round.label)
                let networkOutages = environment.outages
                outages[named.name] = networkOutages
                let recording = try await runRound(round, in: environment, foreignThreads: foreignThreads, outages: networkOutages,
                                                   earlier: finishedRounds, repetition: repetition, acknowledged: acknowledgedLog,
                                                   into: &report, progress: progress, log: log)
                finishedRounds.append((round, recording.aggregate.fromIntended))
                // Preparation's commits were acknowledged too.
                acknowledgedLog.append(contentsOf: environment.context.takePreparedIds())
                let interrupted = recording.interrupted
                watch.setRound(nil)
                if interrupted { break segments }
            }
            if let federation = environment.federation {
                // Let the nodes come to rest (peers catch up, miners pause and gossip settles) before comparing.
                _ = await federation.settle(timeout: .seconds(30))
                // Nodes a planned fault left down are not live: they are named, not checked.
                let down = outages[named.name]?.down ?? [:]
                let chainStates = await federation.chainStates().filter { down[$0.address] == nil }
                plannedDown[named.name] = down
                states[named.name] = (chainStates, await federation.nodeProcessIds())
                let check = await CommitChecker.check(acknowledgedLog, on: chainStates.map(\.address), of: federation,
                                                      network: several ? named.name : nil)
                log(check.line.trimmingCharacters(in: .whitespaces))
                report.commitChecks.append(check)
            }
            start = end
        }
        report.incidents = await watch.finish()
        for named in configuration.federations {
            guard let (networkStates, processIds) = states[named.name] else { continue }
            let network = several ? named.name : nil
            let nodes = networkStates.map {
                NodeReport(name: $0.address.name, network: network, height: $0.height,
                           headHash: $0.headHash.hex, stateDigest: $0.stateDigest?.hex, processId: processIds[$0.address.name])
            }
            // Every node that started is checked, or named with the reason it could not be.
            let answered = Set(nodes.map(\.name))
            for name in named.configuration.nodeNames where !answered.contains(name) {
                if let fault = plannedDown[named.name]?[NodeAddress(name)] {
                    report.plannedDownNodes.append(UncheckedNode(name: name, network: network,
                                                                 reason: "down by a planned fault (\(fault)), not restarted"))
                    continue
                }
                let incident = report.incidents.last { $0.node == name && $0.network == network }
                report.uncheckedNodes.append(UncheckedNode(
                    name: name, network: network,
                    reason: incident.map { "its process ended: \($0.cause)" } ?? "it did not answer its status"))
            }
            report.nodes += nodes
            report.consistent = report.consistent && LedgerCheck.agree(nodes)
                && !report.uncheckedNodes.contains { $0.network == network }
                && report.commitChecks.allSatisfy { $0.network != network || $0.passed }
        }
        return report
    }

    /// Prepares and runs one round, appending its figures, resources and heights to `report`;
    /// returns its recording.
    private func runRound(_ round: Round, in environment: BenchmarkEnvironment, foreignThreads: Set<Int32>,
                          outages: PlannedOutages, earlier: [(round: Round, latency: LatencyDistribution)], repetition: Int,
                          acknowledged: AcknowledgedLog,
                          into report: inout RepetitionReport, progress: (@Sendable (RoundProgress) -> Void)?,
                          log: @escaping @Sendable (String) -> Void) async throws -> RoundRecording {
        let schedule: any RateSchedule
        do {
            schedule = try round.rateControl.makeSchedule(length: round.length, baseDirectory: baseDirectory)
        } catch {
            throw RunError(description: "round \(round.label): \(error)")
        }
        // record-rate: the file is made before the round, so a path that cannot be written stops
        // the run before anything is measured.
        var recordPath: (path: String, format: SendTimeFormat)?
        if case .recordRate(let trace, _) = round.rateControl {
            let path = trace.path.hasPrefix("/") ? trace.path : baseDirectory + "/" + trace.path
            do {
                try SendTimeFile.write([], format: trace.format, to: path)
            } catch {
                throw RunError(description: "round \(round.label): \(error)")
            }
            recordPath = (path, trace.format)
        }
        log("round \(round.label): preparing")
        let prepared = try await environment.prepareRound(label: round.label, workload: round.workload)
        if let federation = environment.federation, case .raft = federation.plan.kind {
            // Peers still applying the last blocks of earlier work would write them during this round.
            _ = await federation.settle(timeout: .seconds(10))
        }
        let injector = round.faults.isEmpty ? nil : environment.federation.map { federation in
            FaultInjector(faults: round.faults, federation: federation, outages: outages,
                          seed: configuration.seed &+ UInt64(repetition) &* 0x9E37_79B9, log: log)
        }
        var onStart: (@Sendable (ContinuousClock.Instant) -> Void)?
        if let injector { onStart = { start in injector.begin(at: start) } }
        var measured = await environment.measureRound(
            prepared, length: round.length, trim: round.trim, schedule: schedule,
            transactionTimeout: transactionTimeout, foreignThreadIDs: foreignThreads, assignedAccounts: round.accounts,
            settleBeforeEndSample: round.faults.isEmpty,
            // Only fault figures and record-rate read transactions' records; other rounds keep none.
            keptRecords: round.faults.isEmpty && recordPath == nil ? 0 : RoundRunner.maximumKeptRecords,
            acknowledgedLog: acknowledged, progress: progress, onStart: onStart)
        if let injector {
            let roundSeconds = Double(measured.recording.durationNanoseconds) / 1e9
            let applied = await injector.finish(roundSeconds: roundSeconds)
            let lastEnd = round.faults.compactMap(\.end).max().map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
            var figures = FaultFigures.compute(records: measured.recording.records, applied: applied,
                                               durationNanoseconds: measured.recording.durationNanoseconds, faultEndSeconds: lastEnd)
            // The same round without faults, if the file ran one before: how far latency moved.
            if let baseline = earlier.last(where: { $0.round.faults.isEmpty && $0.round.workload == round.workload
                                                    && $0.round.rateControl == round.rateControl && $0.round.length == round.length
                                                    && $0.round.network == round.network }) {
                let faulty = measured.recording.aggregate.fromIntended
                let distance = FailureSensitivity.wasserstein({ faulty.seconds(atPercentile: $0) },
                                                             { baseline.latency.seconds(atPercentile: $0) })
                let mean = baseline.latency.summary.mean
                figures.sensitivity = FailureSensitivity(baseline: baseline.round.label, wassersteinSeconds: distance,
                                                         relativeToBaselineMean: mean > 0 ? distance / mean : nil)
            }
            measured.figures.faults = figures
            report.failedFaults += applied.filter { $0.error != nil }
        }
        if let saturation = Self.saturation(of: round.rateControl, aggregate: measured.recording.aggregate) {
            measured.figures.saturation = saturation
        }
        if let recordPath {
            let recording = measured.recording
            if recording.recordsTruncated {
                log("round \(round.label): warning: record-rate wrote only the first \(recording.records.count) send times "
                    + "(the round keeps at most \(RoundRunner.maximumKeptRecords))")
            }
            do {
                try SendTimeFile.write(recording.records.map(\.sentNanoseconds).sorted(), format: recordPath.format, to: recordPath.path)
            } catch {
                throw RunError(description: "round \(round.label): \(error)")
            }
            log("round \(round.label): recorded \(recording.records.count) send times to \(recordPath.path)")
        }
        report.rounds.append(measured.figures)
        if let resources = measured.resources {
            for note in resources.nodes.compactMap(\.missedNote) { log("round \(round.label): resources: \(note)") }
            report.resources.append(resources)
        }
        if environment.federation != nil { report.heights.append(measured.heights) }
        return measured.recording
    }

    /// Where a `maximum-rate` round (recorded or not) saturated the federation; nil for other rounds.
    static func saturation(of rateControl: RateControl, aggregate: RoundAggregate) -> SaturationFigures? {
        switch rateControl {
        case .recordRate(_, let controller):
            return saturation(of: controller, aggregate: aggregate)
        case .maximumRate(_, _, let sampleInterval, let includeFailed, let latencyBound):
            return SaturationFigures.compute(seconds: aggregate.seconds, windowSeconds: Int(sampleInterval.inSeconds.rounded()),
                                             latencyBoundSeconds: latencyBound?.inSeconds, includeFailed: includeFailed)
        default:
            return nil
        }
    }

    private func startFederation(_ network: NetworkConfiguration, networkName: String, genesis: GenesisConfiguration, directory: String,
                                 seed: UInt64) async throws -> any BenchmarkFederation {
        let plan = FederationPlan(network: network, genesis: genesis, directory: directory, seed: seed)
        switch network.deployment {
        case .inProcess:
            return try await InProcessFederation.start(plan)
        case .processes:
            guard let nodeProcesses else {
                throw RunError(description: "network.deployment: processes needs the vernier executable and a log directory")
            }
            return try await ProcessFederation.start(plan, deployment: nodeProcesses)
        case .hosts:
            guard let deployment = hostDeployments[networkName] else {
                throw RunError(description: "network \(networkName) has deployment: hosts: give the directory `vernier deploy files` wrote with --deployment")
            }
            let federation = try await ProcessFederation.connect(
                to: deployment, network: network, timeout: hostsReadyTimeout, refusing: earlierHostInstances.of(networkName))
            earlierHostInstances.add(federation.nodeInstances, to: networkName)
            return federation
        }
    }
}

/// The node processes a run has connected to on hosts, by network.
final class HostInstances: Sendable {
    private let instances = Mutex<[String: Set<UInt64>]>([:])

    func of(_ network: String) -> Set<UInt64> {
        instances.withLock { $0[network] ?? [] }
    }

    func add(_ more: Set<UInt64>, to network: String) {
        instances.withLock { $0[network, default: []].formUnion(more) }
    }
}
