public import NetworkSpec
public import BenchmarkSpec
import Benchmark
import Federation
import Foundation

/// The Kubernetes objects that run a benchmark file's `deployment: hosts` federations and its
/// driver, as `vernier deploy kubernetes` writes them.
///
/// Each node is a StatefulSet of one pod behind one headless Service, so that its address in every
/// configuration file is the pod's stable DNS name; its configuration file is a Secret; it starts a
/// fresh chain whenever its pod starts. The driver is a Job that runs `vernier run` against them and
/// writes its results to a PersistentVolumeClaim. The node files come from ``HostDeployment``, as
/// `vernier deploy files` makes them; only the nodes' addresses differ.
public struct KubernetesDeployment: Sendable {
    /// The nodes, network by network in file order, each in start order.
    public var nodes: [KubernetesNode]
    /// The files to apply, in order: the nodes, then (once they are ready) the driver, then (once it
    /// finished) the results reader.
    public var files: [KubernetesManifestFile]

    /// The headless Service that gives every node pod its DNS name.
    public static let serviceName = "vernier-nodes"
    /// The port every node listens on in its pod (Fabric's orderer port).
    public static let nodePort = HostsConfiguration.defaultFirstPort
    /// The Kubernetes node label that says which of the file's hosts a machine is.
    public static let hostLabel = "vernier.io/host"
    /// The label every object of a deployment carries.
    public static let nameLabel = "app.kubernetes.io/name"
    /// The label that tells nodes, the driver and the results reader apart.
    public static let componentLabel = "app.kubernetes.io/component"
    /// The label that names a node's StatefulSet on its pods.
    public static let nodeLabel = "vernier.io/node"
    /// Where a node's Secret is mounted, read-only, in its container.
    public static let nodeFileDirectory = "/etc/vernier"
    /// Where a node's configuration file is in its container.
    public static let nodeFilePath = nodeFileDirectory + "/node.json"
    /// Where the benchmark file is in the driver's container.
    public static let benchmarkFilePath = "/etc/vernier/benchmark.yaml"
    /// Where the driver's deployment directory is in its container.
    public static let driverDeploymentPath = "/etc/vernier/deployment"
    /// Where the results volume is mounted (the driver's `--results`).
    public static let resultsPath = "/results"
    /// The user and group the containers run as (not root; the image's `vernier` user).
    public static let userId = 10_001
    /// The ConfigMap, Secret, PersistentVolumeClaim and Job of the driver, and the results reader's pod.
    public static let benchmarkConfigMapName = "vernier-benchmark"
    public static let driverSecretName = "vernier-driver"
    public static let resultsClaimName = "vernier-results"
    public static let driverJobName = "vernier-driver"
    public static let resultsReaderName = "vernier-results-reader"
    /// The size the results claim asks for.
    public static let resultsStorage = "1Gi"
    /// The most a ConfigMap or Secret may hold (Kubernetes refuses more).
    public static let largestObjectDataBytes = 1 << 20
    /// Read access for the owner and the group, none for others (0440): the pods' group (fsGroup) reads.
    static let secretFileMode = 0o440

    /// Builds the objects for `configuration`'s `deployment: hosts` networks. `benchmarkFile` is the
    /// file's text, shipped to the driver as it is; `benchmarkFileName` names it in messages.
    public static func make(
        configuration: BenchmarkConfiguration, benchmarkFile: String, benchmarkFileName: String,
        options: KubernetesDeploymentOptions
    ) throws -> KubernetesDeployment {
        try options.check()
        try checkRoundsNeedNoOtherFile(configuration, fileName: benchmarkFileName)
        guard benchmarkFile.utf8.count <= largestObjectDataBytes else {
            throw KubernetesDeploymentError(description: "\(benchmarkFileName) is larger than a ConfigMap may hold (1 MiB)")
        }
        let nodes = try KubernetesNode.place(configuration, namespace: options.namespace)
        let byNetwork = Dictionary(grouping: nodes, by: \.network)
        let deployments = try BenchmarkRun.hostDeployments(of: configuration, dataDirectory: options.dataDirectory) { named in
            (byNetwork[named.name] ?? []).map(\.location)
        }
        let writer = ObjectWriter(options: options, severalNetworks: configuration.networks != nil)
        var nodeObjects: [KubernetesObject] = [writer.namespace(), writer.service()]
        for (network, deployment) in deployments {
            let resources = configuration.federations.first { $0.name == network }?.configuration.resources
            let placed = byNetwork[network] ?? []
            for (file, expected) in zip(deployment.nodeFiles, deployment.driver.nodes) {
                guard let node = placed.first(where: { $0.node == file.location.node }) else { continue }
                nodeObjects.append(writer.nodeSecret(node, contents: file.contents))
                nodeObjects.append(writer.statefulSet(node, resources: resources, configurationDigest: expected.configurationDigest))
            }
        }
        var driverFiles: [(key: String, path: String, contents: Data)] = []
        for (network, deployment) in deployments {
            let contents = try deployment.driver.encoded()
            if configuration.networks != nil {
                let key = network + "." + HostDeployment.driverFileName
                guard KubernetesNames.isDataKey(key) else {
                    throw KubernetesDeploymentError(description: "network \(network): \(key) cannot be a Secret's key")
                }
                driverFiles.append((key, network + "/" + HostDeployment.driverFileName, contents))
            } else {
                driverFiles.append((HostDeployment.driverFileName, HostDeployment.driverFileName, contents))
            }
        }
        let driverObjects = [
            writer.benchmarkConfigMap(benchmarkFile),
            writer.driverSecret(driverFiles),
            writer.resultsClaim(),
            writer.driverJob(driverFiles),
        ]
        let files = [
            KubernetesManifestFile(
                fileName: "nodes.yaml",
                purpose: "the nodes: apply first, then wait until every node pod is ready", objects: nodeObjects),
            KubernetesManifestFile(
                fileName: "driver.yaml",
                purpose: "the driver: apply once every node pod is ready; it runs the benchmark once", objects: driverObjects),
            KubernetesManifestFile(
                fileName: "results-reader.yaml",
                purpose: "a pod that mounts the results once the driver's Job finished, for kubectl cp",
                objects: [writer.resultsReader()]),
        ]
        try checkUniqueNames(files.flatMap(\.objects))
        return KubernetesDeployment(nodes: nodes, files: files)
    }

