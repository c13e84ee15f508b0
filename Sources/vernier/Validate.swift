import ArgumentParser

/// `vernier validate <file>`: checks a benchmark file and prints its summary.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a benchmark file and summarise it.")

    @Argument(help: "The benchmark file.")
    var file: String = "benchmark.yaml"

    func run() async throws {
        throw ExitCode(2)
    }
}
