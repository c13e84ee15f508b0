import ArgumentParser
import Foundation
import Benchmark
import BenchmarkSpec
import CapacitySpec
import Capacity
import Federation
import Load
import NodeProcess

/// `vernier capacity <plan>`: finds the sustainable rate of every federation size in a plan.
struct Capacity: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the highest rate each federation size sustains within a service goal.",
        discussion: """
            For every size (and consensus) of the plan, starts the federation, raises a fixed rate \
            until the goal fails or the committed rate stops following the offered rate, then bisects \
            to the plan's resolution. Writes Results/<name>/<run-id>/capacity.csv, probes.csv, run.json \
            and capacity.html. A probe the driver could not keep is reported as such and never taken as \
            the federation's capacity.
            """ + "\n\n" + ExitCodes.help(CapacityExit.self))

    @Argument(help: "The capacity plan.")
    var plan: String

    @Option(help: "Where results go.")
    var results: String = "Results"

    @Flag(help: "Check the plan, print its summary and exit.")
    var dryRun = false

    @Option(help: "With deployment: hosts, the directory `vernier deploy files PLAN` wrote (one directory per cell).")
    var deployment: String?

    @Option(help: "With deployment: hosts, seconds to wait for each cell's nodes to answer from a fresh chain.")
    var hostsReadySeconds: Double = 120

    @Option(help: "With deployment: hosts, a shell command that starts a cell's nodes (VERNIER_CELL_DIRECTORY holds their files).")
    var beforeCell: String?

    @Option(help: "With deployment: hosts, a shell command that stops a cell's nodes once its searches end.")
    var afterCell: String?

    func validate() throws {
        guard hostsReadySeconds > 0, hostsReadySeconds <= 3600 else {
            throw ValidationError("--hosts-ready-seconds must be in (0, 3600]")
        }
        if deployment == nil, beforeCell != nil || afterCell != nil {
            throw ValidationError("--before-cell and --after-cell go with --deployment (deployment: hosts)")
        }
    }

    func run() async throws {
        AllocatorSettings.apply()
        StandardOutputBuffering.lineBuffered()
        let plan: CapacityPlan
        do {
            plan = try CapacityPlan.load(path: self.plan)
        } catch let failure as CapacityPlanErrors {
            printToStandardError(failure.lines.joined(separator: "\n"))
            throw CapacityExit.invalidPlan.exitCode
        }
        // Unbuffered, as the log below is: the summary must come out first.
        FileHandle.standardOutput.write(Data((plan.summary + "\n\n").utf8))
        if dryRun { return }
        let runId = ResultsDirectory.newRunId()
        let dataDirectory = FileManager.default.temporaryDirectory.path + "/vernier-capacity-\(runId)"
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        var capacity = CapacityRun(plan: plan, baseDirectory: URL(fileURLWithPath: self.plan).deletingLastPathComponent().path,
                                   dataDirectory: dataDirectory)
        // Node processes log into the run's directory from the start, so that a cell that fails
        // keeps its nodes' logs.
        var earlyDirectory: String?
        if deployment != nil, plan.benchmark.network.deployment != .hosts {
            printToStandardError("vernier capacity: --deployment is for deployment: hosts; \(self.plan)'s benchmark has "
                                 + "deployment: \(plan.benchmark.network.deployment.rawValue)")
            throw CapacityExit.invalidPlan.exitCode
        }
        switch plan.benchmark.network.deployment {
        case .inProcess:
            break
        case .processes:
            let created = try ResultsDirectory.create(root: results, benchmark: plan.name, runId: runId)
            earlyDirectory = created
            capacity.nodeProcesses = ProcessDeployment(executable: ProcessDeployment.currentExecutable(), logDirectory: created + "/nodes")
            FileHandle.standardOutput.write(Data("node logs: \(created)/nodes/<cell>/\n\n".utf8))
        case .hosts:
            guard let deployment else {
                printToStandardError("vernier capacity: \(self.plan)'s benchmark has deployment: hosts: give --deployment DIR, "
                                     + "the directory `vernier deploy files \(self.plan) --out DIR` wrote")
                throw CapacityExit.invalidPlan.exitCode
            }
            do {
                for cell in plan.cells {
                    capacity.hostDeployments[cell.slug] = try DriverDeploymentFile.load(directory: deployment + "/" + cell.slug)
                }
            } catch {
                printToStandardError("vernier capacity: \(error)")
                throw CapacityExit.invalidPlan.exitCode
            }
            capacity.hostsReadyTimeout = .milliseconds(Int64(hostsReadySeconds * 1000))
            if beforeCell != nil || afterCell != nil {
                capacity.cellCommands = CapacityCellCommands(before: beforeCell, after: afterCell, deploymentDirectory: deployment)
            }
        }
        let interactive = isatty(STDOUT_FILENO) == 1
        var progress: (@Sendable (RoundProgress) -> Void)?
        if interactive {
            progress = { state in FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + state.line).utf8)) }
        }
        let log: @Sendable (String) -> Void = { line in
            // Written at once, not buffered: a long run shows its progress in a log file too.
            FileHandle.standardOutput.write(Data(((interactive ? "\r\u{1B}[2K" : "") + line + "\n").utf8))
        }
        let reporter = progress
        let work = Task { await capacity.run(runId: runId, progress: reporter, log: log) }
        let interruption = InterruptionHandler { work.cancel() }
        let report = await work.value
        interruption.remove()
        if interactive { FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8)) }
        let directory: String
        do {
            directory = try earlyDirectory ?? ResultsDirectory.create(root: results, benchmark: plan.name, runId: runId)
            try CapacityFiles.write(report, to: directory)
        } catch {
            printToStandardError("vernier capacity: cannot write the results: \(error)")
            throw CapacityExit.cellFailed.exitCode
        }
        ResultsDirectory.markLatest(root: results, benchmark: plan.name, runId: runId)
        print("")
        for cell in report.cells { print(CapacityRun.line(cell)) }
        print("\nresults: \(directory)/capacity.html (\(Int(report.elapsedSeconds.rounded())) s)")
        if report.interrupted {
            printToStandardError("vernier capacity: interrupted; the cells and probes that finished are kept")
            throw CapacityExit.interrupted.exitCode
        }
        if report.failed {
            printToStandardError("vernier capacity: some cells failed (see capacity.csv)")
            throw CapacityExit.cellFailed.exitCode
        }
    }
}
