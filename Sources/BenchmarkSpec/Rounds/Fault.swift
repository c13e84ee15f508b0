import ConfigurationReading
/// A fault a round injects at a time from its start (`faults:` in a round).
public struct Fault: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// When, from the round's start.
    public var at: Duration
    public var action: FaultAction
    /// How long it lasts, for faults that end on their own (`for`: pause, partition, slow).
    public var duration: Duration?

    public init(at: Duration, action: FaultAction, duration: Duration? = nil) {
        self.at = at
        self.action = action
        self.duration = duration
    }

    /// When it ends, for faults with a `for`.
    public var end: Duration? { duration.map { at + $0 } }

    public var description: String {
        "at \(at.benchmarkText): \(action)" + (duration.map { " for \($0.benchmarkText)" } ?? "")
    }
}

/// What a fault does.
public enum FaultAction: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// Kills the node at once (SIGKILL as a process; in process it stops and leaves the network).
    case crash(FaultTarget)
    /// Starts again, from its disk, the node crashed most recently under the same target.
    case restart(FaultTarget)
    /// Stops the node taking work (SIGSTOP; in process its thread takes no work), then lets it go on.
    case pause(FaultTarget)
    /// Cuts the network into groups that cannot reach one another; `rest` is every node not named.
    case partition([[String]])
    /// Adds latency to every frame to and from the node.
    case slow(FaultTarget, latency: Duration)

    /// The fault kinds, as the file names them.
    public static let kinds = ["crash", "restart", "pause", "partition", "slow"]

    public var kind: String {
        switch self {
        case .crash: "crash"
        case .restart: "restart"
        case .pause: "pause"
        case .partition: "partition"
        case .slow: "slow"
        }
    }

    public var description: String {
        switch self {
        case .crash(let target): "crash \(target)"
        case .restart(let target): "restart \(target)"
        case .pause(let target): "pause \(target)"
        case .partition(let groups): "partition " + groups.map { "[" + $0.joined(separator: ", ") + "]" }.joined(separator: " | ")
        case .slow(let target, let latency): "slow \(target) by \(latency.benchmarkText)"
        }
    }
}

/// Which node a fault hits: a name, or a selector resolved when the fault fires.
public enum FaultTarget: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// A node by name (`peer1.org2`).
    case node(String)
    /// The Raft leader at the fault's time (`orderer-leader`).
    case ordererLeader
    /// A Raft follower at the fault's time, chosen by the seed (`orderer-follower`).
    case ordererFollower
    /// The `index`-th node of a role in the seed's shuffle of that role (`peer`, `peer:2`, `miner`,
    /// `store`): the same file and seed always hit the same node.
    case role(String, index: Int)

    /// The roles a selector may name.
    public static let roles = ["orderer", "peer", "miner", "store"]

    public var description: String {
        switch self {
        case .node(let name): name
        case .ordererLeader: "orderer-leader"
        case .ordererFollower: "orderer-follower"
        case .role(let role, let index): index == 0 ? role : "\(role):\(index)"
        }
    }
}
