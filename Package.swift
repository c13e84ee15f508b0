// swift-tools-version:6.1
// vernier: a benchmark harness for ledgers, shaped for hospital federations.

import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "vernier",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vernier", targets: ["vernier"]),
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "Transport", targets: ["Transport"]),
        .library(name: "NetworkTransport", targets: ["NetworkTransport"]),
        .library(name: "Node", targets: ["Node"]),
        .library(name: "Report", targets: ["Report"]),
        .library(name: "Driver", targets: ["Driver"]),
        .library(name: "Consensus", targets: ["Consensus"]),
        .library(name: "Monitor", targets: ["Monitor"]),
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
        // Pure, deterministic ledger rules: codec, transactions, blocks, world state, contracts.
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictSwift
        ),
        // Consensus as pure state machines: Raft (tick / step / propose / ready / advance).
        .target(
            name: "Consensus",
            dependencies: ["LedgerCore"],
            swiftSettings: strictSwift
        ),
        // Moving frames between nodes: the in-process network, thread-backed executors, counters.
        .target(
            name: "Transport",
            dependencies: ["LedgerCore"],
            swiftSettings: strictSwift
        ),
        // Frames between processes: TCP over SwiftNIO, length-prefixed frames, members authenticated by signed challenge.
        .target(
            name: "NetworkTransport",
            dependencies: [
                "Transport", "LedgerCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // A short loopback throughput measurement of the TCP transport (`swift run -c release tcp-throughput`).
        .executableTarget(
            name: "tcp-throughput",
            dependencies: ["NetworkTransport", "Transport", "LedgerCore", .product(name: "Logging", package: "swift-log")],
            path: "Sources/TCPThroughput",
            swiftSettings: strictSwift
        ),
        // Node roles (orderer, peer), their pure cores and shells, the block store and the Raft log.
        .target(
            name: "Node",
            dependencies: ["LedgerCore", "Consensus", "Transport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift
        ),
        // Per-node resource sampling from /proc: a process, or a thread for in-process nodes.
        .target(
            name: "Monitor",
            path: "Sources/Monitor",
            swiftSettings: strictSwift
        ),
        // Statistics and reports: latency distributions (HdrHistogram), later intervals and files.
        .target(
            name: "Report",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: strictSwift
        ),
        // The benchmark file, and later the fleet, accounts, rate controllers and round runner.
        .target(
            name: "Driver",
            dependencies: [
                "LedgerCore", "Consensus", "Transport", "NetworkTransport", "Node", "Report", "Monitor", "CVernierSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift
        ),
        // The few Linux calls Swift cannot make itself (variadic C declarations such as prctl).
        .target(name: "CVernierSystem", path: "Sources/CVernierSystem"),
        // The command line.
        .executableTarget(
            name: "vernier",
            dependencies: [
                "Driver", "Node", "LedgerCore", "Transport", "NetworkTransport", "CVernierSystem",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "LedgerCoreTests", dependencies: ["LedgerCore"], swiftSettings: strictSwift),
        .testTarget(name: "ConsensusTests", dependencies: ["Consensus", "LedgerCore"], swiftSettings: strictSwift),
        .testTarget(name: "NodeTests", dependencies: ["Node", "LedgerCore", "Consensus", "Transport"], swiftSettings: strictSwift),
        .testTarget(name: "TransportTests", dependencies: ["Transport", "LedgerCore"], swiftSettings: strictSwift),
        .testTarget(
            name: "NetworkTransportTests",
            dependencies: [
                "NetworkTransport", "Transport", "LedgerCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(name: "MonitorTests", dependencies: ["Monitor", "CVernierSystem"], swiftSettings: strictSwift),
        .testTarget(name: "ReportTests", dependencies: ["Report"], swiftSettings: strictSwift),
        .testTarget(
            name: "DriverTests", dependencies: ["Driver", "Node", "LedgerCore", "Transport", "Consensus", "Report"],
            exclude: ["Fixtures"], swiftSettings: strictSwift
        ),
        .testTarget(
            name: "VernierTests",
            dependencies: [
                "vernier", "Driver", "Node", "LedgerCore", "Transport", "NetworkTransport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
