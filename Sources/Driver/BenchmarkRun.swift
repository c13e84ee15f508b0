import Foundation
import Monitor
import LedgerCore
import Node

/// One node's end-of-run position, as run.json records it.
public struct NodeReport: Sendable, Hashable, Encodable {
    public var name: String
    public var height: UInt64
    public var headHash: String
    public var stateDigest: String?
    /// The node's operating-system process id, when nodes run as processes.
    public var processId: Int32?
}

/// One repetition of every round, on a fresh federation.
public struct RepetitionReport: Sendable, Encodable {
    public var repetition: Int
    public var rounds: [RoundFigures]
    /// Every node's resources in each round, in round order.
    public var resources: [RoundResourceReport] = []
    public var nodes: [NodeReport]
    /// Every peer ended on the same height, head and state digest, and every orderer on the same head.
    public var consistent: Bool
}

/// Everything a run produced: what ran, where, and every figure.
public struct RunReport: Sendable, Encodable {
    public var benchmark: String
    public var runId: String
    public var seed: UInt64
    public var startedAt: String
    public var configuration: BenchmarkConfiguration
    public var machine: MachineDescription
    public var gitCommit: String?
    public var repetitions: [RepetitionReport]
    /// Every round over the repetitions: each figure's values, mean, deviation and interval.
    public var rounds: [RoundSummary] = []
    public var interrupted: Bool
    /// The nodes disagreed at the end of some repetition: the measured ledger is broken.
    public var consistent: Bool { repetitions.allSatisfy(\.consistent) }

    enum CodingKeys: String, CodingKey {
        case benchmark, runId, seed, startedAt, configuration, machine, gitCommit, repetitions, rounds, interrupted, consistent
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(benchmark, forKey: .benchmark)
        try container.encode(runId, forKey: .runId)
        try container.encode(seed, forKey: .seed)
        try container.encode(startedAt, forKey: .startedAt)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(machine, forKey: .machine)
        try container.encodeIfPresent(gitCommit, forKey: .gitCommit)
        try container.encode(repetitions, forKey: .repetitions)
        try container.encode(rounds, forKey: .rounds)
        try container.encode(interrupted, forKey: .interrupted)
        try container.encode(consistent, forKey: .consistent)
    }
}

/// Why a run could not go on.
public struct RunError: Error, CustomStringConvertible {
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

    public init(configuration: BenchmarkConfiguration, baseDirectory: String, dataDirectory: String) {
        self.configuration = configuration
        self.baseDirectory = baseDirectory
        self.dataDirectory = dataDirectory
    }

    /// Runs the benchmark; cancelling the task stops after the transactions in flight and keeps
    /// what finished.
    public func run(runId: String, progress: (@Sendable (RoundProgress) -> Void)? = nil,
                    log: @Sendable (String) -> Void = { _ in }) async throws -> RunReport {
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var repetitions: [RepetitionReport] = []
        var interrupted = false
        // One environment for the whole run when repetitions reuse the federation, else one each.
        var shared: Environment? = configuration.reuseFederation ? try await makeEnvironment(repetition: 0) : nil
        do {
            for repetition in 0..<configuration.repetitions {
                if Task.isCancelled {
                    interrupted = true
                    break
                }
                if configuration.repetitions > 1 { log("repetition \(repetition + 1) of \(configuration.repetitions)") }
                let environment: Environment
                if let shared {
                    environment = shared
                } else {
                    environment = try await makeEnvironment(repetition: repetition)
                }
                let report: RepetitionReport
                do {
                    report = try await runRepetition(repetition, in: environment, progress: progress, log: log)
                } catch {
                    if shared == nil { await environment.close() }
                    throw error
                }
                if shared == nil {
                    await environment.close()
                } else {
                    await environment.federation?.resumeAfterSettle()
                }
                repetitions.append(report)
                if report.rounds.contains(where: \.interrupted) {
                    interrupted = true
                    break
                }
            }
        } catch {
            await shared?.close()
            throw error
        }
        await shared?.close()
        shared = nil
        var report = RunReport(
            benchmark: configuration.name, runId: runId, seed: configuration.seed, startedAt: startedAt,
            configuration: configuration, machine: MachineDescription.current(),
            gitCommit: MachineDescription.gitCommit(at: baseDirectory), repetitions: repetitions, interrupted: interrupted)
        report.rounds = RoundSummary.summarise(report, confidence: configuration.confidence)
        return report
    }

    /// What repetitions run on: accounts and their nonces, the workloads' prepared facts, and the
    /// federation with its monitor.
    struct Environment: Sendable {
        var accounts: AccountPool
        var context: WorkloadContext
        var federation: (any BenchmarkFederation)?
        var monitor: ResourceMonitor?
        var directory: String

