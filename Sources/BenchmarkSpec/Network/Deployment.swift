import ConfigurationReading
/// How the nodes of a federation are run.
public enum Deployment: String, Sendable, Hashable, Encodable, CaseIterable {
    /// Every node in the driver's process.
    case inProcess = "in-process"
    /// One operating-system process per node.
    case processes
}
