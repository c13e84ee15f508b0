/// A node that ended without a planned fault asking for it: killed from outside, crashed, or
/// exited on its own. Any incident fails the run.
public struct NodeIncident: Sendable, Hashable, Codable {
    public var node: String
    /// The named network the node belongs to, when the file names several.
    public var network: String?
    /// When the driver noticed it, in seconds since the repetition started.
    public var seconds: Double
    /// The round running then, if any.
    public var round: String?
    /// How it ended, in words (`killed by signal 9`, `exited with status 1`).
    public var cause: String
    public var exitStatus: Int32?
    public var signal: Int32?

    public init(node: String, network: String?, seconds: Double, round: String?, cause: String, exitStatus: Int32?, signal: Int32?) {
        self.node = node
        self.network = network
        self.seconds = seconds
        self.round = round
        self.cause = cause
        self.exitStatus = exitStatus
        self.signal = signal
    }

    /// One line for the terminal and the report.
    public var line: String {
        (network.map { "\($0): " } ?? "") + "\(node) \(cause) at \(String(format: "%.1f", seconds)) s"
            + (round.map { " (round \($0))" } ?? " (between rounds)")
    }
}

/// A node that started but whose chain the end-of-run ledger check could not read, and why.
public struct UncheckedNode: Sendable, Hashable, Codable {
    public var name: String
    public var network: String?
    public var reason: String

    public init(name: String, network: String?, reason: String) {
        self.name = name
        self.network = network
        self.reason = reason
    }
}
