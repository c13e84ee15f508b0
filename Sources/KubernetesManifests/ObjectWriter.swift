import NetworkSpec
import BenchmarkSpec
import Federation
import Foundation

/// Writes each Kubernetes object of a deployment as a manifest value: names, labels, volumes and
/// commands in one place, so that the nodes, the driver and the results reader agree.
struct ObjectWriter {
    let options: KubernetesDeploymentOptions
    /// Whether the benchmark file names several networks (the driver's files then go into one
    /// directory per network).
    let severalNetworks: Bool

    private typealias Names = KubernetesDeployment

    // MARK: Shared parts

    private func metadata(_ name: String, component: String? = nil, labels extra: ManifestValue = [:],
                          namespaced: Bool = true) -> ManifestValue {
        var entries: [ManifestEntry] = [ManifestEntry(key: "name", value: .string(name))]
        if namespaced { entries.append(ManifestEntry(key: "namespace", value: .string(options.namespace))) }
        entries.append(ManifestEntry(key: "labels", value: labels(component: component, extra)))
        return .mapping(entries)
    }

    private func labels(component: String?, _ extra: ManifestValue = [:]) -> ManifestValue {
        var entries = [ManifestEntry(key: Names.nameLabel, value: "vernier")]
        if let component { entries.append(ManifestEntry(key: Names.componentLabel, value: .string(component))) }
        return .mapping(entries + (extra.mappingEntries ?? []))
    }

    /// The pods' security: not root, no privilege escalation, no capabilities; the group (fsGroup)
    /// reads the mounted secrets and writes the volumes.
    private var podSecurityContext: ManifestValue {
        [
            "runAsNonRoot": true,
            "runAsUser": .integer(Names.userId),
            "runAsGroup": .integer(Names.userId),
            "fsGroup": .integer(Names.userId),
        ]
    }

    private var containerSecurityContext: ManifestValue {
        ["allowPrivilegeEscalation": false, "capabilities": ["drop": ["ALL"]]]
    }

    /// Requests equal to limits: the file's `network.resources`, per node.
    private func resources(_ resources: NodeResourceLimits) -> ManifestValue {
        var amounts: [ManifestEntry] = []
        if let millicores = resources.cpuMillicores {
            amounts.append(ManifestEntry(key: "cpu", value: .string(KubernetesQuantity.cpu(millicores: millicores))))
        }
        if let bytes = resources.memoryBytes {
            amounts.append(ManifestEntry(key: "memory", value: .string(KubernetesQuantity.memory(bytes: bytes))))
        }
        return ["requests": .mapping(amounts), "limits": .mapping(amounts)]
    }

    private func secretData(_ files: [(key: String, contents: Data)]) -> ManifestValue {
        .mapping(files.map { ManifestEntry(key: $0.key, value: .string($0.contents.base64EncodedString())) })
    }

    // MARK: The nodes

    func namespace() -> KubernetesObject {
        KubernetesObject(kind: "Namespace", name: options.namespace, manifest: [
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": metadata(options.namespace, namespaced: false),
        ])
    }

    /// The headless Service that names every node pod. It publishes pods before they are ready, so
    /// that nodes starting at different times can already resolve each other (they redial until
    /// the other listens).
    func service() -> KubernetesObject {
        KubernetesObject(kind: "Service", name: Names.serviceName, manifest: [
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": metadata(Names.serviceName, component: "node"),
            "spec": [
                "clusterIP": "None",
                "publishNotReadyAddresses": true,
                "selector": labels(component: "node"),
                "ports": [["name": "node", "port": .integer(Names.nodePort), "targetPort": "node", "protocol": "TCP"]],
            ],
        ])
    }

    /// The node's configuration file, byte for byte (its SHA-256 is what the driver checks).
    func nodeSecret(_ node: KubernetesNode, contents: Data) -> KubernetesObject {
        let name = node.statefulSet + "-node"
        return KubernetesObject(kind: "Secret", name: name, manifest: [
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": metadata(name, component: "node", labels: [Names.nodeLabel: .string(node.statefulSet)]),
            "type": "Opaque",
            "data": secretData([("node.json", contents)]),
        ])
    }

    /// One node: a StatefulSet of one pod on a machine labelled with its host, that starts
    /// `vernier node --reset` from its Secret, keeps its data on an emptyDir, and is ready once its
    /// port accepts connections.
    func statefulSet(_ node: KubernetesNode, resources nodeResources: NodeResourceLimits?, configurationDigest: String) -> KubernetesObject {
        let podLabels = labels(component: "node", [Names.nodeLabel: .string(node.statefulSet), Names.hostLabel: .string(node.host)])
        let fixed: ManifestValue = [
            "name": "node",
            "image": .string(options.image),
            "command": ["vernier", "node", "--reset", .string(Names.nodeFilePath)],
            "ports": [["name": "node", "containerPort": .integer(Names.nodePort), "protocol": "TCP"]],
            // The port accepts connections once the node has read and checked its file and listens;
            // it opens its (empty, after --reset) stores just after. The driver checks each node
            // itself before any load: configuration digest and a chain at genesis. Every 5 s: a probe
            // that resets the connection costs the node one info line in its log.
            "readinessProbe": [
                "tcpSocket": ["port": "node"],
                "periodSeconds": 5,
                "timeoutSeconds": 1,
                "failureThreshold": 3,
            ],
            "securityContext": containerSecurityContext,
            "volumeMounts": [
                ["name": "configuration", "mountPath": .string(Names.nodeFileDirectory), "readOnly": true],
                ["name": "data", "mountPath": .string(options.dataDirectory)],
            ],
        ]
        var container = fixed.mappingEntries ?? []
        if let nodeResources {
            container.append(ManifestEntry(key: "resources", value: resources(nodeResources)))
        }
        return KubernetesObject(kind: "StatefulSet", name: node.statefulSet, manifest: [
            "apiVersion": "apps/v1",
            "kind": "StatefulSet",
            "metadata": metadata(node.statefulSet, component: "node", labels: [Names.nodeLabel: .string(node.statefulSet)]),
            "spec": [
                "serviceName": .string(Names.serviceName),
                "replicas": 1,
                "selector": ["matchLabels": [Names.nameLabel: "vernier", Names.nodeLabel: .string(node.statefulSet)]],
                "template": [
                    "metadata": [
                        "labels": podLabels,
                        "annotations": [
                            "vernier.io/node-name": .string(node.node),
                            "vernier.io/network": .string(node.network),
                            // A new deployment changes the pod template, so that the pod restarts from the new file.
                            "vernier.io/configuration-sha256": .string(configurationDigest),
                        ],
                    ],
                    "spec": [
                        "nodeSelector": [Names.hostLabel: .string(node.host)],
                        "automountServiceAccountToken": false,
                        "enableServiceLinks": false,
                        "securityContext": podSecurityContext,
                        "containers": [.mapping(container)],
                        "volumes": [
                            ["name": "configuration",
                             "secret": ["secretName": .string(node.statefulSet + "-node"), "defaultMode": .integer(Names.secretFileMode)]],
                            ["name": "data", "emptyDir": [:]],
                        ],
                    ],
                ],
            ],
        ])
    }

