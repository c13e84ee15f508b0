import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// On hosts the driver starts no node, so it must tell a fresh chain from an old one itself: a
/// proof-of-work chain grows without load, so height cannot say; each node reports whether its
/// process began on an empty data directory, and which process it is.
@Suite("Fresh chains on hosts (end to end)", .serialized)
struct HostsFreshnessTests {
    typealias Harness = ValidateCommandTests

    /// Node processes on this machine's loopback, started from their deployment files.
    final class LoopbackNodes: @unchecked Sendable {
        private var processes: [Process] = []
        let directory: String

        init(directory: String) {
            self.directory = directory
        }

        /// Starts every node of the deployment, with or without `--reset`, and waits for their
        /// readiness lines.
        func start(reset: Bool) throws {
            let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/deploy").filter { $0.hasSuffix(".node.json") }
            var outputs: [(String, Pipe)] = []
            for file in files.sorted() {
                let process = Process()
                process.executableURL = try Harness.executable()
                process.arguments = ["node"] + (reset ? ["--reset"] : []) + [directory + "/deploy/" + file]
                let output = Pipe()
                process.standardOutput = output
                process.standardError = FileHandle(forWritingAtPath: "/dev/null")
                try process.run()
                processes.append(process)
                outputs.append((file, output))
            }
            for (file, output) in outputs {
                let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
                guard line.contains("vernier-node ready") else { throw NodeNotReady(file: file, output: line) }
            }
        }

        func stop() {
            for process in processes where process.isRunning { process.terminate() }
            for process in processes { process.waitUntilExit() }
            processes = []
        }
    }

    struct NodeNotReady: Error {
        var file: String
        var output: String
    }

    static func benchmark(repetitions: Int, firstPort: Int) -> String {
        """
        name: fresh
        seed: 3
        network:
          consensus: pow
          pow: { miners: 1, targetBlockInterval: 300ms, confirmations: 1 }
          deployment: hosts
          organizations: [{ name: org1, peers: 1 }]
          hosts:
            - { name: mining, address: 127.0.0.1, port: \(firstPort) }
            - { name: site, address: 127.0.0.1, port: \(firstPort + 100) }
        accounts: 10
        repetitions: \(repetitions)
        rounds:
          - label: open
            txNumber: 20
            rateControl: { type: fixed-rate, opts: { tps: 20 } }
            workload: { module: simple/open, arguments: { numberOfAccounts: 20 } }

        """
    }

    @Test func proofOfWorkNodesMustStartEmptyAndAfreshForEachRepetition() throws {
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-fresh-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let firstPort = Int.random(in: 20_000...40_000)
        try Self.benchmark(repetitions: 2, firstPort: firstPort).write(toFile: directory + "/two.yaml", atomically: true, encoding: .utf8)
        try Self.benchmark(repetitions: 1, firstPort: firstPort).write(toFile: directory + "/one.yaml", atomically: true, encoding: .utf8)
        let deploy = try Harness.run(["deploy", "files", directory + "/two.yaml", "--out", directory + "/deploy",
                                      "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "\(deploy.standardError)")
        let nodes = LoopbackNodes(directory: directory)
        defer { nodes.stop() }

        // Fresh nodes: the first repetition runs; the second finds the same processes on their
        // chain, says they need restarting, and fails naming them.
        try nodes.start(reset: false)
        let twice = try Harness.run(["run", directory + "/two.yaml", "--deployment", directory + "/deploy",
                                     "--hosts-ready-seconds", "3", "--results", directory + "/Results"])
        #expect(twice.status == 3, "\(twice.standardError)\n\(twice.standardOutput.suffix(1500))")
        #expect(twice.standardOutput.contains("repetition 2 starts from fresh chains: restart every node"), "\(twice.standardOutput)")
        #expect(twice.standardError.contains("miner0 is still the process of an earlier repetition"), "\(twice.standardError)")
        #expect(twice.standardError.contains("peer0.org1 is still the process of an earlier repetition"), "\(twice.standardError)")
        // The first repetition is kept, and run.json says why the run stopped.
        #expect(twice.standardError.contains("the 1 repetition(s) before it are kept"), "\(twice.standardError)")
        let runJSON = directory + "/Results/fresh/latest/run.json"
        let report = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runJSON))) as? [String: Any])
        #expect((report["repetitions"] as? [Any])?.count == 1)
        #expect((report["failure"] as? String)?.hasPrefix("repetition 2 could not run: ") == true, "\(report["failure"] ?? "none")")

        // Restarted without --reset: their data holds the old chain, and they are refused.
        nodes.stop()
        try nodes.start(reset: false)
        let stale = try Harness.run(["run", directory + "/one.yaml", "--deployment", directory + "/deploy",
                                     "--hosts-ready-seconds", "3", "--results", directory + "/Results"])
        #expect(stale.status == 3, "\(stale.standardError)")
        #expect(stale.standardError.contains("miner0 started on the data of an earlier chain: restart it with `vernier node --reset"),
                "\(stale.standardError)")

        // Restarted with --reset: a fresh chain, and the run checks clean.
        nodes.stop()
        try nodes.start(reset: true)
        let fresh = try Harness.run(["run", directory + "/one.yaml", "--deployment", directory + "/deploy",
                                     "--hosts-ready-seconds", "10", "--results", directory + "/Results"])
        #expect(fresh.status == 0, "\(fresh.standardError)\n\(fresh.standardOutput.suffix(1500))")
    }
}
