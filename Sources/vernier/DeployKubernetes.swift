import ArgumentParser
import BenchmarkSpec
import Foundation
import KubernetesManifests

/// `vernier deploy kubernetes <file> --image <image> --out <dir>`: Kubernetes manifests for the
/// file's `deployment: hosts` federations and their driver.
struct DeployKubernetes: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubernetes",
        abstract: "Write Kubernetes manifests that run deployment: hosts federations and their driver.",
        discussion: """
            Writes <out>/nodes.yaml (a Namespace, the headless Service \(KubernetesDeployment.serviceName), and a \
            Secret and a StatefulSet of one pod per node), <out>/driver.yaml (the benchmark file in a \
            ConfigMap, the driver's file in a Secret, a PersistentVolumeClaim for the results and the Job \
            that runs `vernier run`) and <out>/results-reader.yaml (a pod to copy the results from). \
            Apply nodes.yaml, wait until every node pod is ready, then apply driver.yaml. A node runs on a \
            machine labelled \(KubernetesDeployment.hostLabel)=<host>, the file's host it is placed on. \
            Keys are new and random; the files are readable by their owner only. See docs/deployments.md.
            """ + "\n\n" + ExitCodes.help(DeployExit.self)
    )

    @Argument(help: "The benchmark file; its networks with deployment: hosts are deployed.")
    var file: String = "benchmark.yaml"

    @Option(help: "The container image, with vernier on its PATH (the repository's Containerfile builds one).")
    var image: String

    @Option(help: "The namespace of every object.")
    var namespace: String = KubernetesDeploymentOptions.defaultNamespace

    @Option(help: "The directory to write the manifests into; it must not hold manifests already.")
    var out: String

    @Option(help: "Where each node keeps its data in its pod (<data-directory>/<node>, on an emptyDir volume).")
    var dataDirectory: String = KubernetesDeploymentOptions.defaultDataDirectory

    func run() async throws {
        if looksLikeCapacityPlan(file) {
            // Each cell needs its own nodes, started and stopped in turn: the driver's Job would
            // have to drive the cluster. Out of the cluster, `deploy files` and --before-cell can.
            printToStandardError("vernier deploy kubernetes: \(file) is a capacity plan; its cells need their nodes started one "
                                 + "after another, which these manifests do not do: use `vernier deploy files \(file)` and "
                                 + "`vernier capacity --deployment` with --before-cell and --after-cell (docs/capacity.md)")
            throw DeployExit.invalid.exitCode
        }
        let configuration = try loadBenchmarkOrExit(file, invalid: DeployExit.invalid)
        let deployment: KubernetesDeployment
        do {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            deployment = try KubernetesDeployment.make(
                configuration: configuration, benchmarkFile: text, benchmarkFileName: file,
                options: KubernetesDeploymentOptions(image: image, namespace: namespace, dataDirectory: dataDirectory))
        } catch {
            printToStandardError("vernier deploy kubernetes: \(error)")
            throw DeployExit.invalid.exitCode
        }
        do {
            try deployment.write(to: out)
        } catch {
            printToStandardError("vernier deploy kubernetes: \(error)")
            throw DeployExit.failed.exitCode
        }
        for manifest in deployment.files {
            let count = manifest.objects.count
            print("\(out)/\(manifest.fileName): \(count) object\(count == 1 ? "" : "s"): \(manifest.purpose)")
        }
        for node in deployment.nodes {
            print("  \(node.statefulSet)  \(node.node) on \(KubernetesDeployment.hostLabel)=\(node.host) (\(node.dnsName):\(KubernetesDeployment.nodePort))")
        }
        let unlimited = configuration.federations.filter { $0.configuration.deployment == .hosts && $0.configuration.resources == nil }
        if !unlimited.isEmpty {
            printToStandardError("vernier deploy kubernetes: note: \(unlimited.map(\.name).joined(separator: ", ")) gives no network.resources: "
                + "its nodes get no CPU or memory requests or limits, so other pods can disturb their figures")
        }
    }
}
