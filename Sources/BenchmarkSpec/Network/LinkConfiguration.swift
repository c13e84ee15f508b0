import ConfigurationReading
/// The simulated links between nodes.
public struct LinkConfiguration: Sendable, Hashable, Encodable {
    /// The one-way delay added to every message.
    public var latency: Duration
    /// The largest random deviation added to the latency.
    public var jitter: Duration
    /// The probability, in `0..<1`, that a message is dropped.
    public var loss: Double

    /// Creates link settings; the default is a perfect link.
    public init(latency: Duration = .zero, jitter: Duration = .zero, loss: Double = 0) {
        self.latency = latency
        self.jitter = jitter
        self.loss = loss
    }
}
