// swift-tools-version:6.1
// Coverage-guided fuzz targets for vernier's readers of untrusted bytes (docs/fuzzing.md).
//
// A package of its own so that the root `swift build` never builds them. Each fuzz target is an
// executable whose entry point hands its `LLVMFuzzerTestOneInput` to libFuzzer's driver; build them
// with `scripts/fuzz`, which passes `-sanitize=fuzzer,address -parse-as-library -enable-testing`.
// `seed-corpus` writes the committed seed corpora (`scripts/fuzz seeds`).

import PackageDescription

let strictSwift: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let vernier = "vernier"
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOEmbedded", package: "swift-nio"),
]
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")

/// One fuzz target: `Sources/<name>/`, linked with libFuzzer when built by `scripts/fuzz`.
func fuzzTarget(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: ["FuzzSupport"] + dependencies, swiftSettings: strictSwift)
}

let package = Package(
    name: "vernier-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-frame-decoder", targets: ["fuzz-frame-decoder"]),
        .executable(name: "fuzz-handshake", targets: ["fuzz-handshake"]),
        .executable(name: "fuzz-transaction-codec", targets: ["fuzz-transaction-codec"]),
        .executable(name: "fuzz-block-codec", targets: ["fuzz-block-codec"]),
        .executable(name: "fuzz-raft-codec", targets: ["fuzz-raft-codec"]),
        .executable(name: "fuzz-node-message-codec", targets: ["fuzz-node-message-codec"]),
        .executable(name: "fuzz-benchmark-file", targets: ["fuzz-benchmark-file"]),
        .executable(name: "fuzz-capacity-plan", targets: ["fuzz-capacity-plan"]),
        .executable(name: "fuzz-node-configuration", targets: ["fuzz-node-configuration"]),
        .executable(name: "seed-corpus", targets: ["seed-corpus"]),
    ],
    dependencies: [
        .package(name: vernier, path: ".."),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // What every target shares: the input as bytes and the property checks that stop the fuzzer.
        .target(
            name: "FuzzSupport",
            dependencies: [.product(name: "LedgerPrimitives", package: vernier)],
            swiftSettings: strictSwift
        ),
        fuzzTarget("fuzz-frame-decoder", [.product(name: "NetworkTransport", package: vernier)] + nio),
        fuzzTarget("fuzz-handshake", [
            .product(name: "NetworkTransport", package: vernier), .product(name: "Transport", package: vernier),
            .product(name: "LedgerPrimitives", package: vernier), logging,
        ] + nio),
        fuzzTarget("fuzz-transaction-codec", [
            .product(name: "LedgerCore", package: vernier), .product(name: "Contracts", package: vernier),
            .product(name: "LedgerPrimitives", package: vernier),
        ]),
        fuzzTarget("fuzz-block-codec", [
            .product(name: "LedgerCore", package: vernier), .product(name: "LedgerPrimitives", package: vernier),
        ]),
        fuzzTarget("fuzz-raft-codec", [
            .product(name: "Consensus", package: vernier), .product(name: "LedgerPrimitives", package: vernier),
        ]),
        fuzzTarget("fuzz-node-message-codec", [
            .product(name: "Node", package: vernier), .product(name: "LedgerPrimitives", package: vernier),
        ]),
        fuzzTarget("fuzz-benchmark-file", [
            .product(name: "BenchmarkSpec", package: vernier), .product(name: "ConfigurationReading", package: vernier),
        ]),
        fuzzTarget("fuzz-capacity-plan", [
            .product(name: "CapacitySpec", package: vernier), .product(name: "BenchmarkSpec", package: vernier),
            .product(name: "ConfigurationReading", package: vernier),
        ]),
        fuzzTarget("fuzz-node-configuration", [.product(name: "NodeProcess", package: vernier)]),
        // Writes Corpus/<target>/ from real values: encoded ledger and Raft values, handshake scripts,
        // node configurations. Run by `scripts/fuzz seeds`; the YAML seeds are the repository's own files.
        .executableTarget(
            name: "seed-corpus",
            dependencies: [
                .product(name: "LedgerPrimitives", package: vernier), .product(name: "LedgerCore", package: vernier),
                .product(name: "Consensus", package: vernier), .product(name: "Node", package: vernier),
                .product(name: "NodeCore", package: vernier),
                .product(name: "NodeProcess", package: vernier), .product(name: "Transport", package: vernier),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
