// swift-tools-version:6.1
// vernier: a benchmark harness for ledgers, shaped for hospital federations.
//
// Modules depend one way, down to LedgerPrimitives (docs/architecture.md draws the graph). Nothing
// above NodeProcess is needed to run a node.

import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
]

let package = Package(
    name: "vernier",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vernier", targets: ["vernier"]),
        .library(name: "LedgerPrimitives", targets: ["LedgerPrimitives"]),
        .library(name: "Contracts", targets: ["Contracts"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "Consensus", targets: ["Consensus"]),
        .library(name: "Node", targets: ["Node"]),
        .library(name: "Load", targets: ["Load"]),
        .library(name: "Results", targets: ["Results"]),
        .library(name: "Benchmark", targets: ["Benchmark"]),
        // For the fuzz targets in Fuzz/, a package of their own (docs/fuzzing.md).
        .library(name: "Transport", targets: ["Transport"]),
        .library(name: "NetworkTransport", targets: ["NetworkTransport"]),
        .library(name: "ConfigurationReading", targets: ["ConfigurationReading"]),
        .library(name: "NetworkSpec", targets: ["NetworkSpec"]),
        .library(name: "BenchmarkSpec", targets: ["BenchmarkSpec"]),
        .library(name: "CapacitySpec", targets: ["CapacitySpec"]),
        .library(name: "NodeCore", targets: ["NodeCore"]),
        .library(name: "NodeProcess", targets: ["NodeProcess"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // MARK: The ledger and its nodes

        // The ledger's primitives, below every other module: the canonical codec, SHA-256 hashes, hexadecimal,
        // signing accounts and signature verification, seeded generators and patient pseudonyms.
        .target(name: "LedgerPrimitives", dependencies: [crypto], swiftSettings: strictSwift),
        // The contracts and the world state they read and write: calls (simple, clinical, Smallbank), their
        // rules and refusals, state keys, versions and a transaction's view. Pure and deterministic.
        .target(name: "Contracts", dependencies: ["LedgerPrimitives"], swiftSettings: strictSwift),
        // Pure, deterministic ledger rules: signed transactions, blocks, validation codes, the ledger that applies
        // blocks, endorsement policies and execute-order-validate's read-write sets and validation.
        .target(name: "LedgerCore", dependencies: ["LedgerPrimitives", "Contracts", crypto], swiftSettings: strictSwift),
        // Consensus as pure state machines: Raft (tick / step / propose / ready / advance) and proof-of-work.
        .target(name: "Consensus", dependencies: ["LedgerPrimitives", "LedgerCore"], swiftSettings: strictSwift),
        // Durable files: the checksummed record file, the block store and the Raft log store (fsync, recovery).
        .target(name: "Storage", dependencies: ["LedgerPrimitives", "LedgerCore", "Consensus"], swiftSettings: strictSwift),
        // Moving frames between nodes: the Transport protocol, the in-process network, thread executors, counters.
        .target(name: "Transport", dependencies: ["LedgerPrimitives"], swiftSettings: strictSwift),
        // Frames between processes: TCP over SwiftNIO, length-prefixed frames, members authenticated by signed challenge.
        .target(name: "NetworkTransport", dependencies: ["LedgerPrimitives", "Transport", logging] + nio, swiftSettings: strictSwift),
        // The nodes' pure cores: Raft orderer, validating peer, block cutter and catch-up, proof-of-work miner and mempool.
        // Deterministic: time and randomness come in as arguments, so simulations step them.
        .target(name: "NodeCore", dependencies: ["LedgerPrimitives", "LedgerCore", "Contracts", "Consensus", "Transport"], swiftSettings: strictSwift),
        // Running nodes: actor shells around the cores (orderer, peer, miner, store), node messages, the federation plan, the node host.
        .target(
            name: "Node", dependencies: ["LedgerPrimitives", "NodeCore", "LedgerCore", "Contracts", "Consensus", "Storage", "Transport", "Monitor", logging], swiftSettings: strictSwift
        ),
        // One node as its own OS process (`vernier node`): the node configuration file and the process's life.
        .target(
            name: "NodeProcess",
            dependencies: ["LedgerPrimitives", "Node", "NetworkTransport", "Transport", "LedgerCore", "Consensus", "Monitor", "CVernierSystem", crypto, logging],
            swiftSettings: strictSwift
        ),
        // The deterministic simulations: the real orderer, Raft and peer code (and proof-of-work) under one seed.
        .target(name: "Simulation", dependencies: ["LedgerPrimitives", "NodeCore", "Consensus", "LedgerCore", "Contracts", "Transport"], swiftSettings: strictSwift),
        // The few Linux calls Swift cannot make itself (variadic C declarations such as prctl).
        .target(name: "CVernierSystem", path: "Sources/CVernierSystem"),

        // MARK: Measuring

        // Resource sampling from /proc and /sys: a node's process or thread, a node process's reading of itself (and the readings nodes report), the machine's CPU and block device.
        .target(name: "Monitor", swiftSettings: strictSwift),
        // Statistics: HdrHistogram latency distributions, Student-t intervals, Welch's test.
        .target(name: "Statistics", dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")], swiftSettings: strictSwift),
        // Strict reading of YAML configuration: anchors and merge keys resolved, every error with its
        // path, line and suggestion, notes for what was read another way (with BenchmarkSpec, the only Yams users).
        .target(
            name: "ConfigurationReading",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift
        ),
        // The federation a benchmark file describes: consensus and its settings, deployment, organisations,
        // hosts and placement, links between sites, storage and node resources, and their strict reading.
        .target(name: "NetworkSpec", dependencies: ["ConfigurationReading", "LedgerCore"], swiftSettings: strictSwift),
        // The benchmark file: models and their strict reading.
        .target(
            name: "BenchmarkSpec",
            dependencies: ["NetworkSpec", "ConfigurationReading", "Transport", "LedgerCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift
        ),
        // The capacity plan: sizes, goal and search settings over a base benchmark file, and their strict reading.
        .target(
            name: "CapacitySpec",
            dependencies: ["BenchmarkSpec", "NetworkSpec", "ConfigurationReading", "Transport", .product(name: "Yams", package: "Yams")],
            swiftSettings: strictSwift
        ),
        // Load: rate schedules, the account pool, workloads, the round runner and the target it fires at.
        .target(name: "Load", dependencies: ["LedgerPrimitives", "BenchmarkSpec", "Statistics", "Node", "LedgerCore", "Contracts", "Transport"], swiftSettings: strictSwift),
        // Federations to measure: in-process and process deployments, the node launcher, the federation client.
        .target(
            name: "Federation",
            dependencies: [
                "LedgerPrimitives",
                "Load", "BenchmarkSpec", "NetworkSpec", "Node", "NodeCore", "NodeProcess", "NetworkTransport", "Transport", "LedgerCore",
                "Consensus", "Monitor", "CVernierSystem", logging,
            ],
            swiftSettings: strictSwift
        ),
        // Results: the typed figure catalog, round figures and summaries, run.json, CSV/HTML/SVG writers, compare.
        .target(
            name: "Results",
            dependencies: ["Statistics", "BenchmarkSpec", "NetworkSpec", "Load", "Monitor", "LedgerCore"],
            swiftSettings: strictSwift
        ),
        // A run: rounds and repetitions on a federation, the ledger check, the results directory.
        .target(
            name: "Benchmark",
            dependencies: ["LedgerPrimitives", "Results", "Federation", "Load", "BenchmarkSpec", "NetworkSpec", "Monitor", "Node", "Transport", "Statistics", "LedgerCore"],
            swiftSettings: strictSwift
        ),
        // Capacity planning: the pure search, saturation analysis, probes on federations, its files.
        .target(
            name: "Capacity",
            dependencies: ["Benchmark", "Federation", "Results", "Load", "BenchmarkSpec", "CapacitySpec", "Statistics", "Monitor", "Transport"],
            swiftSettings: strictSwift
        ),
        // Kubernetes manifests for deployment: hosts federations and their driver (`vernier deploy kubernetes`),
        // written with a small deterministic YAML writer of its own.
        .target(
            name: "KubernetesManifests",
            dependencies: ["Benchmark", "Federation", "BenchmarkSpec", "NetworkSpec"],
            swiftSettings: strictSwift
        ),
        // Micro-benchmarks of the ledger's parts: calibrate, bench-ordering, bench-pow.
        .target(
            name: "Microbench",
            dependencies: ["LedgerPrimitives", "Federation", "Node", "NodeCore", "Storage", "LedgerCore", "Contracts", "Consensus", "Transport", "BenchmarkSpec", "NetworkSpec"],
            swiftSettings: strictSwift
        ),
        // The command line: one thin file per subcommand.
        .executableTarget(
            name: "vernier",
            dependencies: [
                "Benchmark", "Capacity", "KubernetesManifests", "Microbench", "Simulation", "NodeProcess", "Results", "BenchmarkSpec", "CapacitySpec", "ConfigurationReading", "Federation", "CVernierSystem",
                "Load", "Node", "NodeCore", "Consensus", "LedgerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        // A short loopback throughput measurement of the TCP transport (`swift run -c release tcp-throughput`).
        .executableTarget(
            name: "tcp-throughput",
            dependencies: ["LedgerPrimitives", "NetworkTransport", "Transport", logging],
            path: "Sources/TCPThroughput",
            swiftSettings: strictSwift
        ),

        // MARK: Tests: one target per module, plus the command line end to end

        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strictSwift),
        .target(name: "SampleSpecs", dependencies: ["BenchmarkSpec", "CapacitySpec", "ConfigurationReading"], path: "Tests/SampleSpecs", swiftSettings: strictSwift),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerPrimitives", "LedgerCore", "Contracts"], swiftSettings: strictSwift),
        .testTarget(name: "ConsensusTests", dependencies: ["LedgerPrimitives", "Consensus", "LedgerCore"], swiftSettings: strictSwift),
        .testTarget(name: "StorageTests", dependencies: ["LedgerPrimitives", "Storage", "LedgerCore", "Consensus", "TestSupport"], swiftSettings: strictSwift),
        .testTarget(name: "TransportTests", dependencies: ["LedgerPrimitives", "Transport", "LedgerCore"], swiftSettings: strictSwift),
        .testTarget(
            name: "NetworkTransportTests",
            dependencies: ["LedgerPrimitives", "NetworkTransport", "Transport", "LedgerCore", logging] + nio,
            swiftSettings: strictSwift
        ),
        .testTarget(name: "NodeTests", dependencies: ["LedgerPrimitives", "Node", "NodeCore", "LedgerCore", "Consensus", "Monitor", "Transport"], swiftSettings: strictSwift),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "NodeCore", "Consensus"], swiftSettings: strictSwift),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "CVernierSystem"], swiftSettings: strictSwift),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], swiftSettings: strictSwift),
        .testTarget(
            name: "BenchmarkSpecTests", dependencies: ["BenchmarkSpec", "NetworkSpec", "CapacitySpec", "ConfigurationReading", "TestSupport", "SampleSpecs"],
            exclude: ["Fixtures"], swiftSettings: strictSwift
        ),
        .testTarget(name: "LoadTests", dependencies: ["LedgerPrimitives", "Load", "BenchmarkSpec", "Node", "LedgerCore", "Consensus"], swiftSettings: strictSwift),
        .testTarget(
            name: "FederationTests",
            dependencies: ["LedgerPrimitives", "Federation", "BenchmarkSpec", "Load", "Node", "NodeCore", "Storage", "LedgerCore", "Contracts", "Consensus", "Transport", "TestSupport"],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "ResultsTests", dependencies: ["Results", "BenchmarkSpec", "NetworkSpec", "Statistics", "Load", "Monitor"], swiftSettings: strictSwift),
        .testTarget(
            name: "BenchmarkTests",
            dependencies: [
                "LedgerPrimitives",
                "Benchmark", "Results", "Federation", "BenchmarkSpec", "Load", "Statistics", "Node", "NodeCore", "LedgerCore",
                "Consensus", "Transport", "Storage", "TestSupport",
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "CapacityTests",
            dependencies: ["LedgerPrimitives", "Capacity", "Benchmark", "Results", "BenchmarkSpec", "CapacitySpec", "ConfigurationReading", "Load", "Monitor", "Statistics", "LedgerCore", "SampleSpecs"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "KubernetesManifestsTests",
            dependencies: [
                "KubernetesManifests", "Benchmark", "Federation", "BenchmarkSpec", "NodeProcess", "LedgerPrimitives", "TestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "VernierTests",
            dependencies: [
                "LedgerPrimitives",
                "vernier", "Federation", "KubernetesManifests", "NodeProcess", "Results", "BenchmarkSpec", "Load", "Node", "NodeCore", "LedgerCore",
                "Consensus", "Transport", "NetworkTransport", "Monitor", logging,
            ],
            swiftSettings: strictSwift
        ),
    ]
)
