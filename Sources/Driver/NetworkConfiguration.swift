/// The federation: consensus, how nodes are deployed, organisations, links and storage.
public struct NetworkConfiguration: Sendable, Hashable {
    /// The consensus protocol with its settings.
    public var consensus: Consensus
    /// Whether nodes share the driver's process or run one process each.
    public var deployment: Deployment
    /// The organisations and their peers (empty only with `consensus: none`).
    public var organizations: [Organization]
    /// The simulated network links between nodes.
    public var links: LinkSettings
    /// How nodes write to disk.
    public var storage: StorageSettings

    /// Creates a network configuration.
    public init(
        consensus: Consensus,
        deployment: Deployment = .inProcess,
        organizations: [Organization] = [],
        links: LinkSettings = LinkSettings(),
        storage: StorageSettings = StorageSettings()
    ) {
        self.consensus = consensus
        self.deployment = deployment
        self.organizations = organizations
        self.links = links
        self.storage = storage
    }
}

/// How the nodes of a federation are run.
public enum Deployment: String, Sendable, Hashable, CaseIterable {
    /// Every node in the driver's process.
    case inProcess = "in-process"
    /// One operating-system process per node.
    case processes
}

/// One organisation of the federation, with its peers.
public struct Organization: Sendable, Hashable {
    /// The organisation's name, `[a-z0-9-]+`, unique in the federation.
    public var name: String
    /// The number of peers it runs, 1 to 64.
    public var peers: Int

    /// Creates an organisation.
    public init(name: String, peers: Int) {
        self.name = name
        self.peers = peers
    }
}

/// The simulated links between nodes.
public struct LinkSettings: Sendable, Hashable {
    /// The one-way delay added to every message.
    public var latency: Duration
    /// The largest random deviation added to the latency.
    public var jitter: Duration
    /// The probability, in `0..<1`, that a message is dropped.
    public var loss: Double

    /// Creates link settings; the default is a perfect link.
    public init(latency: Duration = .zero, jitter: Duration = .zero, loss: Double = 0) {
        self.latency = latency
        self.jitter = jitter
        self.loss = loss
    }
}

/// How nodes persist what they commit.
public struct StorageSettings: Sendable, Hashable {
    /// Whether writes are flushed to the device; false only for experiments.
    public var fsync: Bool

    /// Creates storage settings.
    public init(fsync: Bool = true) {
        self.fsync = fsync
    }
}
