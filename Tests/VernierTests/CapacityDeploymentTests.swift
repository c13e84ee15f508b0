import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `vernier capacity` on node processes and on hosts: each cell a federation of its own, started
/// (processes) or waited for and started by the commands around it (hosts), and a node that dies
/// failing its cell. The hosts here are this machine's loopback, one port range per host.
@Suite("vernier capacity on processes and hosts (end to end)", .serialized)
struct CapacityDeploymentTests {
    typealias Harness = ValidateCommandTests

    /// A scratch directory with a two-cell plan (raft 1×1 and 2×1) on `deployment`, probes of
    /// `probe`, and three loopback hosts from `firstPort` when the deployment is hosts.
    static func scratchPlan(deployment: String, probe: String = "1s", maximumProbes: Int = 1,
                            maximumRate: Int = 40) throws -> (directory: String, plan: String) {
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-capacity-deploy-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let firstPort = Int.random(in: 20_000...40_000)
        let hosts = deployment != "hosts" ? "" : """

                hosts:
                  - { name: ordering, address: 127.0.0.1, port: \(firstPort) }
                  - { name: site-a, address: 127.0.0.1, port: \(firstPort + 100) }
                  - { name: site-b, address: 127.0.0.1, port: \(firstPort + 200) }
            """
        let plan = """
            name: cells
            benchmark:
              name: cells-base
              network:
                consensus: raft
                deployment: \(deployment)
                organizations: [{ name: org1, peers: 1 }]
                raft: { orderers: 1, batchTimeout: 50ms }\(hosts)
              accounts: 20
              monitor: { interval: 250ms }
              rounds:
                - { label: open, txDuration: 5s, rateControl: { type: fixed-rate, opts: { tps: 10 } }, workload: { module: simple/open } }
            sizes: [{ organizations: 1 }, { organizations: 2 }]
            goal: { p95: 1s }
            search: { startRate: 20, maximumRate: \(maximumRate), resolution: 50%, probe: \(probe), warmUp: 250ms, maximumProbes: \(maximumProbes) }
            """
        try plan.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        return (directory, directory + "/plan.yaml")
    }

    /// Shell scripts that start a cell's nodes in the background (recording their process ids,
    /// and with `killAfterSeconds` killing the cell's first peer that long after) and stop them.
    /// With `namespaces` (node-name patterns such as `orderer*`, in `case` order), each node
    /// starts inside the network namespace its pattern names.
    static func cellScripts(in directory: String, killAfterSeconds: Int? = nil,
                            namespaces: [(pattern: String, namespace: String)] = []) throws -> (start: String, stop: String) {
        let executable = try Harness.executable().path
        let cases = namespaces.map { "    \($0.pattern)) host=\($0.namespace) ;;" }.joined(separator: "\n")
        let inHost = namespaces.isEmpty ? "" : "  case $node in\n\(cases)\n  esac\n"
        let launcher = namespaces.isEmpty ? "" : "ip netns exec $host "
        let kill = killAfterSeconds.map { seconds in
            """
            peer=$(cat "$VERNIER_CELL_DIRECTORY/peer0.hospital1.pid")
            (sleep \(seconds); kill -9 "$peer") > /dev/null 2>&1 &
            """
        } ?? ""
        let start = """
            set -e
            for file in "$VERNIER_CELL_DIRECTORY"/*.node.json; do
              node=$(basename "$file" .node.json)
            \(inHost)  \(launcher)'\(executable)' node --reset "$file" > "$VERNIER_CELL_DIRECTORY/$node.log" 2>&1 &
              echo $! > "$VERNIER_CELL_DIRECTORY/$node.pid"
              echo $! >> '\(directory)/all.pids'
            done
            \(kill)
            echo "started $VERNIER_CELL, cell $VERNIER_CELL_INDEX of $VERNIER_CELL_COUNT"
            """
        let stop = """
            for file in "$VERNIER_CELL_DIRECTORY"/*.pid; do kill "$(cat "$file")" 2> /dev/null || true; done
            for file in "$VERNIER_CELL_DIRECTORY"/*.pid; do
              while kill -0 "$(cat "$file")" 2> /dev/null; do sleep 0.1; done
            done
            echo "stopped $VERNIER_CELL"
            """
        try start.write(toFile: directory + "/start.sh", atomically: true, encoding: .utf8)
        try stop.write(toFile: directory + "/stop.sh", atomically: true, encoding: .utf8)
        return ("sh " + directory + "/start.sh", "sh " + directory + "/stop.sh")
    }

