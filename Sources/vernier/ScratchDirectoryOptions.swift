import ArgumentParser
import Foundation
import Microbench

/// Where a benchmark command keeps its nodes' data: a fresh subdirectory, removed afterwards.
struct ScratchDirectoryOptions: ParsableArguments {
    @Option(help: "Directory for the nodes' data (a fresh subdirectory is made and removed afterwards).")
    var directory = FileManager.default.temporaryDirectory.path

    func validate() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--directory \(directory) is not a directory")
        }
    }

    /// Runs `body` with a fresh subdirectory named after `prefix`, and removes it whatever happens.
    func withScratchDirectory<Result>(prefix: String, _ body: (String) async throws -> Result) async throws -> Result {
        let path = directory + "/\(prefix)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }
}
