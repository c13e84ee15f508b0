/// What each node of a `deployment: hosts` federation may use (`network.resources`): the same
/// amount is requested and is the limit, for every node.
///
/// `vernier deploy kubernetes` writes it as each node container's requests and limits; with both
/// set, every node runs in Kubernetes' Guaranteed class. `vernier deploy files` leaves enforcing it
/// to whatever starts the nodes.
public struct NodeResourceLimits: Sendable, Hashable, Encodable {
    /// CPU in thousandths of a core (Kubernetes' millicores); nil: not limited.
    public var cpuMillicores: Int?
    /// Memory in bytes; nil: not limited.
    public var memoryBytes: Int?

    /// Creates node resources; at least one should be set.
    public init(cpuMillicores: Int? = nil, memoryBytes: Int? = nil) {
        self.cpuMillicores = cpuMillicores
        self.memoryBytes = memoryBytes
    }

    /// The most CPU a node may be given: 1,024 cores.
    public static let largestCpuMillicores = 1_024_000
    /// The least memory a node may be given: 1 MiB (a node needs far more; below this it is a typo).
    public static let smallestMemoryBytes = 1 << 20
}
