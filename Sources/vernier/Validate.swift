import ArgumentParser

/// `vernier validate <file>`: checks a benchmark file and prints its summary.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a benchmark file and summarise it.",
        discussion: """
            Prints a summary of the configuration in effect (defaults included) when the file is \
            valid; prints every error as file:line:column: path: message when it is not.
            """ + "\n\n" + ExitCodes.help(ValidateExit.self)
    )

    @Argument(help: "The benchmark file.")
    var file: String = "benchmark.yaml"

    func run() async throws {
        let configuration = try loadBenchmarkOrExit(file, invalid: ValidateExit.invalid)
        print(configuration.summary)
        print("\n\(file) is valid.")
    }
}
