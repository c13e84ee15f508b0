import ArgumentParser
import Driver
import Foundation

/// Writes a line to standard error, where every command's errors go.
func printToStandardError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Loads a benchmark file; on any error prints every problem to standard error and exits with 2.
func loadBenchmarkOrExit(_ path: String) throws -> BenchmarkConfiguration {
    do {
        return try BenchmarkConfiguration.load(path: path)
    } catch let failure as ConfigurationErrors {
        printToStandardError(failure.lines.joined(separator: "\n"))
        throw ExitCode(2)
    } catch {
        printToStandardError("\(path): \(error)")
        throw ExitCode(2)
    }
}
