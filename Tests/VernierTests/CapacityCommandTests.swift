import Foundation
import Testing

/// End-to-end tests of `vernier capacity`: exit codes, files and Ctrl-C.
@Suite("vernier capacity (end to end)", .serialized)
struct CapacityCommandTests {
    typealias Harness = ValidateCommandTests

    /// A scratch directory with a one-size plan whose probes last `probe`.
    static func scratchPlan(probe: String, maximumProbes: Int, maximumRate: Int = 40) throws -> (directory: String, plan: String) {
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-capacity-cli-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let plan = """
            name: cli
            benchmark:
              name: cli-base
              network:
                consensus: raft
                organizations: [{ name: org1, peers: 1 }]
                raft: { orderers: 1, batchTimeout: 50ms }
              accounts: 20
              rounds:
                - { label: open, txDuration: 5s, rateControl: { type: fixed-rate, opts: { tps: 10 } }, workload: { module: simple/open } }
            sizes: [{ organizations: 1 }]
            goal: { p95: 1s }
            search: { startRate: 20, maximumRate: \(maximumRate), resolution: 50%, probe: \(probe), warmUp: 250ms, maximumProbes: \(maximumProbes) }
            """
        try plan.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        return (directory, directory + "/plan.yaml")
    }

    @Test func aDryRunSummarisesTheCommittedPlan() throws {
        let run = try Harness.run(["capacity", "Workloads/capacity-federation.yaml", "--dry-run"])
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardOutput.contains("raft 16×1 (3 orderers): 19 nodes"))
        #expect(run.standardOutput.contains("duration"))
    }

    @Test func anInvalidPlanExitsWith2AndNamesTheLine() throws {
        let (directory, plan) = try Self.scratchPlan(probe: "1s", maximumProbes: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let text = try String(contentsOfFile: plan, encoding: .utf8).replacingOccurrences(of: "p95: 1s", with: "p59: 1s")
        try text.write(toFile: plan, atomically: true, encoding: .utf8)
        let run = try Harness.run(["capacity", plan])
        #expect(run.status == 2)
        #expect(run.standardError.contains("plan.yaml:12:"), "\(run.standardError)")
        #expect(run.standardError.contains("goal.p59: unknown key (did you mean p95?)"), "\(run.standardError)")
    }

    @Test func aShortRunWritesItsFilesAndTheLatestLink() throws {
        let (directory, plan) = try Self.scratchPlan(probe: "1s", maximumProbes: 1)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Harness.run(["capacity", plan, "--results", directory + "/Results"])
        #expect(run.status == 0, "\(run.standardError)")
        let latest = directory + "/Results/cli/latest"
        for file in ["capacity.csv", "probes.csv", "run.json", "capacity.html"] {
            #expect(FileManager.default.fileExists(atPath: latest + "/" + file), "\(file) missing")
        }
        #expect(run.standardOutput.contains("raft 1×1 (1 orderer):"))
    }

    /// Ctrl-C during a probe: the probe is dropped, what finished is written, and the exit code is 130.
    @Test func anInterruptedRunKeepsWhatFinishedAndExitsWith130() throws {
        let (directory, plan) = try Self.scratchPlan(probe: "4s", maximumProbes: 6, maximumRate: 640)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let process = Process()
        process.executableURL = try Harness.executable()
        process.arguments = ["capacity", plan, "--results", directory + "/Results"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first probe (4 s, then ~1 s of settling) finishes; a later one is under way: interrupt it.
        Thread.sleep(forTimeInterval: 10)
        process.interrupt()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        let capacity = try String(contentsOfFile: directory + "/Results/cli/latest/capacity.csv", encoding: .utf8)
        #expect(capacity.split(separator: "\n").count == 2)
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/Results/cli/latest/run.json"))) as? [String: Any]
        #expect(json?["interrupted"] as? Bool == true)
        #expect(((json?["probes"] as? [Any])?.count ?? 0) >= 1)
    }
}
