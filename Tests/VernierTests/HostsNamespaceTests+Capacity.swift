import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension HostsNamespaceTests {
    /// A capacity plan across real hops: its two cells (1 and 2 hospitals) run one after another
    /// on namespace hosts, each cell's nodes started in their hosts by the command before it and
    /// stopped by the command after it, while the driver probes from its own namespace.
    @Test("a capacity plan runs its cells one after another on namespace hosts, started and stopped by its commands")
    func capacityAcrossNamespaces() throws {
        if let reason = NamespaceHosts.whyUnavailable() {
            print("HostsNamespaceTests (capacity) skipped: \(reason)")
            return
        }
        let hosts = try NamespaceHosts(prefix: "vnc\(getpid() % 10_000)", count: 3)
        defer { hosts.remove() }
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-netns-capacity-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        defer { CapacityDeploymentTests.killLeftoverNodes(in: directory) }
        let plan = """
            name: netns-capacity
            benchmark:
              name: netns-capacity-base
              network:
                consensus: raft
                deployment: hosts
                organizations: [{ name: org1, peers: 1 }]
                raft: { orderers: 1, batchTimeout: 50ms }
                links: { latency: 2ms }
                hosts:
                  - { name: ordering, address: \(hosts.addresses[0]) }
                  - { name: site-1, address: \(hosts.addresses[1]) }
                  - { name: site-2, address: \(hosts.addresses[2]) }
              accounts: 20
              monitor: { interval: 250ms }
              rounds:
                - { label: open, txDuration: 5s, rateControl: { type: fixed-rate, opts: { tps: 10 } }, workload: { module: simple/open } }
            sizes: [{ organizations: 1 }, { organizations: 2 }]
            goal: { p95: 1s }
            search: { startRate: 20, maximumRate: 40, resolution: 50%, probe: 2s, warmUp: 250ms, maximumProbes: 2 }
            """
        try plan.write(toFile: directory + "/plan.yaml", atomically: true, encoding: .utf8)
        let deploy = try ValidateCommandTests.run(["deploy", "files", directory + "/plan.yaml", "--out", directory + "/deploy",
                                                   "--data-directory", directory + "/data"])
        try #require(deploy.status == 0, "\(deploy.standardError)")
        // Each node in its host: the orderer on the first, hospital N's peer on host N.
        let scripts = try CapacityDeploymentTests.cellScripts(in: directory, namespaces: [
            ("orderer*", hosts.namespaces[0]), ("*.hospital1", hosts.namespaces[1]), ("*.hospital2", hosts.namespaces[2]),
        ])
        let run = try ValidateCommandTests.run([
            "capacity", directory + "/plan.yaml", "--deployment", directory + "/deploy", "--results", directory + "/Results",
            "--before-cell", scripts.start, "--after-cell", scripts.stop,
        ])
        #expect(run.status == 0, "vernier capacity exited \(run.status): \(run.standardError)\n\(run.standardOutput.suffix(2000))")
        #expect(run.standardOutput.contains("stopped raft-1x1-1-orderer") && run.standardOutput.contains("stopped raft-2x1-1-orderer"),
                "\(run.standardOutput)")
        let report = try CapacityDeploymentTests.report(in: directory)
        let probes = try #require(report["probes"] as? [[String: Any]])
        #expect(probes.count == 4, "two probes per cell")
        for probe in probes {
            let resources = try #require((probe["measurement"] as? [String: Any])?["resources"] as? [[String: Any]])
            for node in resources where (node["node"] as? String) != "process" {
                #expect(node["diskSource"] as? String == "reportedProcIO", "\(node)")
            }
        }
        // Both hospitals' hosts carried the second cell's traffic over their links.
        for index in 1...2 {
            let bytes = hosts.receivedBytes(namespace: hosts.namespaces[index])
            #expect(bytes > 10_000, "host \(index) received only \(bytes) bytes over its link")
        }
    }
}
