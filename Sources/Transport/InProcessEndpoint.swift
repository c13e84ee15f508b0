/// A node's endpoint on an ``InProcessNetwork``.
///
/// It keeps its network alive: the network shuts down only when it and all its endpoints are released
/// (or when ``InProcessNetwork/shutdown()`` is called).
public final class InProcessEndpoint: TransportEndpoint {
    public let address: NodeAddress
    public let inbox: AsyncStream<InboundFrame>
    /// The network this endpoint belongs to.
    public let network: InProcessNetwork

    private let liveCounters: TrafficCounterCell

    init(address: NodeAddress, inbox: AsyncStream<InboundFrame>, counters: TrafficCounterCell, network: InProcessNetwork) {
        self.address = address
        self.inbox = inbox
        self.liveCounters = counters
        self.network = network
    }

    public var counters: TrafficCounters {
        liveCounters.snapshot
    }

    public func send(_ frame: [UInt8], to destination: NodeAddress) {
        network.send(frame, from: address, to: destination, sourceCounters: liveCounters)
    }
}
