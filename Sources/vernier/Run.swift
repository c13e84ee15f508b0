import ArgumentParser
import Driver

/// `vernier run [file]`: runs a benchmark. Until the driver lands it validates and shows the plan.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark file against a federation and write its results.")

    @Argument(help: "The benchmark file.")
    var file: String = "benchmark.yaml"

    func run() async throws {
        let configuration = try loadBenchmarkOrExit(file)
        print(configuration.summary)
        print("""

            vernier run: the benchmark file is valid, but the driver that starts the federation and \
            fires the rounds is not built yet (issue 5). Nothing was run and no results were written.
            Meanwhile `vernier calibrate` measures this machine's signature, codec and disk speeds.
            """)
    }
}
