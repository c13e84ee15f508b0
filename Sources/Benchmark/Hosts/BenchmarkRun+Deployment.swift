public import NetworkSpec
public import BenchmarkSpec
public import Federation
public import LedgerCore
import LedgerPrimitives
import Node

extension BenchmarkRun {
    /// The genesis every federation of `configuration` starts from: its name as the chain id, and
    /// the regulator the workloads sign with (account 0 of the file's seed).
    public static func genesis(of configuration: BenchmarkConfiguration) -> GenesisConfiguration {
        GenesisConfiguration(chainId: configuration.name,
                             regulator: SigningAccount.deterministic(seed: configuration.seed, index: 0).address)
    }

    /// The seed of repetition `repetition`'s federation (its nodes' simulated links and timers).
    public static func federationSeed(of configuration: BenchmarkConfiguration, repetition: Int) -> UInt64 {
        configuration.seed &+ UInt64(repetition) &* 0x9E37_79B9_7F4A_7C15
    }

    /// The files that start each `deployment: hosts` federation of `configuration`, by network
    /// name: fresh keys, data under `dataDirectory/<node>` on each host, and each node where
    /// `locations` places it (by default the file's hosts and placement; `vernier deploy kubernetes`
    /// gives each node its pod's DNS name instead). Every repetition uses these same nodes, so the
    /// plan takes repetition 0's seed.
    public static func hostDeployments(
        of configuration: BenchmarkConfiguration, dataDirectory: String,
        locations: (NamedNetwork) throws -> [NodeLocation] = fileLocations(of:)
    ) throws -> [(network: String, deployment: HostDeployment)] {
        let genesis = genesis(of: configuration)
        let hosted = configuration.federations.filter { $0.configuration.deployment == .hosts }
        guard !hosted.isEmpty else {
            throw HostDeploymentError(description: "no network of \(configuration.name) has deployment: hosts")
        }
        return try hosted.map { named in
            let placed = try locations(named)
            let plan = FederationPlan(network: named.configuration, genesis: genesis, directory: dataDirectory,
                                      seed: federationSeed(of: configuration, repetition: 0))
            return (named.name, try HostDeployment.make(plan: plan, locations: placed,
                                                        networkDigest: named.configuration.deploymentDigest))
        }
    }

    /// Where the file's hosts and placement put each node of `named`, in start order.
    public static func fileLocations(of named: NamedNetwork) throws -> [NodeLocation] {
        guard let locations = named.configuration.nodeLocations else {
            throw HostDeploymentError(description: "network \(named.name) has no hosts")
        }
        return locations
    }
}
