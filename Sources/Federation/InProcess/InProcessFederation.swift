public import LedgerCore
public import LedgerPrimitives
public import Transport
import Foundation
public import Node

/// What one node holds at a moment: the figures a run compares across nodes at its end.
public struct NodeChainState: Sendable, Hashable {
    public var address: NodeAddress
    public var height: UInt64
    public var headHash: Hash256
    /// Nodes that keep the world state only (not Raft orderers).
    public var stateDigest: Hash256?

    public init(address: NodeAddress, height: UInt64, headHash: Hash256, stateDigest: Hash256?) {
        self.address = address
        self.height = height
        self.headHash = headHash
        self.stateDigest = stateDigest
    }
}

/// A federation inside this process, each node on its own thread, talking through an in-process
/// network that can delay, drop and partition; with one client.
public final class InProcessFederation: Sendable {
    public let plan: FederationPlan
    public let network: InProcessNetwork
    /// Raft only.
    public let orderers: [OrdererNode]
    /// Raft only.
    public let peers: [PeerNode]
    /// Proof-of-work only: miners first, then full nodes.
    public let proofOfWorkNodes: [ProofOfWorkNode]
    /// The no-ledger baseline only.
    public let store: StoreNode?
    /// Every node, whatever its kind.
    public let nodes: [any LedgerNode]
    public let client: FederationClient
    /// The nodes clients submit to and listen to.
    private let submitters: [NodeAddress]
    private let listeners: [any LedgerNode]
    private let clientTask: Task<Void, Never>

    /// Creates every node's directory and stores, starts the nodes and the client.
    public static func start(_ plan: FederationPlan) async throws -> InProcessFederation {
        let network = InProcessNetwork(seed: plan.seed, links: plan.links)
        for link in plan.linkOverrides ?? [] {
            network.setLink(from: link.source, to: link.destination, settings: link.settings)
        }
        var orderers: [OrdererNode] = []
        var peers: [PeerNode] = []
        var proofOfWorkNodes: [ProofOfWorkNode] = []
        var store: StoreNode?
        for address in plan.nodeAddresses {
            let node = try plan.makeNode(address, endpoint: network.endpoint(for: address))
            switch node {
            case let orderer as OrdererNode: orderers.append(orderer)
            case let peer as PeerNode: peers.append(peer)
            case let miner as ProofOfWorkNode: proofOfWorkNodes.append(miner)
            case let storeNode as StoreNode: store = storeNode
            default: preconditionFailure("unknown node kind \(type(of: node))")
            }
        }
        let client = FederationClient(endpoint: network.endpoint(for: NodeAddress("client0")))
        return await InProcessFederation(plan: plan, network: network, orderers: orderers, peers: peers,
                                         proofOfWorkNodes: proofOfWorkNodes, store: store, client: client)
    }

    private init(plan: FederationPlan, network: InProcessNetwork, orderers: [OrdererNode], peers: [PeerNode],
                 proofOfWorkNodes: [ProofOfWorkNode], store: StoreNode?, client: FederationClient) async {
        self.plan = plan
        self.network = network
        self.orderers = orderers
        self.peers = peers
        self.proofOfWorkNodes = proofOfWorkNodes
        self.store = store
        self.client = client
        var nodes: [any LedgerNode] = orderers + peers + proofOfWorkNodes
        if let store { nodes.append(store) }
        self.nodes = nodes
        switch plan.kind {
        case .raft:
            submitters = plan.members.orderers
            listeners = peers
        case .proofOfWork:
            // Clients talk to a full node, as an Ethereum client talks to its own node; with no
            // full nodes, to the miners.
            let fullNodes = Array(proofOfWorkNodes.dropFirst(plan.members.orderers.count))
            let contacts: [any LedgerNode] = fullNodes.isEmpty ? proofOfWorkNodes : fullNodes
            submitters = contacts.map(\.address)
            listeners = contacts
        case .store:
            submitters = [store!.address]
            listeners = [store!]
        }
        clientTask = Task { await client.run() }
        for node in nodes { await node.start() }
        client.subscribe(to: listeners.map(\.address))
    }

