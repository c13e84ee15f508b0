import ConfigurationReading
/// How the nodes of a federation are run.
public enum Deployment: String, Sendable, Hashable, Encodable, CaseIterable {
    /// Every node in the driver's process.
    case inProcess = "in-process"
    /// One operating-system process per node, children of the driver on its machine.
    case processes
    /// Nodes already running on the hosts the file names, started by something else
    /// (`vernier deploy files` writes their configuration); the driver only connects.
    case hosts
}