    /// Writes every file into `directory` (created if needed), readable by its owner only: they
    /// hold private keys. Refuses a directory that already holds a deployment.
    public func write(to directory: String) throws {
        let manager = FileManager.default
        for file in files where manager.fileExists(atPath: directory + "/" + file.fileName) {
            throw KubernetesDeploymentError(
                description: "\(directory)/\(file.fileName) exists: a deployment is already there; choose another --out or remove it")
        }
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in files {
            let path = directory + "/" + file.fileName
            guard manager.createFile(atPath: path, contents: Data(file.text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw KubernetesDeploymentError(description: "cannot write \(path)")
            }
        }
    }

    /// Refuses rounds that read or write a file beside the benchmark file: the driver's pod has the
    /// benchmark file alone, read-only.
    static func checkRoundsNeedNoOtherFile(_ configuration: BenchmarkConfiguration, fileName: String) throws {
        for round in configuration.rounds {
            if let path = fileUsed(by: round.rateControl) {
                throw KubernetesDeploymentError(description: "\(fileName): round \(round.label): its rate controller uses the file \(path); "
                    + "the driver's pod has only the benchmark file, so vernier deploy kubernetes cannot run it: "
                    + "use another rate controller, or deploy files and run the driver outside Kubernetes")
            }
        }
    }

    /// The first file a rate controller replays or records, if any.
    private static func fileUsed(by rateControl: RateControl) -> String? {
        var pending = [rateControl]
        var visited = 0
        // Bounded: a controller nests at most a few levels (the reader refuses nested composites).
        while let next = pending.popLast(), visited < 10_000 {
            visited += 1
            switch next {
            case .replayRate(let trace): return trace.path
            case .recordRate(let trace, _): return trace.path
            case .composite(_, let controllers): pending.append(contentsOf: controllers)
            default: continue
            }
        }
        return nil
    }

    /// Refuses two objects of one kind with one name (a node whose name maps onto a fixed name).
    private static func checkUniqueNames(_ objects: [KubernetesObject]) throws {
        var seen: Set<String> = []
        for object in objects where !seen.insert(object.kind + "/" + object.name).inserted {
            throw KubernetesDeploymentError(description: "two \(object.kind) objects would be named \(object.name): rename a network or organization")
        }
    }
}

/// What `vernier deploy kubernetes` needs besides the benchmark file.
public struct KubernetesDeploymentOptions: Sendable {
    /// The container image with `vernier` on its PATH (the repository's Containerfile builds one).
    public var image: String
    /// The namespace of every object.
    public var namespace: String
    /// Where each node keeps its data in its pod (`<dataDirectory>/<node>`, on an emptyDir volume).
    public var dataDirectory: String

    /// The namespace when none is given.
    public static let defaultNamespace = "vernier"
    /// The data directory when none is given.
    public static let defaultDataDirectory = "/var/lib/vernier"

    /// Creates options.
    public init(image: String, namespace: String = defaultNamespace, dataDirectory: String = defaultDataDirectory) {
        self.image = image
        self.namespace = namespace
        self.dataDirectory = dataDirectory
    }

