import ArgumentParser

/// The vernier command line: one subcommand per file.
@main
struct Vernier: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vernier",
        abstract: "A benchmark harness for ledgers: federations, rounds, honest latency, reports.",
        version: "0.1.0",
        subcommands: [
            Run.self, RunNode.self, Validate.self, Compare.self, Baseline.self, Capacity.self, Simulate.self, Calibrate.self,
            BenchOrdering.self, BenchProofOfWork.self, Deploy.self,
        ]
    )
}