        func close() async {
            await monitor?.stop()
            await federation?.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    func makeEnvironment(repetition: Int) async throws -> Environment {
        let seed = configuration.seed &+ UInt64(repetition) &* 0x9E37_79B9_7F4A_7C15
        let accounts = AccountPool(seed: configuration.seed, count: configuration.accounts, window: configuration.nonceWindow)
        let context = WorkloadContext(seed: configuration.seed, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds())
        let genesis = GenesisConfiguration(chainId: configuration.name, regulator: context.regulator.address)
        let directory = dataDirectory + "/repetition-\(repetition)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let needsLedger = configuration.rounds.contains { $0.workload != .noop }
        let federation: (any BenchmarkFederation)?
        do {
            federation = needsLedger ? try await startFederation(genesis: genesis, directory: directory, seed: seed) : nil
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
        return Environment(accounts: accounts, context: context, federation: federation, monitor: monitor, directory: directory)
    }

    private func runRepetition(_ repetition: Int, in environment: Environment, progress: (@Sendable (RoundProgress) -> Void)?,
                               log: @Sendable (String) -> Void) async throws -> RepetitionReport {
        let federation = environment.federation
        let monitor = environment.monitor
        var rounds: [RoundFigures] = []
        var resources: [RoundResourceReport] = []
        let foreignThreads = federation?.nodeThreadIDs ?? []
        for round in configuration.rounds {
            if Task.isCancelled { break }
            let target: any BenchmarkTarget = round.workload == .noop || federation == nil
                ? NoopTarget() : FederationTarget(federation: federation!)
            let generator = WorkloadGenerator(workload: round.workload, context: environment.context)
            log("round \(round.label): preparing")
            try await generator.prepare(round: round.label, target: target)
            let schedule: any RateSchedule
            do {
                schedule = try round.rateControl.makeSchedule(length: round.length, baseDirectory: baseDirectory)
            } catch {
                throw RunError(description: "round \(round.label): \(error)")
            }
            let runner = RoundRunner(target: target, generator: generator, accounts: environment.accounts,
                                     transactionTimeout: transactionTimeout, foreignThreadIDs: foreignThreads, progress: progress)
            await federation?.refreshCounters()
            let startPass = await monitor?.sampleNow()
            let recording = await runner.run(label: round.label, length: round.length, trim: round.trim, schedule: schedule)
            rounds.append(RoundFigures(recording: recording))
            if let monitor, let startPass {
                await federation?.refreshCounters()
                let endPass = await monitor.sampleNow()
                let nodes = await monitor.summary(from: startPass, to: endPass).map(NodeResourceFigures.init)
                let samples = await monitor.samples(node: "process").filter {
                    $0.timeNanoseconds >= startPass.startNanoseconds && $0.timeNanoseconds <= endPass.endNanoseconds
                }
                let timeline = zip(samples, samples.dropFirst()).map { earlier, later in
                    TimelinePoint(seconds: Double(later.timeNanoseconds - startPass.startNanoseconds) / 1e9,
                                  value: RoundResources.cpuPercent(from: earlier, to: later))
                }
                resources.append(RoundResourceReport(label: round.label, nodes: nodes, processCPU: timeline))
            }
            if recording.interrupted { break }
        }
        var nodes: [NodeReport] = []
        var consistent = true
        if let federation {
            // Let the nodes come to rest (peers catch up, miners pause and gossip settles) before comparing.
            _ = await federation.settle(timeout: .seconds(30))
            let states = await federation.chainStates()
            let processIds = await federation.nodeProcessIds()
            nodes = states.map { NodeReport(name: $0.address.name, height: $0.height, headHash: $0.headHash.hex,
                                            stateDigest: $0.stateDigest?.hex, processId: processIds[$0.address.name]) }
            let keepers = states.filter { $0.stateDigest != nil }
            consistent = Set(states.map(\.headHash)).count == 1 && Set(states.map(\.height)).count == 1
                && Set(keepers.map(\.stateDigest)).count == 1
        }
        return RepetitionReport(repetition: repetition, rounds: rounds, resources: resources, nodes: nodes, consistent: consistent)
    }

    private func startFederation(genesis: GenesisConfiguration, directory: String, seed: UInt64) async throws -> any BenchmarkFederation {
        let plan: FederationPlan
        switch configuration.network.consensus {
        case .raft(let settings):
            plan = FederationPlan(raft: settings, network: configuration.network, genesis: genesis,
                                  directory: directory, seed: seed)
        case .proofOfWork(let settings):
            plan = FederationPlan(proofOfWork: settings, network: configuration.network, genesis: genesis,
                                  directory: directory, seed: seed, hashesPerSecondPerCore: FederationPlan.measureHashRate())
        case .singleStore:
            plan = FederationPlan(storeNetwork: configuration.network, genesis: genesis, directory: directory, seed: seed)
        }
        switch configuration.network.deployment {
        case .inProcess:
            return try await InProcessFederation.start(plan)
        case .processes:
            guard let nodeProcesses else {
                throw RunError(description: "network.deployment: processes needs the vernier executable and a log directory")
            }
            return try await ProcessFederation.start(plan, deployment: nodeProcesses)
        }
    }
}

/// Where runs write their results: `Results/<benchmark>/<run-id>/`, never over an earlier run.
public enum ResultsDirectory {
    /// A new run id: UTC time to the second, and a suffix that makes it unique.
    public static func newRunId() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        return formatter.string(from: Date()) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// Creates `<root>/<benchmark>/<runId>`; throws if it exists, so no run is ever overwritten.
    public static func create(root: String, benchmark: String, runId: String) throws -> String {
        let parent = root + "/" + benchmark
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let path = parent + "/" + runId
        guard mkdir(path, 0o755) == 0 else {
            throw RunError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        return path
    }

    /// Points `<root>/<benchmark>/latest` at the newest run.
    public static func markLatest(root: String, benchmark: String, runId: String) {
        let link = root + "/" + benchmark + "/latest"
        try? FileManager.default.removeItem(atPath: link)
        try? FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: runId)
    }

    /// Writes run.json, rounds.csv, repetitions.csv, resources.csv and report.html.
    public static func write(_ report: RunReport, to directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(report).write(to: URL(fileURLWithPath: directory + "/run.json"))
        try Data(ResultFiles.roundsCSV(report.rounds, confidence: report.configuration.confidence).utf8)
            .write(to: URL(fileURLWithPath: directory + "/rounds.csv"))
        try Data(ResultFiles.repetitionsCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/repetitions.csv"))
        try Data(ResultFiles.resourcesCSV(report).utf8).write(to: URL(fileURLWithPath: directory + "/resources.csv"))
        try Data(HTMLReport.render(report).utf8).write(to: URL(fileURLWithPath: directory + "/report.html"))
    }
}
