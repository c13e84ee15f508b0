public import NetworkSpec
import ConfigurationReading
public import NetworkSpec
/// A benchmark file, decoded and checked: the federation to start and the rounds to fire at it.
public struct BenchmarkConfiguration: Sendable, Hashable, Encodable {
    /// The benchmark's name; it becomes a directory name, so only `[A-Za-z0-9._-]`.
    public var name: String
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// The federation of ledger nodes: the file's `network`, or the first of its `networks`.
    public var network: NetworkConfiguration
    /// The federations the file names under `networks`, in file order (the first is also
    /// `network`); nil when it declares one `network`.
    public var networks: [NamedNetwork]? = nil
    /// The number of signing accounts, each with its own nonce.
    public var accounts: Int
    /// How many transactions of one account may be in flight at once.
    public var nonceWindow: Int
    /// How many times every round is repeated.
    public var repetitions: Int
    /// Run every repetition on the same federation (state carries over) instead of a fresh one.
    public var reuseFederation: Bool = false
    /// How long one transaction may take before it counts as timed out (`transactionTimeout`);
    /// nil leaves it to the command line (30 s by default).
    public var transactionTimeout: Duration?
    /// The confidence level of reported intervals, strictly between 0 and 1.
    public var confidence: Double
    /// Resource sampling settings.
    public var monitor: MonitorSettings
    /// The rounds, in the order they run.
    public var rounds: [Round]
    /// Top-level keys the file uses only to hold a YAML anchor that it references elsewhere
    /// (Caliper's `simpleArgs: &simple-args`), accepted and listed by `vernier validate`.
    public var anchorBlocks: [String] = []
    /// How constructs were read that the file writes another way (Caliper's), and what it gives
    /// that vernier does not use, one line each as `file:line:col: path: note`.
    public var readingNotes: [String] = []

    /// Creates a configuration; defaults match the file's defaults.
    public init(
        name: String,
        seed: UInt64 = 42,
        network: NetworkConfiguration,
        accounts: Int = 100,
        nonceWindow: Int = 1,
        repetitions: Int = 1,
        confidence: Double = 0.95,
        monitor: MonitorSettings = MonitorSettings(),
        rounds: [Round]
    ) {
        self.name = name
        self.seed = seed
        self.network = network
        self.accounts = accounts
        self.nonceWindow = nonceWindow
        self.repetitions = repetitions
        self.confidence = confidence
        self.monitor = monitor
        self.rounds = rounds
    }
}

/// A federation a benchmark file names under `networks`, so that rounds can choose it.
public struct NamedNetwork: Sendable, Hashable, Encodable {
    /// The name rounds choose it by (`network: <name>`, or a grid's `network` list).
    public var name: String
    /// The federation.
    public var configuration: NetworkConfiguration

    /// Creates a named network.
    public init(name: String, configuration: NetworkConfiguration) {
        self.name = name
        self.configuration = configuration
    }
}

extension BenchmarkConfiguration {
    /// Every federation the rounds run on, in file order: the named `networks`, or the one
    /// `network`, named after its consensus (`raft`, `pow`, `none`).
    public var federations: [NamedNetwork] {
        networks ?? [NamedNetwork(name: network.consensus.name, configuration: network)]
    }

    /// The federation a round runs on: the one it names, else the first.
    public func federation(of round: Round) -> NamedNetwork {
        let all = federations
        return round.network.flatMap { name in all.first { $0.name == name } } ?? all[0]
    }
}
