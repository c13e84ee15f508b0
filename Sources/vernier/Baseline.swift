import ArgumentParser
import Foundation
import Results

/// `vernier baseline RUN --output FILE`: makes a run the baseline `compare` judges later runs by.
struct Baseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a run the baseline that later runs are compared with (refreshes it on purpose).",
        discussion: """
            RUN is a run.json or a run directory. The run is refused if it was interrupted, lost an \
            acknowledged transaction, had a node die or ended with nodes that disagree: a baseline \
            from a broken run would let a broken build pass. The run.json is written unchanged to \
            FILE (directories are made); commit it with the change that explains why it moved.
            """ + "\n\n" + ExitCodes.help(BaselineExit.self))

    @Argument(help: "The run to make the baseline (run.json or its directory).") var run: String
    @Option(name: .shortAndLong, help: "Where to write the baseline's run.json.") var output: String

    func run() async throws {
        let candidate: BaselineCandidate
        do {
            candidate = try BaselineCandidate.load(path: run)
        } catch {
            printToStandardError("vernier baseline: \(error)")
            throw BaselineExit.unreadable.exitCode
        }
        guard candidate.refusals.isEmpty else {
            for refusal in candidate.refusals { printToStandardError("vernier baseline: REFUSED: \(refusal)") }
            throw BaselineExit.refused.exitCode
        }
        for warning in candidate.warnings { printToStandardError("vernier baseline: warning: \(warning)") }
        let url = URL(fileURLWithPath: output)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try candidate.data.write(to: url, options: .atomic)
        } catch {
            printToStandardError("vernier baseline: cannot write \(output): \(error.localizedDescription)")
            throw BaselineExit.unreadable.exitCode
        }
        let costs = candidate.rounds.reduce(0) { $0 + $1.costs.count }
        print("baseline \(output): \(candidate.benchmark), \(candidate.repetitions) repetition(s), "
              + "\(candidate.rounds.count) rounds (\(candidate.rounds.map(\.label).joined(separator: ", "))), "
              + "\(costs) cost scopes, commit \(candidate.gitCommit ?? "unknown")")
    }
}
