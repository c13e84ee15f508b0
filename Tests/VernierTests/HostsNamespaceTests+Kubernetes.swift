import BenchmarkSpec
import Foundation
import KubernetesManifests
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension HostsNamespaceTests {
    /// Kubernetes without Kubernetes: each node runs in a network namespace of its own, as in a pod,
    /// from the configuration file its Secret holds, on the one port every pod uses; each namespace
    /// resolves the pods' DNS names through its own hosts file (`ip netns exec` mounts
    /// /etc/netns/<namespace>/hosts over /etc/hosts), as the cluster's DNS would. The driver runs in
    /// a namespace too, from the driver's Secret and the ConfigMap's benchmark file.
    @Test("the files deploy kubernetes writes run a Raft federation whose nodes find each other by their pods' DNS names")
    func kubernetesFilesAcrossNamespaces() throws {
        if let reason = NamespaceHosts.whyUnavailable() {
            print("HostsNamespaceTests (Kubernetes files) skipped: \(reason)")
            return
        }
        let benchmark = """
            name: netns-kube
            seed: 9
            network:
              consensus: raft
              raft: { orderers: 3, batchTimeout: 100ms }
              deployment: hosts
              organizations:
                - { name: org1, peers: 1 }
                - { name: org2, peers: 1 }
              hosts:
                - { name: ordering, address: 192.0.2.1 }
                - { name: site-org1, address: 192.0.2.2 }
                - { name: site-org2, address: 192.0.2.3 }
              resources: { cpu: "1", memory: 1Gi }
            accounts: 40
            rounds:
              - label: open
                txNumber: 120
                rateControl: { type: fixed-rate, opts: { tps: 60 } }
                workload: { module: simple/open, arguments: { numberOfAccounts: 120, initialMoney: 1000 } }

            """
        let directory = FileManager.default.temporaryDirectory.path + "/vernier-netns-kube-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try BenchmarkConfiguration(yaml: benchmark, fileName: "netns-kube.yaml")
        let deployment = try KubernetesDeployment.make(
            configuration: configuration, benchmarkFile: benchmark, benchmarkFileName: "netns-kube.yaml",
            options: KubernetesDeploymentOptions(image: "test/vernier:1", namespace: "bench", dataDirectory: directory + "/data"))
        let objects = deployment.files.flatMap(\.objects)
        func secretFile(_ secret: String, _ key: String) throws -> Data {
            let object = try #require(objects.first { $0.kind == "Secret" && $0.name == secret })
            return try #require(object.manifest.value(at: ["data", key])?.stringValue.flatMap { Data(base64Encoded: $0) })
        }
        // One namespace per pod, the driver's last.
        let hosts = try NamespaceHosts(prefix: "vk\(getpid() % 10_000)", count: deployment.nodes.count + 1)
        defer { hosts.remove() }
        let hostsFile = zip(deployment.nodes, hosts.addresses).map { "\($1) \($0.dnsName)" }.joined(separator: "\n")
            + "\n127.0.0.1 localhost\n"
        for namespace in hosts.namespaces {
            try FileManager.default.createDirectory(atPath: "/etc/netns/" + namespace, withIntermediateDirectories: true)
            try hostsFile.write(toFile: "/etc/netns/\(namespace)/hosts", atomically: true, encoding: .utf8)
        }
        defer { for namespace in hosts.namespaces { try? FileManager.default.removeItem(atPath: "/etc/netns/" + namespace) } }

        let nodes = NodeProcesses()
        defer { nodes.stopAll() }
        for (node, namespace) in zip(deployment.nodes, hosts.namespaces) {
            let file = directory + "/\(node.statefulSet).node.json"
            try secretFile(node.statefulSet + "-node", "node.json").write(to: URL(fileURLWithPath: file))
            try nodes.start(node.node, namespace: namespace, file: file, log: directory + "/\(node.node).log")
        }
        try nodes.awaitReady(timeoutSeconds: 60)

        let configMap = try #require(objects.first { $0.kind == "ConfigMap" })
        let benchmarkFile = directory + "/benchmark.yaml"
        try #require(configMap.manifest.value(at: ["data", "benchmark.yaml"])?.stringValue).write(toFile: benchmarkFile, atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: directory + "/deployment", withIntermediateDirectories: true)
        try secretFile(KubernetesDeployment.driverSecretName, "driver.json").write(to: URL(fileURLWithPath: directory + "/deployment/driver.json"))
        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        driver.arguments = ["ip", "netns", "exec", hosts.namespaces[deployment.nodes.count], try ValidateCommandTests.executable().path,
                            "run", benchmarkFile, "--deployment", directory + "/deployment", "--results", directory + "/results"]
        _ = FileManager.default.createFile(atPath: directory + "/driver.log", contents: nil)
        let log = try #require(FileHandle(forWritingAtPath: directory + "/driver.log"))
        driver.standardOutput = log
        driver.standardError = log
        try driver.run()
        driver.waitUntilExit()
        let output = (try? String(contentsOfFile: directory + "/driver.log", encoding: .utf8)) ?? ""
        let logs = nodes.names.map { name in
            "\(name): " + ((try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8))?.suffix(600) ?? "")
        }.joined(separator: "\n")
        #expect(driver.terminationStatus == 0, "vernier run exited \(driver.terminationStatus): \(output.suffix(3000))\n\(logs)")
        #expect(output.contains("ledger check: all 5 nodes"), "\(output.suffix(1500))")
        #expect(output.contains("commit check: all 120 acknowledged transactions exactly once on each of 5 nodes"), "\(output.suffix(1500))")
        // Every node listened on the pods' one port, each in its own namespace.
        for name in nodes.names {
            let nodeLog = (try? String(contentsOfFile: directory + "/\(name).log", encoding: .utf8)) ?? ""
            #expect(nodeLog.contains("ready on 0.0.0.0:\(KubernetesDeployment.nodePort)"), "\(name): \(nodeLog.suffix(600))")
        }
    }
}
