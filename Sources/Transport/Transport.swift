/// A frame as it arrives at a node: who sent it and its encoded bytes.
public struct InboundFrame: Hashable, Sendable {
    /// The node that sent the frame.
    public var from: NodeAddress
    /// The frame's encoded bytes, exactly as they were sent.
    public var bytes: [UInt8]

    /// Creates a frame received from `from`.
    public init(from: NodeAddress, bytes: [UInt8]) {
        self.from = from
        self.bytes = bytes
    }
}

/// A node's endpoint on a network: it sends frames to other nodes and receives theirs in its inbox.
///
/// The in-process network (``InProcessNetwork``) and the TCP transport both provide endpoints, so a
/// node shell is written once against this protocol.
///
/// Sending behaves like a network, not like a function call: ``send(_:to:)`` never blocks and never
/// throws. A frame to an unknown or unreachable node, a lost frame or a frame that finds the
/// destination's inbox full is dropped, and the drop is counted in ``counters`` by its reason.
public protocol TransportEndpoint: Sendable {
    /// The address other nodes send to, to reach this endpoint.
    var address: NodeAddress { get }

    /// The frames delivered to this node, in delivery order; it finishes when the network shuts down.
    ///
    /// The stream is bounded: a frame that arrives while the inbox is full is dropped and counted.
    /// Iterate it from one task only.
    var inbox: AsyncStream<InboundFrame> { get }

    /// A snapshot of this endpoint's traffic so far.
    var counters: TrafficCounters { get }

    /// Sends `frame` to the node at `destination`, without blocking; a frame that cannot be delivered
    /// is dropped and counted.
    func send(_ frame: [UInt8], to destination: NodeAddress)
}
