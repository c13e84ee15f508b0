import Benchmark
import BenchmarkSpec
import Federation
import Foundation
import KubernetesManifests
import LedgerPrimitives
import NodeProcess
import TestSupport
import Testing

/// The manifests agree with themselves and with the benchmark file: names, ports, DNS names in
/// every node's file, placement, resources, and the driver's view of the nodes.
@Suite("Kubernetes deployment")
struct KubernetesDeploymentTests {
    @Test("one StatefulSet, Secret and DNS name per node, named from the node's name")
    func namesEveryNode() throws {
        let (configuration, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let expected = ["orderer0", "orderer1", "orderer2", "peer0.org1", "peer1.org1", "peer0.org2"]
        #expect(deployment.nodes.map(\.node) == expected)
        #expect(deployment.nodes.map(\.statefulSet) == ["orderer0", "orderer1", "orderer2", "peer0-org1", "peer1-org1", "peer0-org2"])
        #expect(configuration.network.nodeLocations?.map(\.node) == expected)
        for node in deployment.nodes {
            #expect(node.dnsName == "\(node.statefulSet)-0.vernier-nodes.bench.svc.cluster.local")
            let statefulSet = try #require(deployment.object("StatefulSet", node.statefulSet))
            #expect(statefulSet.manifest.value(at: ["metadata", "namespace"])?.stringValue == "bench")
            #expect(statefulSet.manifest.value(at: ["spec", "serviceName"])?.stringValue == KubernetesDeployment.serviceName)
            #expect(statefulSet.manifest.value(at: ["spec", "replicas"])?.integerValue == 1)
            let selector = try #require(statefulSet.manifest.value(at: ["spec", "selector", "matchLabels"])?.mappingEntries)
            let podLabels = try #require(statefulSet.manifest.value(at: ["spec", "template", "metadata", "labels"]))
            for label in selector {
                #expect(podLabels[label.key] == label.value, "the selector's \(label.key) is not on \(node.statefulSet)'s pods")
            }
            #expect(deployment.object("Secret", node.statefulSet + "-node") != nil)
        }
        let service = try #require(deployment.object("Service", KubernetesDeployment.serviceName))
        #expect(service.manifest.value(at: ["spec", "clusterIP"])?.stringValue == "None")
        // The Service selects every node pod and nothing else.
        let serviceSelector = try #require(service.manifest.value(at: ["spec", "selector"])?.mappingEntries)
        for statefulSet in deployment.objects where statefulSet.kind == "StatefulSet" {
            let podLabels = try #require(statefulSet.manifest.value(at: ["spec", "template", "metadata", "labels"]))
            #expect(serviceSelector.allSatisfy { podLabels[$0.key] == $0.value })
        }
        let job = try #require(deployment.object("Job", KubernetesDeployment.driverJobName))
        let driverLabels = try #require(job.manifest.value(at: ["spec", "template", "metadata", "labels"]))
        #expect(!serviceSelector.allSatisfy { driverLabels[$0.key] == $0.value }, "the node Service must not select the driver")
    }

    @Test("every node's Secret is a configuration file whose members are the pods' DNS names on the one port")
    func secretsNameThePods() throws {
        let (_, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let dnsNames = Dictionary(uniqueKeysWithValues: deployment.nodes.map { ($0.node, $0.dnsName) })
        let service = try #require(deployment.object("Service", KubernetesDeployment.serviceName))
        let servicePort = try #require(service.manifest.value(at: ["spec", "ports"])?.listValue?.first?["port"]?.integerValue)
        #expect(servicePort == KubernetesDeployment.nodePort)
        let driver = try driverFile(in: deployment, key: "driver.json")
        for node in deployment.nodes {
            let contents = try secretFile(in: deployment, secret: node.statefulSet + "-node", key: "node.json")
            let file = try NodeProcessConfiguration.read(contents, fileName: node.node)
            #expect(file.node.name == node.node)
            #expect(file.listenPort == servicePort)
            #expect(file.plan.directory == KubernetesDeploymentOptions.defaultDataDirectory)
            for member in file.members where member.name.name != DriverDeploymentFile.driverName {
                #expect(member.host == dnsNames[member.name.name], "\(node.node)'s file gives \(member.name) the address \(member.host ?? "none")")
                #expect(member.port == servicePort)
            }
            #expect(Set(file.members.map(\.name.name)) == Set(dnsNames.keys).union([DriverDeploymentFile.driverName]))
            // The driver expects exactly this file: its digest, at this address.
            let expected = try #require(driver.nodes.first { $0.location.node == node.node })
            #expect(expected.configurationDigest == Hash256.sha256(Array(contents)).hex)
            #expect(expected.location.address == node.dnsName && expected.location.port == servicePort)
            // The pod listens on the port its file gives, and the probe and the Service point at it.
            let container = try nodeContainer(in: deployment, node)
            #expect(container["ports"]?.listValue?.first?["containerPort"]?.integerValue == file.listenPort)
            #expect(container.value(at: ["readinessProbe", "tcpSocket", "port"])?.stringValue == "node")
            #expect(container["command"]?.listValue?.compactMap(\.stringValue) == ["vernier", "node", "--reset", KubernetesDeployment.nodeFilePath])
        }
        #expect(driver.members == (try NodeProcessConfiguration.read(
            try secretFile(in: deployment, secret: "orderer0-node", key: "node.json"), fileName: "orderer0").members))
    }

    @Test("the plan, genesis and digest are the ones deploy files makes; only the addresses differ")
    func sameFederationAsDeployFiles() throws {
        let (configuration, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let files = try BenchmarkRun.hostDeployments(of: configuration, dataDirectory: KubernetesDeploymentOptions.defaultDataDirectory)
        let driver = try driverFile(in: deployment, key: "driver.json")
        let fromFiles = try #require(files.first).deployment.driver
        #expect(driver.networkDigest == configuration.network.deploymentDigest.hex)
        #expect(driver.networkDigest == fromFiles.networkDigest)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(try encoder.encode(driver.plan) == encoder.encode(fromFiles.plan))
        #expect(driver.nodes.map(\.location.host) == fromFiles.nodes.map(\.location.host))
        #expect(driver.nodes.map(\.location.address) != fromFiles.nodes.map(\.location.address))
    }

    @Test("each node's pod runs on the machine labelled with its host, with the file's resources as requests and limits")
    func placementAndResources() throws {
        let (_, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let hosts = Dictionary(uniqueKeysWithValues: deployment.nodes.map { ($0.node, $0.host) })
        #expect(hosts == ["orderer0": "ordering", "orderer1": "ordering", "orderer2": "ordering",
                          "peer0.org1": "hospital-a", "peer1.org1": "hospital-a", "peer0.org2": "hospital-b"])
        for node in deployment.nodes {
            let statefulSet = try #require(deployment.object("StatefulSet", node.statefulSet))
            let selector = try #require(statefulSet.manifest.value(at: ["spec", "template", "spec", "nodeSelector"]))
            #expect(selector == [KubernetesDeployment.hostLabel: .string(node.host)])
            let resources = try #require(try nodeContainer(in: deployment, node)["resources"])
            #expect(resources["requests"] == ["cpu": "1500m", "memory": "512Mi"])
            #expect(resources["limits"] == resources["requests"])
        }
    }

    @Test("several networks: names prefixed by the network, one driver file per network, resources only where given")
    func severalNetworks() throws {
        let (_, deployment) = try SampleFiles.deployment(SampleFiles.severalNetworks)
        #expect(deployment.nodes.map(\.statefulSet) == [
            "raft-small-orderer0", "raft-small-peer0-org1", "pow-miner0", "pow-miner1", "pow-peer0-org1", "pow-peer0-org2",
        ])
        #expect(deployment.nodes.map(\.host) == ["node-a", "node-b", "node-a", "node-a", "node-b", "node-b"])
        let raftFile = try driverFile(in: deployment, key: "raft.small.driver.json")
        let powFile = try driverFile(in: deployment, key: "pow.driver.json")
        #expect(raftFile.nodes.map(\.location.address) == deployment.nodes.prefix(2).map(\.dnsName))
        #expect(powFile.nodes.map(\.location.address) == deployment.nodes.suffix(4).map(\.dnsName))
        let job = try #require(deployment.object("Job", KubernetesDeployment.driverJobName))
        let volumes = try #require(job.manifest.value(at: ["spec", "template", "spec", "volumes"])?.listValue)
        let items = try #require(volumes.first { $0["name"] == "deployment" }?.value(at: ["secret", "items"])?.listValue)
        // `vernier run --deployment DIR` reads DIR/<network>/driver.json for a file with several networks.
        #expect(items == [["key": "raft.small.driver.json", "path": "raft.small/driver.json"],
                          ["key": "pow.driver.json", "path": "pow/driver.json"]])
        for node in deployment.nodes {
            let resources = try nodeContainer(in: deployment, node)["resources"]
            #expect((resources != nil) == (node.network == "raft.small"))
        }
    }

    @Test("the driver runs vernier run on the benchmark file as written, with its deployment and the results volume")
    func driverJob() throws {
        let (_, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let configMap = try #require(deployment.object("ConfigMap", KubernetesDeployment.benchmarkConfigMapName))
        #expect(configMap.manifest.value(at: ["data", "benchmark.yaml"])?.stringValue == SampleFiles.raft)
        let job = try #require(deployment.object("Job", KubernetesDeployment.driverJobName))
        let pod = try #require(job.manifest.value(at: ["spec", "template", "spec"]))
        let container = try #require(pod["containers"]?.listValue?.first)
        #expect(container["command"]?.listValue?.compactMap(\.stringValue) == [
            "vernier", "run", "/etc/vernier/benchmark.yaml", "--deployment", "/etc/vernier/deployment", "--results", "/results",
        ])
        #expect(job.manifest.value(at: ["spec", "backoffLimit"])?.integerValue == 0)
        let claim = try #require(pod["volumes"]?.listValue?.first { $0["name"] == "results" })
        #expect(claim.value(at: ["persistentVolumeClaim", "claimName"])?.stringValue == KubernetesDeployment.resultsClaimName)
        #expect(deployment.object("PersistentVolumeClaim", KubernetesDeployment.resultsClaimName) != nil)
        #expect(deployment.files.map(\.fileName) == ["nodes.yaml", "driver.yaml", "results-reader.yaml"])
    }

    @Test("names Kubernetes cannot take, and options it cannot use, are refused with what and where")
    func refusals() throws {
        let longOrganization = String(repeating: "h", count: 50)
        let long = SampleFiles.raft.replacingOccurrences(of: "name: org2", with: "name: \(longOrganization)")
        #expect(throws: KubernetesDeploymentError.self) { try SampleFiles.deployment(long) }
        do {
            _ = try SampleFiles.deployment(long)
        } catch {
            #expect("\(error)".contains("peer0.\(longOrganization)") && "\(error)".contains("shorten"), "\(error)")
        }
        let clash = """
            name: clash
            networks:
              raft.small: { consensus: raft, deployment: hosts, organizations: [{ name: org1, peers: 1 }],
                            hosts: [{ name: one, address: 10.0.0.1 }], placement: round-robin }
              raft_small: { consensus: raft, deployment: hosts, organizations: [{ name: org1, peers: 1 }],
                            hosts: [{ name: one, address: 10.0.0.1 }], placement: round-robin }
            rounds:
              - { label: open, txNumber: 10, rateControl: { type: fixed-rate, opts: { tps: 5 } }, workload: { module: simple/open } }
            """
        do {
            _ = try SampleFiles.deployment(clash)
            Issue.record("raft.small and raft_small both map to raft-small; the deployment must be refused")
        } catch let error as KubernetesDeploymentError {
            #expect(error.description.contains("would both be the StatefulSet \"raft-small-orderer0\""), "\(error)")
        }
        #expect(throws: KubernetesDeploymentError.self) { try SampleFiles.deployment(SampleFiles.raft, namespace: "Bench") }
        let configuration = try BenchmarkConfiguration(yaml: SampleFiles.raft, fileName: "sample.yaml")
        for options in [KubernetesDeploymentOptions(image: "has space"), KubernetesDeploymentOptions(image: "i", dataDirectory: "relative"),
                        KubernetesDeploymentOptions(image: "i", dataDirectory: "/etc/vernier/data")] {
            #expect(throws: KubernetesDeploymentError.self) {
                try KubernetesDeployment.make(configuration: configuration, benchmarkFile: SampleFiles.raft, benchmarkFileName: "s", options: options)
            }
        }
        let replay = SampleFiles.raft.replacingOccurrences(of: "{ type: fixed-rate, opts: { tps: 100 } }",
                                                           with: "{ type: replay-rate, opts: { path: times.csv } }")
        do {
            _ = try SampleFiles.deployment(replay)
            Issue.record("a round that replays a file beside the benchmark file must be refused")
        } catch let error as KubernetesDeploymentError {
            #expect(error.description.contains("round open") && error.description.contains("times.csv"), "\(error)")
        }
        let processes = SampleFiles.raft.components(separatedBy: "\n").filter {
            !$0.contains("hosts") && !$0.contains("address:") && !$0.contains("resources:")
        }.joined(separator: "\n")
        #expect(throws: HostDeploymentError.self) { try SampleFiles.deployment(processes) }
    }

    @Test("the files are written readable by their owner only, and never over a deployment")
    func writes() throws {
        let (_, deployment) = try SampleFiles.deployment(SampleFiles.raft)
        let directory = try TemporaryDirectory()
        let out = directory.file("manifests")
        try deployment.write(to: out)
        for file in deployment.files {
            let attributes = try FileManager.default.attributesOfItem(atPath: out + "/" + file.fileName)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try String(contentsOfFile: out + "/" + file.fileName, encoding: .utf8) == file.text)
        }
        #expect(throws: KubernetesDeploymentError.self) { try deployment.write(to: out) }
    }

    // MARK: Helpers

    private func secretFile(in deployment: KubernetesDeployment, secret: String, key: String) throws -> Data {
        let object = try #require(deployment.object("Secret", secret))
        let encoded = try #require(object.manifest.value(at: ["data", key])?.stringValue, "\(secret) has no \(key)")
        return try #require(Data(base64Encoded: encoded))
    }

    private func driverFile(in deployment: KubernetesDeployment, key: String) throws -> DriverDeploymentFile {
        let contents = try secretFile(in: deployment, secret: KubernetesDeployment.driverSecretName, key: key)
        return try JSONDecoder().decode(DriverDeploymentFile.self, from: contents)
    }

    private func nodeContainer(in deployment: KubernetesDeployment, _ node: KubernetesNode) throws -> ManifestValue {
        let statefulSet = try #require(deployment.object("StatefulSet", node.statefulSet))
        return try #require(statefulSet.manifest.value(at: ["spec", "template", "spec", "containers"])?.listValue?.first)
    }
}
