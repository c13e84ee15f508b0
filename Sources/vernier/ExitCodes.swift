import ArgumentParser
import NodeProcess

/// The exit codes of every command, one enum per command family, so that a number means one
/// thing within a family and its help text lists them all. Across families, 2 is a bad input file
/// everywhere except `compare`, where it is a regression (CI's convention: `compare` says so).
/// Every command also exits 64 on bad command-line usage (an unknown option, a value out of
/// range), as swift-argument-parser does.
protocol CommandExit: CaseIterable, Sendable {
    /// The number the process exits with.
    var code: Int32 { get }
    /// What it means, for the help text.
    var meaning: String { get }
}

extension CommandExit {
    /// The error that ends the command with this code.
    var exitCode: ExitCode { ExitCode(code) }

    /// Ends the command with this code (0 returns normally).
    func exit() throws {
        if code != 0 { throw exitCode }
    }
}

/// `vernier run`.
enum RunExit: Int32, CommandExit {
    case done = 0
    case ledgerUnsound = 1
    case invalidFile = 2
    case failed = 3
    case interrupted = 130

    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .done: "done"
        case .ledgerUnsound: "a node died without a fault asking for it, a node could not be checked, an acknowledged transaction was lost, or the nodes disagreed at the end"
        case .invalidFile: "invalid benchmark file"
        case .failed: "the run failed"
        case .interrupted: "interrupted (the rounds that finished are kept)"
        }
    }
}

/// `vernier validate`.
enum ValidateExit: Int32, CommandExit {
    case valid = 0
    case invalid = 2

    var code: Int32 { rawValue }
    var meaning: String { self == .valid ? "valid" : "invalid file (every error is printed)" }
}

/// `vernier compare`.
enum CompareExit: Int32, CommandExit {
    case noRegression = 0
    /// 2, as package-benchmark and most CI gates use it; here it does not mean an invalid file.
    case regression = 2
    case onlyImprovements = 4
    case notComparable = 5

    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .noRegression: "no regression"
        case .regression: "regression (not an invalid file, unlike other commands' 2)"
        case .onlyImprovements: "only improvements"
        case .notComparable: "baseline or current missing, unreadable or not comparable, or a round or figure of the baseline not measured in the current run"
        }
    }
}

/// `vernier baseline`.
enum BaselineExit: Int32, CommandExit {
    case written = 0
    case refused = 1
    case unreadable = 2

    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .written: "the baseline was written"
        case .refused: "the run cannot be a baseline (interrupted, a lost transaction, a dead node, nodes that disagree)"
        case .unreadable: "the run is missing or unreadable, or the baseline cannot be written"
        }
    }
}

/// `vernier capacity`.
enum CapacityExit: Int32, CommandExit {
    case done = 0
    case invalidPlan = 2
    case cellFailed = 3
    case interrupted = 130

    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .done: "done"
        case .invalidPlan: "invalid plan or option, or a cell's deployment files missing"
        case .cellFailed: "a cell failed"
        case .interrupted: "interrupted (what finished is kept)"
        }
    }
}

/// `vernier deploy`.
enum DeployExit: Int32, CommandExit {
    case written = 0
    case invalid = 2
    case failed = 3

    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .written: "the files were written"
        case .invalid: "invalid benchmark file or option, or no network with deployment: hosts"
        case .failed: "the files could not be written (the directory already holds a deployment, or is not writable)"
        }
    }
}

/// `vernier simulate`, `bench-ordering`, `bench-pow` and `calibrate`: checks that pass or break.
enum CheckExit: Int32, CommandExit {
    case passed = 0
    case broken = 1

    var code: Int32 { rawValue }
    var meaning: String { self == .passed ? "passed" : "an invariant broke or the nodes disagreed" }
}

extension NodeProcess.Exit: CommandExit {
    var code: Int32 { rawValue }
    var meaning: String {
        switch self {
        case .stopped: "stopped (SIGTERM, or the driver is gone)"
        case .invalidConfiguration: "invalid node configuration file"
        case .failed: "could not start"
        }
    }
}

/// Help text for exit codes.
enum ExitCodes {
    /// `Exit codes: 0 done, 1 ..., 130 interrupted; 64 bad usage.`
    static func help<Exit: CommandExit>(_ type: Exit.Type) -> String {
        "Exit codes: " + Exit.allCases.map { "\($0.code) \($0.meaning)" }.joined(separator: ", ")
            + "; \(ExitCode.validationFailure.rawValue) bad command-line usage."
    }
}
