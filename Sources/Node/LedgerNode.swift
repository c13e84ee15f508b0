public import LedgerCore
public import LedgerPrimitives
public import Transport
public import Storage
/// What a run needs from any running node, whatever its consensus: to start and stop it, and to
/// read its chain position at the end.
public protocol LedgerNode: Actor {
    nonisolated var address: NodeAddress { get }
    /// The thread the node runs on (its CPU is the node's own).
    nonisolated var executor: ThreadExecutor { get }
    nonisolated var traffic: TrafficCounters { get }
    /// Bytes the node's stores read and wrote, published as they change.
    nonisolated var storageCounters: StorageCounters { get }
    func start()
    func stop(reason: String) async
    var stopReason: String? { get }
    var height: UInt64 { get }
    var headHash: Hash256 { get }
    /// The world state's digest, for nodes that keep the state.
    var stateDigest: Hash256? { get }
    /// The next nonce of an account on this node's state, if it keeps the state.
    func nextNonce(of address: Address) -> UInt64?
    /// How many times each of `ids` is in this node's stored chain, read back from its block store
    /// (for proof-of-work, the final blocks); throws when the store cannot be read.
    func transactionOccurrences(of ids: [Hash256]) throws -> [Int]
}

extension OrdererNode: LedgerNode {
    public var stateDigest: Hash256? { nil }
    public func nextNonce(of address: Address) -> UInt64? { nil }
}

extension PeerNode: LedgerNode {
    public var stateDigest: Hash256? { digest }
}
