public import LedgerCore
public import LedgerPrimitives
public import Monitor
public import Node
public import Transport
import Consensus

/// A running federation the driver loads, whatever runs its nodes: threads in this process
/// (``InProcessFederation``) or one OS process per node (``ProcessFederation``).
public protocol BenchmarkFederation: AnyObject, Sendable, FaultInjecting {
    var plan: FederationPlan { get }
    /// The driver's client: submits, awaits commit events and asks queries.
    var client: FederationClient { get }
    /// Where account `index` submits its transactions.
    func submitter(forAccount index: Int) -> NodeAddress
    /// Whose commit events account `index` listens to.
    func listener(forAccount index: Int) -> NodeAddress
    /// The ledger's next nonce of `address`, read from a node that keeps the state.
    func nextNonce(of address: Address) async -> UInt64?
    /// Waits until the federation can take transactions; nil if it cannot within `timeout`.
    func awaitLeader(timeout: Duration) async -> NodeAddress?
    /// Brings the federation to rest before its nodes are compared; false if they still differ.
    func settle(timeout: Duration) async -> Bool
    /// Lets the federation take load again after ``settle(timeout:)``.
    func resumeAfterSettle() async
    /// Every node's height, head and (where kept) state digest.
    func chainStates() async -> [NodeChainState]
    /// One node's height, head and state digest, if it answers within half a second.
    func chainState(of node: NodeAddress) async -> NodeChainState?
    /// Stops every node and the client.
    func stop() async
    /// Threads of this process that run nodes, whose CPU is not the driver's.
    var nodeThreadIDs: Set<Int32> { get }
    /// What the resource monitor samples: each node, and the driver's whole process as `process`.
    func monitoredNodes() -> [MonitoredNode]
    /// Each node's operating-system process id, when nodes run as processes.
    func nodeProcessIds() async -> [String: Int32]
    /// Nodes that ended since the last call without a planned fault asking for it (killed from
    /// outside, crashed), each reported once.
    func unplannedExits() async -> [(node: NodeAddress, exit: NodeExit)]
    /// How many times each of `ids` is in `node`'s stored chain; nil if the node did not answer.
    func transactionCounts(of ids: [Hash256], on node: NodeAddress) async -> TransactionCounts?
}

extension InProcessFederation: BenchmarkFederation {
    public var nodeThreadIDs: Set<Int32> { Set(nodes.map(\.executor.threadID)) }

    /// Every node's thread (CPU), the shared process (memory), the node's transport (network) and
    /// stores (disk), and the whole process as `process`.
    public func monitoredNodes() -> [MonitoredNode] {
        var monitored = nodes.map { node in
            MonitoredNode(name: node.address.name, source: .thread(tid: node.executor.threadID)) {
                let traffic = node.traffic
                let storage = node.storageCounters
                return NodeCounters(bytesIn: UInt64(traffic.bytesReceived), bytesOut: UInt64(traffic.bytesSent),
                                    diskRead: storage.bytesRead, diskWritten: storage.bytesWritten)
            }
        }
        monitored.append(MonitoredNode(name: "process", source: .currentProcess))
        return monitored
    }

    public func nodeProcessIds() async -> [String: Int32] { [:] }

    /// In process a node cannot end on its own without ending the driver with it: a node stops
    /// only when the driver stops it.
    public func unplannedExits() async -> [(node: NodeAddress, exit: NodeExit)] { [] }

    public func chainState(of address: NodeAddress) async -> NodeChainState? {
        guard let node = nodes.first(where: { $0.address == address }) else { return nil }
        return NodeChainState(address: address, height: await node.height, headHash: await node.headHash,
                              stateDigest: await node.stateDigest)
    }

    public func transactionCounts(of ids: [Hash256], on address: NodeAddress) async -> TransactionCounts? {
        guard let node = nodes.first(where: { $0.address == address }) else { return nil }
        do {
            return TransactionCounts(counts: try await node.transactionOccurrences(of: ids), failure: nil)
        } catch {
            return TransactionCounts(counts: [], failure: "its block store could not be read: \(error)")
        }
    }
}

/// Why a federation could not start or be changed, with the reason.
struct FederationError: Error, CustomStringConvertible {
    public var description: String
}