    // MARK: The driver

    /// The benchmark file, as it is.
    func benchmarkConfigMap(_ text: String) -> KubernetesObject {
        KubernetesObject(kind: "ConfigMap", name: Names.benchmarkConfigMapName, manifest: [
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata(Names.benchmarkConfigMapName, component: "driver"),
            "data": ["benchmark.yaml": .string(text)],
        ])
    }

    /// The driver's files (`driver.json`, or `<network>.driver.json` for several networks).
    func driverSecret(_ files: [(key: String, path: String, contents: Data)]) -> KubernetesObject {
        KubernetesObject(kind: "Secret", name: Names.driverSecretName, manifest: [
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": metadata(Names.driverSecretName, component: "driver"),
            "type": "Opaque",
            "data": secretData(files.map { ($0.key, $0.contents) }),
        ])
    }

    /// Where the driver writes its results; it outlives the Job.
    func resultsClaim() -> KubernetesObject {
        KubernetesObject(kind: "PersistentVolumeClaim", name: Names.resultsClaimName, manifest: [
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": metadata(Names.resultsClaimName, component: "driver"),
            "spec": [
                "accessModes": ["ReadWriteOnce"],
                "resources": ["requests": ["storage": .string(Names.resultsStorage)]],
            ],
        ])
    }

    /// The driver: one `vernier run` against the nodes, never retried (a second try would find the
    /// chains past genesis and be refused).
    func driverJob(_ files: [(key: String, path: String, contents: Data)]) -> KubernetesObject {
        var secretVolume: [ManifestEntry] = [
            ManifestEntry(key: "secretName", value: .string(Names.driverSecretName)),
            ManifestEntry(key: "defaultMode", value: .integer(Names.secretFileMode)),
        ]
        if severalNetworks {
            secretVolume.append(ManifestEntry(key: "items", value: .list(files.map { ["key": .string($0.key), "path": .string($0.path)] })))
        }
        return KubernetesObject(kind: "Job", name: Names.driverJobName, manifest: [
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata(Names.driverJobName, component: "driver"),
            "spec": [
                "backoffLimit": 0,
                "template": [
                    "metadata": ["labels": labels(component: "driver")],
                    "spec": [
                        "restartPolicy": "Never",
                        "automountServiceAccountToken": false,
                        "enableServiceLinks": false,
                        "securityContext": podSecurityContext,
                        "containers": [[
                            "name": "driver",
                            "image": .string(options.image),
                            "command": [
                                "vernier", "run", .string(Names.benchmarkFilePath),
                                "--deployment", .string(Names.driverDeploymentPath), "--results", .string(Names.resultsPath),
                            ],
                            "securityContext": containerSecurityContext,
                            "volumeMounts": [
                                ["name": "benchmark", "mountPath": .string(Names.benchmarkFilePath), "subPath": "benchmark.yaml", "readOnly": true],
                                ["name": "deployment", "mountPath": .string(Names.driverDeploymentPath), "readOnly": true],
                                ["name": "results", "mountPath": .string(Names.resultsPath)],
                            ],
                        ]],
                        "volumes": [
                            ["name": "benchmark", "configMap": ["name": .string(Names.benchmarkConfigMapName)]],
                            ["name": "deployment", "secret": .mapping(secretVolume)],
                            ["name": "results", "persistentVolumeClaim": ["claimName": .string(Names.resultsClaimName)]],
                        ],
                    ],
                ],
            ],
        ])
    }

    /// A pod that mounts the results read-only and waits, so that `kubectl cp` can copy them.
    func resultsReader() -> KubernetesObject {
        KubernetesObject(kind: "Pod", name: Names.resultsReaderName, manifest: [
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": metadata(Names.resultsReaderName, component: "results-reader"),
            "spec": [
                "restartPolicy": "Never",
                "automountServiceAccountToken": false,
                "enableServiceLinks": false,
                "securityContext": podSecurityContext,
                "containers": [[
                    "name": "reader",
                    "image": .string(options.image),
                    "command": ["sleep", "infinity"],
                    "securityContext": containerSecurityContext,
                    "volumeMounts": [["name": "results", "mountPath": .string(Names.resultsPath), "readOnly": true]],
                ]],
                "volumes": [["name": "results", "persistentVolumeClaim": ["claimName": .string(Names.resultsClaimName), "readOnly": true]]],
            ],
        ])
    }
}
