import ArgumentParser
import Foundation
import Benchmark
import BenchmarkSpec
import CapacitySpec
import Capacity
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

    func run() async throws {
        AllocatorSettings.apply()
        let plan: CapacityPlan
        do {
            plan = try CapacityPlan.load(path: self.plan)
        } catch let failure as CapacityPlanErrors {
            printToStandardError(failure.lines.joined(separator: "\n"))
            throw CapacityExit.invalidPlan.exitCode
        }
        print(plan.summary)
        print("")
        if dryRun { return }
        let runId = ResultsDirectory.newRunId()
        let dataDirectory = FileManager.default.temporaryDirectory.path + "/vernier-capacity-\(runId)"
        defer { try? FileManager.default.removeItem(atPath: dataDirectory) }
        let capacity = CapacityRun(plan: plan, baseDirectory: URL(fileURLWithPath: self.plan).deletingLastPathComponent().path,
                                   dataDirectory: dataDirectory)
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
            directory = try ResultsDirectory.create(root: results, benchmark: plan.name, runId: runId)
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
