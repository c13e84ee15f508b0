import LedgerCore
public import LedgerPrimitives
public import Monitor
public import Transport
import Logging

/// Runs one node on a transport endpoint in a process of its own (`vernier node`): the node gets the
/// endpoint's protocol traffic, and the host answers the driver's status and mining requests.
///
/// A driver cannot read a node's actor across processes, so it asks with `statusRequest` and
/// `pauseMining` frames; the host takes those out of the stream before the node sees it and answers
/// them from the node's state. Only the driver may pause mining; anyone authenticated may ask status.
/// Each status carries the process's own resources when the host is given ``ownResources``.
public final class NodeHost: Sendable {
    public let node: any LedgerNode
    public let endpoint: any TransportEndpoint
    /// The address whose `pauseMining` requests are obeyed.
    public let driver: NodeAddress
    /// SHA-256 of the configuration file the node was started from, reported in every status.
    public let configurationDigest: Hash256?
    /// How this node's process began, reported in every status; nil in process.
    public let processStart: NodeStatus.ProcessStart?
    /// Reads this process's resources for each status, where the node is its process's only node.
    public let ownResources: OwnProcessResources?
    private let nodeInbox: AsyncStream<InboundFrame>.Continuation
    private let pump: Task<Void, Never>

    /// Builds the node at `address` from `plan` on `endpoint` and starts it; its statuses report
    /// `ownResources` when given (the node is alone in its process).
    public init(plan: FederationPlan, address: NodeAddress, endpoint: any TransportEndpoint, driver: NodeAddress,
                configurationDigest: Hash256? = nil, processStart: NodeStatus.ProcessStart? = nil,
                ownResources: OwnProcessResources? = nil, inboxCapacity: Int = 65_536) async throws {
        let (inbox, continuation) = AsyncStream.makeStream(of: InboundFrame.self,
                                                           bufferingPolicy: .bufferingOldest(inboxCapacity))
        let filtered = FilteredEndpoint(base: endpoint, inbox: inbox)
        let node = try plan.makeNode(address, endpoint: filtered)
        self.node = node
        self.endpoint = endpoint
        self.driver = driver
        self.configurationDigest = configurationDigest
        self.processStart = processStart
        self.ownResources = ownResources
        nodeInbox = continuation
        pump = Task { [logger = Logger(label: "vernier.host.\(address.name)")] in
            for await frame in endpoint.inbox {
                guard NodeMessage.isHostRequest(frame.bytes) else {
                    if case .dropped = continuation.yield(frame) {
                        logger.warning("node inbox full: dropped a frame from \(frame.from)")
                    }
                    continue
                }
                await Self.answer(frame, node: node, endpoint: endpoint, driver: driver, configurationDigest: configurationDigest,
                                  processStart: processStart, ownResources: ownResources, logger: logger)
            }
            continuation.finish()
        }
        await node.start()
    }

    /// Stops the node (it finishes what it is writing and its stores stay consistent) and the pump.
    public func stop(reason: String) async {
        await node.stop(reason: reason)
        pump.cancel()
        nodeInbox.finish()
    }

    private static func answer(_ frame: InboundFrame, node: any LedgerNode, endpoint: any TransportEndpoint,
                               driver: NodeAddress, configurationDigest: Hash256?, processStart: NodeStatus.ProcessStart?,
                               ownResources: OwnProcessResources?,
                               logger: Logger) async {
        let message: NodeMessage
        do {
            message = try NodeMessage(frame: frame.bytes)
        } catch {
            logger.warning("dropped a malformed request from \(frame.from): \(error)")
            return
        }
        switch message {
        case .statusRequest(let requestId, let account):
            var status = await NodeStatus.of(node, account: account, ownResources: ownResources)
            status.configurationDigest = configurationDigest
            status.processStart = processStart
            endpoint.send(NodeMessage.statusAnswer(requestId: requestId, status: status).frame, to: frame.from)
        case .pauseMining(let requestId, let paused):
            if frame.from == driver, let miner = node as? ProofOfWorkNode {
                await miner.setMiningPaused(paused)
            } else if frame.from != driver {
                logger.warning("ignored a mining request from \(frame.from), which is not the driver")
            }
            var status = await NodeStatus.of(node, account: nil, ownResources: ownResources)
            status.configurationDigest = configurationDigest
            status.processStart = processStart
            endpoint.send(NodeMessage.statusAnswer(requestId: requestId, status: status).frame, to: frame.from)
        case .transactionCheck(let requestId, let ids) where frame.from == driver:
            let answer: NodeMessage
            do {
                let counts = try await node.transactionOccurrences(of: ids)
                answer = .transactionCounts(requestId: requestId, counts: counts.map { UInt32(clamping: $0) }, failure: nil)
            } catch {
                answer = .transactionCounts(requestId: requestId, counts: [], failure: "its block store could not be read: \(error)")
            }
            endpoint.send(answer.frame, to: frame.from)
        case .transactionCheck:
            logger.warning("ignored a transaction check from \(frame.from), which is not the driver")
        default:
            break
        }
    }
}

/// An endpoint that sends through another but whose inbox is fed by the host.
private final class FilteredEndpoint: TransportEndpoint {
    let base: any TransportEndpoint
    let inbox: AsyncStream<InboundFrame>

    init(base: any TransportEndpoint, inbox: AsyncStream<InboundFrame>) {
        self.base = base
        self.inbox = inbox
    }

    var address: NodeAddress { base.address }
    var counters: TrafficCounters { base.counters }
    func send(_ frame: [UInt8], to destination: NodeAddress) { base.send(frame, to: destination) }
}