    /// Throws naming the option that Kubernetes or the pods could not use.
    func check() throws {
        guard !image.isEmpty, !image.contains(where: \.isWhitespace) else {
            throw KubernetesDeploymentError(description: "--image \"\(image)\": give an image reference without spaces, e.g. registry.example/vernier:1")
        }
        guard KubernetesNames.isDNSLabel(namespace) else {
            throw KubernetesDeploymentError(description: "--namespace \"\(namespace)\": a namespace is 1 to 63 characters of a-z, 0-9 "
                + "and '-', starting and ending with a letter or digit")
        }
        guard dataDirectory.hasPrefix("/"), dataDirectory != "/", !dataDirectory.hasSuffix("/"),
              !(dataDirectory + "/").hasPrefix("/etc/vernier/"), dataDirectory != KubernetesDeployment.resultsPath else {
            throw KubernetesDeploymentError(description: "--data-directory \"\(dataDirectory)\": give an absolute directory "
                + "other than /, /etc/vernier and \(KubernetesDeployment.resultsPath), without a final /")
        }
    }
}

/// One node as Kubernetes runs it: its StatefulSet, its pod's DNS name and the host it is placed on.
public struct KubernetesNode: Sendable, Hashable {
    /// The network's name in the benchmark file.
    public var network: String
    /// The node's name in vernier (`peer0.org1`).
    public var node: String
    /// Its StatefulSet's name, a DNS label (`peer0-org1`; `<network>-peer0-org1` in a file with several networks).
    public var statefulSet: String
    /// The host the file places it on: the value of the `vernier.io/host` label its pod must run on.
    public var host: String
    /// Its pod's stable DNS name, `<statefulSet>-0.<service>.<namespace>.svc.cluster.local`.
    public var dnsName: String

    /// Where the node listens, as its configuration and the driver's file give it.
    public var location: NodeLocation {
        NodeLocation(node: node, host: host, address: dnsName, port: KubernetesDeployment.nodePort)
    }

    /// The nodes of every `deployment: hosts` network of `configuration`, placed as the file says;
    /// throws for a name Kubernetes cannot take, or two nodes whose names map to one.
    static func place(_ configuration: BenchmarkConfiguration, namespace: String) throws -> [KubernetesNode] {
        let several = configuration.networks != nil
        var nodes: [KubernetesNode] = []
        var owners: [String: String] = [:]
        for named in configuration.federations where named.configuration.deployment == .hosts {
            let locations = try BenchmarkRun.fileLocations(of: named)
            let prefix = several ? KubernetesNames.dnsLabel(for: named.name) + "-" : ""
            for location in locations {
                let name = prefix + KubernetesNames.dnsLabel(for: location.node)
                let owner = several ? "\(location.node) of network \(named.name)" : location.node
                guard KubernetesNames.isDNSLabel(name), name.count <= KubernetesNames.longestStatefulSetName else {
                    throw KubernetesDeploymentError(description: "\(owner): its StatefulSet would be named \"\(name)\", which is not a DNS label "
                        + "of at most \(KubernetesNames.longestStatefulSetName) characters: shorten the organization or network name")
                }
                if let other = owners[name] {
                    throw KubernetesDeploymentError(description: "\(owner) and \(other) would both be the StatefulSet \"\(name)\": rename one")
                }
                owners[name] = owner
                guard KubernetesNames.isLabelValue(location.host) else {
                    throw KubernetesDeploymentError(description: "host \(location.host) cannot be the value of the label \(KubernetesDeployment.hostLabel): "
                        + "at most 63 characters, starting and ending with a letter or digit")
                }
                let dnsName = "\(name)-0.\(KubernetesDeployment.serviceName).\(namespace).svc.cluster.local"
                nodes.append(KubernetesNode(network: named.name, node: location.node, statefulSet: name, host: location.host, dnsName: dnsName))
            }
        }
        return nodes
    }
}

/// One Kubernetes object: its kind, its name and its manifest.
public struct KubernetesObject: Sendable {
    public var kind: String
    public var name: String
    public var manifest: ManifestValue
}

/// One file of manifests, several YAML documents.
public struct KubernetesManifestFile: Sendable {
    /// The file's name in the output directory.
    public var fileName: String
    /// What it is for, written as its first comment.
    public var purpose: String
    /// Its objects, in the order `kubectl apply` should create them.
    public var objects: [KubernetesObject]

    /// The file's text: a comment, then one document per object.
    public var text: String {
        let secret = objects.contains { $0.kind == "Secret" } ? "; it holds private keys: keep it secret" : ""
        return "# \(fileName): \(purpose).\n# Written by vernier deploy kubernetes\(secret).\n"
            + ManifestYAML.stream(objects.map(\.manifest))
    }
}

/// Why the manifests cannot be made or written.
public struct KubernetesDeploymentError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) { self.description = description }
}