    /// Ends every node the scripts started that still runs (after a failed test); returns how many.
    @discardableResult
    static func killLeftoverNodes(in directory: String) -> Int {
        let ids = ((try? String(contentsOfFile: directory + "/all.pids", encoding: .utf8)) ?? "")
            .split(separator: "\n").compactMap { Int32($0) }
        let running = ids.filter { kill($0, 0) == 0 }
        for id in running { kill(id, SIGKILL) }
        return running.count
    }

    /// The run.json of the only run under `directory/Results`.
    static func report(in directory: String) throws -> [String: Any] {
        let files = try FileManager.default.subpathsOfDirectory(atPath: directory + "/Results").filter { $0.hasSuffix("run.json") }
        try #require(files.count == 1, "\(files)")
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/Results/" + files[0]))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func deployFilesWritesOneDeploymentPerCellAndOverwritesNothing() throws {
        let (directory, plan) = try Self.scratchPlan(deployment: "hosts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let deploy = try Harness.run(["deploy", "files", plan, "--out", directory + "/deploy", "--data-directory", directory + "/data"])
        #expect(deploy.status == 0, "\(deploy.standardError)")
        let cells = try FileManager.default.contentsOfDirectory(atPath: directory + "/deploy").sorted()
        #expect(cells == ["raft-1x1-1-orderer", "raft-2x1-1-orderer"])
        let large = try FileManager.default.contentsOfDirectory(atPath: directory + "/deploy/raft-2x1-1-orderer").sorted()
        #expect(large == ["driver.json", "orderer0.node.json", "peer0.hospital1.node.json", "peer0.hospital2.node.json"])
        // The cells share the hosts and ports: they run one after another.
        let small = try String(contentsOfFile: directory + "/deploy/raft-1x1-1-orderer/orderer0.node.json", encoding: .utf8)
        let big = try String(contentsOfFile: directory + "/deploy/raft-2x1-1-orderer/orderer0.node.json", encoding: .utf8)
        #expect(small != big, "each cell has its own keys and plan")
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/deploy/raft-2x1-1-orderer/driver.json")[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let again = try Harness.run(["deploy", "files", plan, "--out", directory + "/deploy"])
        #expect(again.status != 0)
        #expect(again.standardError.contains("raft-1x1-1-orderer exists already"), "\(again.standardError)")

        let kubernetes = try Harness.run(["deploy", "kubernetes", plan, "--image", "vernier:test", "--out", directory + "/k8s"])
        #expect(kubernetes.status == 2)
        #expect(kubernetes.standardError.contains("is a capacity plan"), "\(kubernetes.standardError)")

        let missing = try Harness.run(["capacity", plan, "--results", directory + "/Results"])
        #expect(missing.status == 2)
        #expect(missing.standardError.contains("give --deployment DIR"), "\(missing.standardError)")
        let wrong = try Harness.run(["capacity", plan, "--deployment", directory, "--results", directory + "/Results"])
        #expect(wrong.status == 2)
        #expect(wrong.standardError.contains("raft-1x1-1-orderer"), "\(wrong.standardError)")
    }

    @Test func aPlanOnProcessesStartsEachCellsNodesAndKeepsTheirLogs() throws {
        let (directory, plan) = try Self.scratchPlan(deployment: "processes")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try Harness.run(["capacity", plan, "--results", directory + "/Results"])
        #expect(run.status == 0, "\(run.standardError)\n\(run.standardOutput.suffix(2000))")
        #expect(run.standardOutput.contains("raft 2×1 (1 orderer): starting 3 nodes (processes)"), "\(run.standardOutput)")
        let logs = try FileManager.default.subpathsOfDirectory(atPath: directory + "/Results").filter { $0.hasSuffix(".log") }
        #expect(logs.count == 5, "\(logs)")
        #expect(logs.contains { $0.hasSuffix("nodes/raft-2x1-1-orderer/peer0.hospital2.log") }, "\(logs)")
        let probes = try #require(try Self.report(in: directory)["probes"] as? [[String: Any]])
        #expect(probes.count == 2)
    }

    @Test func aPlanOnHostsStartsAndStopsEachCellsNodesWithItsCommands() throws {
        let (directory, plan) = try Self.scratchPlan(deployment: "hosts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { #expect(Self.killLeftoverNodes(in: directory) == 0, "node processes outlived the run") }
        let deploy = try Harness.run(["deploy", "files", plan, "--out", directory + "/deploy", "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "\(deploy.standardError)")
        let scripts = try Self.cellScripts(in: directory)
        let run = try Harness.run(["capacity", plan, "--deployment", directory + "/deploy", "--before-cell", scripts.start,
                                   "--after-cell", scripts.stop, "--results", directory + "/Results"])
        #expect(run.status == 0, "\(run.standardError)\n\(run.standardOutput.suffix(2000))")
        for cell in ["raft-1x1-1-orderer", "raft-2x1-1-orderer"] {
            #expect(run.standardOutput.contains("started \(cell), cell"), "\(run.standardOutput)")
            #expect(run.standardOutput.contains("stopped \(cell)"), "\(run.standardOutput)")
        }
        // Each probe measured the nodes where they ran: from their own reports.
        let probes = try #require(try Self.report(in: directory)["probes"] as? [[String: Any]])
        #expect(probes.count == 2)
        for probe in probes {
            let measurement = try #require(probe["measurement"] as? [String: Any])
            let resources = try #require(measurement["resources"] as? [[String: Any]])
            let nodes = resources.filter { ($0["node"] as? String) != "process" }
            #expect(nodes.count == (probe["size"] as? String == "1×1" ? 2 : 3), "\(resources.map { $0["node"] ?? "?" })")
            for node in nodes {
                #expect(node["diskSource"] as? String == "reportedProcIO", "\(node)")
                #expect((node["cpuSeconds"] as? Double ?? 0) > 0, "\(node)")
            }
        }
    }

    @Test func aFailingCommandFailsItsCellAndTheCommandAfterItStillRuns() throws {
        let (directory, plan) = try Self.scratchPlan(deployment: "hosts")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { Self.killLeftoverNodes(in: directory) }
        let deploy = try Harness.run(["deploy", "files", plan, "--out", directory + "/deploy", "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "\(deploy.standardError)")
        let scripts = try Self.cellScripts(in: directory)
        // The first cell's command fails before starting anything; the second cell runs.
        let before = "[ \"$VERNIER_CELL_INDEX\" = 1 ] && exit 7; " + scripts.start
        let run = try Harness.run(["capacity", plan, "--deployment", directory + "/deploy", "--before-cell", before,
                                   "--after-cell", scripts.stop, "--results", directory + "/Results"])
        #expect(run.status == 3, "\(run.standardError)\n\(run.standardOutput.suffix(2000))")
        #expect(run.standardOutput.contains("raft 1×1 (1 orderer): failed: the federation did not start: the command before "
                                            + "raft-1x1-1-orderer exited with status 7"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("stopped raft-1x1-1-orderer"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("stopped raft-2x1-1-orderer"), "\(run.standardOutput)")
        let csv = try FileManager.default.subpathsOfDirectory(atPath: directory + "/Results").first { $0.hasSuffix("capacity.csv") }
        let text = try String(contentsOfFile: directory + "/Results/" + (csv ?? ""), encoding: .utf8)
        #expect(text.contains("exited with status 7"), "\(text)")
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["VERNIER_REAL_CLOCK_TESTS"] == "1"))
    func aNodeThatDiesFailsItsCellAndTheRun() throws {
        let (directory, plan) = try Self.scratchPlan(deployment: "hosts", probe: "4s", maximumProbes: 4, maximumRate: 1000)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { Self.killLeftoverNodes(in: directory) }
        let deploy = try Harness.run(["deploy", "files", plan, "--out", directory + "/deploy", "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "\(deploy.standardError)")
        // peer0.hospital1 is killed 6 s after each cell's nodes start: during the cell's probes.
        let scripts = try Self.cellScripts(in: directory, killAfterSeconds: 6)
        let run = try Harness.run(["capacity", plan, "--deployment", directory + "/deploy", "--before-cell", scripts.start,
                                   "--after-cell", scripts.stop, "--results", directory + "/Results"])
        #expect(run.status == 3, "\(run.standardError)\n\(run.standardOutput.suffix(2000))")
        #expect(run.standardOutput.contains("NODE DIED: peer0.hospital1 stopped answering the driver"), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("raft 1×1 (1 orderer): failed: "), "\(run.standardOutput)")
        #expect(run.standardOutput.contains("raft 2×1 (1 orderer): failed: "), "\(run.standardOutput)")
        let cells = try #require(try Self.report(in: directory)["cells"] as? [[String: Any]])
        #expect(cells.allSatisfy { ($0["error"] as? String)?.contains("peer0.hospital1") == true }, "\(cells.map { $0["error"] ?? "" })")
    }
}
