import ConfigurationReading
/// The federation: consensus, how nodes are deployed, organisations, links and storage.
public struct NetworkConfiguration: Sendable, Hashable, Encodable {
    /// The consensus protocol with its settings.
    public var consensus: ConsensusConfiguration
    /// Whether nodes share the driver's process, run one process each, or run on hosts.
    public var deployment: Deployment
    /// The organisations and their peers (empty only with `consensus: none`).
    public var organizations: [Organization]
    /// The simulated network links between nodes.
    public var links: LinkConfiguration
    /// How nodes write to disk.
    public var storage: StorageSettings
    /// The machines and the nodes' places on them; set exactly when the deployment is `hosts`.
    public var hosts: HostsConfiguration?
    /// What each node may use (requests equal limits); only with the deployment `hosts`, nil: unlimited.
    public var resources: NodeResourceLimits?

    /// Creates a network configuration.
    public init(
        consensus: ConsensusConfiguration,
        deployment: Deployment = .inProcess,
        organizations: [Organization] = [],
        links: LinkConfiguration = LinkConfiguration(),
        storage: StorageSettings = StorageSettings(),
        hosts: HostsConfiguration? = nil,
        resources: NodeResourceLimits? = nil
    ) {
        self.consensus = consensus
        self.deployment = deployment
        self.organizations = organizations
        self.links = links
        self.storage = storage
        self.hosts = hosts
        self.resources = resources
    }
}
