import BenchmarkSpec
import KubernetesManifests

/// Benchmark files to deploy on Kubernetes, and the deployments made from them.
enum SampleFiles {
    /// A Raft federation on three hosts, one per group, with resources per node.
    static let raft = """
        name: kube-raft
        seed: 11
        network:
          consensus: raft
          deployment: hosts
          organizations:
            - { name: org1, peers: 2 }
            - { name: org2, peers: 1 }
          raft: { orderers: 3 }
          hosts:
            - { name: ordering, address: 10.0.0.1 }
            - { name: hospital-a, address: 10.0.0.2, port: 9000 }
            - { name: hospital-b, address: 10.0.0.3 }
          resources: { cpu: 1500m, memory: 512Mi }
        accounts: 20
        rounds:
          - label: open
            txNumber: 200
            rateControl: { type: fixed-rate, opts: { tps: 100 } }
            workload: { module: simple/open, arguments: { numberOfAccounts: 200, initialMoney: 1000 } }
        """

    /// Two federations under `networks` (one named with a dot), placed round-robin and by group;
    /// only the first gives resources.
    static let severalNetworks = """
        name: kube-two
        networks:
          raft.small:
            consensus: raft
            deployment: hosts
            organizations: [{ name: org1, peers: 1 }]
            hosts:
              - { name: node-a, address: 10.0.0.1 }
              - { name: node-b, address: 10.0.0.2 }
            placement: round-robin
            resources: { cpu: 2, memory: 1GiB }
          pow:
            consensus: pow
            deployment: hosts
            organizations: [{ name: org1, peers: 1 }, { name: org2, peers: 1 }]
            pow: { miners: 2 }
            hosts:
              - { name: node-a, address: 10.0.0.1 }
              - { name: node-b, address: 10.0.0.2 }
            placement: { miners: node-a, org1: node-b, org2: node-b }
        rounds:
          - label: raft
            network: raft.small
            txNumber: 10
            rateControl: { type: fixed-rate, opts: { tps: 5 } }
            workload: { module: simple/open }
          - label: pow
            network: pow
            txNumber: 10
            rateControl: { type: fixed-rate, opts: { tps: 5 } }
            workload: { module: simple/open }
        """

    /// The samples by name, for tests that take each as an argument.
    static let named = ["raft": raft, "several networks": severalNetworks]

    static let image = "registry.example/vernier:test"

    /// The deployment of `text` in namespace `bench`.
    static func deployment(_ text: String, namespace: String = "bench") throws -> (BenchmarkConfiguration, KubernetesDeployment) {
        let configuration = try BenchmarkConfiguration(yaml: text, fileName: "sample.yaml")
        let deployment = try KubernetesDeployment.make(
            configuration: configuration, benchmarkFile: text, benchmarkFileName: "sample.yaml",
            options: KubernetesDeploymentOptions(image: image, namespace: namespace))
        return (configuration, deployment)
    }
}

extension KubernetesDeployment {
    /// Every object of every file.
    var objects: [KubernetesObject] { files.flatMap(\.objects) }

    /// The object of `kind` named `name`.
    func object(_ kind: String, _ name: String) -> KubernetesObject? {
        objects.first { $0.kind == kind && $0.name == name }
    }
}