    /// Where account `index` submits its transactions.
    public func submitter(forAccount index: Int) -> NodeAddress { submitters[index % submitters.count] }

    /// Whose commit events account `index` listens to.
    public func listener(forAccount index: Int) -> NodeAddress { listeners[index % listeners.count].address }

    /// The ledger's next nonce of `address`, read from the first listening node.
    public func nextNonce(of address: Address) async -> UInt64? {
        await listeners.first?.nextNonce(of: address)
    }

    /// Stops every node and the client, and shuts the network down.
    public func stop() async {
        for node in nodes { await node.stop(reason: "stopped") }
        client.stop()
        network.shutdown()
        await clientTask.value
    }

    /// Crashes a node: it stops at once and the network drops everything to and from it.
    public func crash(_ address: NodeAddress) async {
        network.disconnect(address)
        for node in nodes where node.address == address { await node.stop(reason: "crashed") }
    }

    /// The Raft orderer that leads in the highest term among running orderers, if any leads.
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

    /// Waits until the federation can take transactions: a Raft orderer leads (other kinds are
    /// ready at once); nil if none does within `timeout`.
    public func awaitLeader(timeout: Duration) async -> NodeAddress? {
        guard case .raft = plan.kind else { return submitters.first }
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline, !Task.isCancelled {
            if let leader = await leader() { return leader }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }

    /// Every node's height, head and (where kept) state digest.
    public func chainStates() async -> [NodeChainState] {
        var states: [NodeChainState] = []
        for node in nodes {
            states.append(NodeChainState(address: node.address, height: await node.height,
                                         headHash: await node.headHash, stateDigest: await node.stateDigest))
        }
        return states
    }

    /// Waits until every running Raft peer reaches `height`; false if they do not within `timeout`.
    public func awaitPeers(height: UInt64, timeout: Duration) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while clock.now < deadline, !Task.isCancelled {
            var reached = true
            for peer in peers where await peer.stopReason == nil {
                if await peer.height < height { reached = false }
            }
            if reached { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Lets the federation take load again after `settle(timeout:)` (proof-of-work miners resume).
    public func resumeAfterSettle() async {
        for node in proofOfWorkNodes { await node.setMiningPaused(false) }
    }

    private func proofOfWorkTips() async -> Set<Hash256> {
        var tips = Set<Hash256>()
        for node in proofOfWorkNodes where await node.stopReason == nil { tips.insert(await node.headHash) }
        return tips
    }

    /// Brings the federation to rest before its nodes are compared: Raft peers catch up with the
    /// orderers; proof-of-work miners stop mining and the gossip settles on one tip. False if the
    /// nodes still differ after `timeout`.
    public func settle(timeout: Duration) async -> Bool {
        switch plan.kind {
        case .raft:
            var height: UInt64 = 0
            for orderer in orderers where await orderer.stopReason == nil { height = max(height, await orderer.height) }
            return await awaitPeers(height: height, timeout: timeout)
        case .proofOfWork:
            // Pause mining and let gossip converge on the heaviest tip. Tips that stay apart have
            // equal work, which only the next block decides: then mine briefly and pause again.
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: timeout)
            while clock.now < deadline, !Task.isCancelled {
                for node in proofOfWorkNodes { await node.setMiningPaused(true) }
                let gossipDeadline = min(deadline, clock.now.advanced(by: .seconds(2)))
                while clock.now < gossipDeadline, !Task.isCancelled {
                    if await proofOfWorkTips().count <= 1 { return true }
                    try? await Task.sleep(for: .milliseconds(50))
                }
                for node in proofOfWorkNodes { await node.setMiningPaused(false) }
                try? await Task.sleep(for: .milliseconds(200))
            }
            for node in proofOfWorkNodes { await node.setMiningPaused(true) }
            return await proofOfWorkTips().count <= 1
        case .store:
            return true
        }
    }
}
