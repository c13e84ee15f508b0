public import LedgerCore
public import Transport
import Foundation

/// Everything needed to start a federation: who is in it, their settings, where they keep data.
public struct FederationPlan: Sendable {
    public var genesis: GenesisConfiguration
    public var members: FederationMembers
    public var orderer: OrdererOptions
    /// Each node keeps its files in `<directory>/<node name>`.
    public var directory: String
    public var fsync: Bool
    public var links: LinkSettings
    public var seed: UInt64

    public init(genesis: GenesisConfiguration, members: FederationMembers, orderer: OrdererOptions,
                directory: String, fsync: Bool = true, links: LinkSettings = LinkSettings(), seed: UInt64) {
        self.genesis = genesis
        self.members = members
        self.orderer = orderer
        self.directory = directory
        self.fsync = fsync
        self.links = links
        self.seed = seed
    }
}

/// What one node holds at a moment: the figures a run compares across nodes at its end.
public struct NodeChainState: Sendable, Hashable {
    public var address: NodeAddress
    public var height: UInt64
    public var headHash: Hash256
    /// Peers only: orderers keep no world state.
    public var stateDigest: Hash256?
}

/// A federation of orderers and peers inside this process, each node on its own thread, talking
/// through an in-process network that can delay, drop and partition; with one client.
public final class InProcessFederation: Sendable {
    public let plan: FederationPlan
    public let network: InProcessNetwork
    public let orderers: [OrdererNode]
    public let peers: [PeerNode]
    public let client: FederationClient
    private let clientTask: Task<Void, Never>

    /// Creates every node's directory and stores, starts the nodes and the client.
    public static func start(_ plan: FederationPlan) async throws -> InProcessFederation {
        let network = InProcessNetwork(seed: plan.seed, links: plan.links)
        func directory(for address: NodeAddress) throws -> NodeStorage {
            let path = plan.directory + "/" + address.name
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            return NodeStorage(directory: path, fsync: plan.fsync)
        }
        let orderers = try plan.members.orderers.enumerated().map { index, address in
            try OrdererNode(index: index, members: plan.members, genesis: plan.genesis, options: plan.orderer,
                            storage: try directory(for: address), endpoint: network.endpoint(for: address), seed: plan.seed)
        }
        let peers = try plan.members.peers.enumerated().map { index, address in
            try PeerNode(index: index, members: plan.members, genesis: plan.genesis,
                         storage: try directory(for: address), endpoint: network.endpoint(for: address))
        }
        let client = FederationClient(endpoint: network.endpoint(for: NodeAddress("client0")))
        return await InProcessFederation(plan: plan, network: network, orderers: orderers, peers: peers, client: client)
    }

    private init(plan: FederationPlan, network: InProcessNetwork, orderers: [OrdererNode], peers: [PeerNode],
                 client: FederationClient) async {
        self.plan = plan
        self.network = network
        self.orderers = orderers
        self.peers = peers
        self.client = client
        clientTask = Task { await client.run() }
        for orderer in orderers { await orderer.start() }
        for peer in peers { await peer.start() }
        client.subscribe(to: plan.members.peers)
    }

    /// Stops every node and the client, and shuts the network down.
    public func stop() async {
        for orderer in orderers { await orderer.stop() }
        for peer in peers { await peer.stop() }
        client.stop()
        network.shutdown()
        await clientTask.value
    }

    /// Crashes a node: it stops at once and the network drops everything to and from it.
    public func crash(_ address: NodeAddress) async {
        network.disconnect(address)
        if let orderer = orderers.first(where: { $0.address == address }) { await orderer.stop(reason: "crashed") }
        if let peer = peers.first(where: { $0.address == address }) { await peer.stop(reason: "crashed") }
    }

    /// The orderer that leads in the highest term among running orderers, if any leads.
    public func leader() async -> NodeAddress? {
        var best: (term: UInt64, address: NodeAddress)?
        for orderer in orderers where await orderer.stopReason == nil {
            if await orderer.role == .leader {
                let term = await orderer.term
                if best == nil || term > best!.term { best = (term, orderer.address) }
            }
        }
        return best?.address
    }

    /// Waits until some running orderer leads; nil if none does within `timeout`.
    public func awaitLeader(timeout: Duration) async -> NodeAddress? {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            if let leader = await leader() { return leader }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Every node's height, head and (for peers) state digest.
    public func chainStates() async -> [NodeChainState] {
        var states: [NodeChainState] = []
        for orderer in orderers {
            states.append(NodeChainState(address: orderer.address, height: await orderer.height,
                                         headHash: await orderer.headHash, stateDigest: nil))
        }
        for peer in peers {
            states.append(NodeChainState(address: peer.address, height: await peer.height,
                                         headHash: await peer.headHash, stateDigest: await peer.stateDigest))
        }
        return states
    }

    /// Waits until every running peer reaches `height`; false if they do not within `timeout`.
    public func awaitPeers(height: UInt64, timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline {
            var reached = true
            for peer in peers where await peer.stopReason == nil {
                if await peer.height < height { reached = false }
            }
            if reached { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
