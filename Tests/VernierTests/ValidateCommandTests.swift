import Foundation
import Testing

/// End-to-end tests of the built `vernier` executable.
@Suite("vernier validate (end to end)")
struct ValidateCommandTests {
    /// The package root: three directories up from `Tests/VernierTests/ValidateCommandTests.swift`.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// What one run of the executable produced.
    struct Run {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The built `vernier` executable, next to the test bundle (or in `.build/debug`).
    static func executable() throws -> URL {
        var directories = [
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            packageRoot.appendingPathComponent(".build/debug"),
        ]
        directories += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        for directory in directories {
            let candidate = directory.appendingPathComponent("vernier")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate.path) {
                return candidate
            }
        }
        throw ExecutableNotFound(searched: directories.map(\.path))
    }

    /// Raised when the built executable cannot be found.
    struct ExecutableNotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String { "no vernier executable in \(searched.joined(separator: ", "))" }
    }

    /// Runs `vernier` with `arguments` in the package root and waits for it.
    static func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes before waiting so a full pipe cannot block the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self)
        )
    }

    @Test("a valid file prints its summary and exits 0")
    func validFile() throws {
        let run = try Self.run(["validate"])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        for label in ["open", "query", "transfer", "register-treatment"] {
            #expect(run.standardOutput.contains(label))
        }
        #expect(run.standardOutput.contains("federation-smoke"))
        #expect(run.standardOutput.contains("orderer0, peer0.org1, peer1.org1, peer0.org2, peer1.org2"))
        #expect(run.standardOutput.contains("fixed-rate 200 tps"))
    }

    @Test("the CI smoke file validates")
    func ciSmoke() throws {
        let run = try Self.run(["validate", "Workloads/ci-smoke.yaml"])
        #expect(run.status == 0, "stderr: \(run.standardError)")
        #expect(run.standardOutput.contains("ci-smoke"))
    }

    @Test("a broken file prints every error and exits 2")
    func brokenFile() throws {
        let file = "Tests/BenchmarkSpecTests/Fixtures/broken/05-fixed-load-startingtps.yaml"
        let run = try Self.run(["validate", file])
        #expect(run.status == 2)
        #expect(run.standardOutput.isEmpty)
        let lines = run.standardError.split(separator: "\n")
        #expect(lines.contains {
            $0.hasPrefix("\(file):11:")
                && $0.hasSuffix(": rounds[0].rateControl.opts.startingTps: unknown key (did you mean startTps?)")
        }, "stderr: \(run.standardError)")
        #expect(lines.contains { $0.contains("rounds[0].rateControl.opts.startTps: missing required key") })
    }

    @Test("a missing file exits 2")
    func missingFile() throws {
        let run = try Self.run(["validate", "does-not-exist.yaml"])
        #expect(run.status == 2)
        #expect(run.standardError.contains("does-not-exist.yaml: <document>: cannot read the file"))
    }

    @Test("a capacity plan is refused as a benchmark file, with a pointer to capacity --dry-run")
    func capacityPlanGetsAPointer() throws {
        let run = try Self.run(["validate", "Workloads/capacity-federation.yaml"])
        #expect(run.status == 2)
        #expect(run.standardError.contains("sizes: unknown key"))
        #expect(run.standardError.contains("vernier capacity --dry-run Workloads/capacity-federation.yaml"))
        let dryRun = try Self.run(["capacity", "--dry-run", "Workloads/capacity-federation.yaml"])
        #expect(dryRun.status == 0, "\(dryRun.standardError)")
    }

    @Test("--version prints the version")
    func version() throws {
        let run = try Self.run(["--version"])
        #expect(run.status == 0)
        #expect(run.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
    }
}
