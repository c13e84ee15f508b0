import ArgumentParser
import Foundation
import BenchmarkSpec
import CapacitySpec
import ConfigurationReading

/// Writes a line to standard error, where every command's errors go.
func printToStandardError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Loads a benchmark file; on any error prints every problem to standard error and exits with `invalid`.
func loadBenchmarkOrExit(_ path: String, invalid: some CommandExit) throws -> BenchmarkConfiguration {
    do {
        return try BenchmarkConfiguration.load(path: path)
    } catch let failure as ConfigurationErrors {
        printToStandardError(failure.lines.joined(separator: "\n"))
        if looksLikeCapacityPlan(path) {
            printToStandardError("\(path) looks like a capacity plan (it has sizes:); check it with `vernier capacity --dry-run \(path)`")
        }
        throw invalid.exitCode
    } catch {
        printToStandardError("\(path): \(error)")
        throw invalid.exitCode
    }
}

/// Whether a file that failed as a benchmark file has a capacity plan's top-level `sizes:` key.
func looksLikeCapacityPlan(_ path: String) -> Bool {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return false }
    return text.split(separator: "\n").contains { $0.hasPrefix("sizes:") }
}
