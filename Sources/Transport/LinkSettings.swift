package import LedgerPrimitives

/// How a one-way link between two nodes behaves: its delay, the spread of that delay, and its loss.
public struct LinkSettings: Hashable, Sendable, Codable {
    /// The one-way delay added to every frame; not negative.
    public var latency: Duration
    /// The largest deviation from `latency`: each frame's delay is uniform in
    /// `latency - jitter ... latency + jitter`, clamped at zero, so frames can overtake each other.
    public var jitter: Duration
    /// The probability, in `0...1`, that a frame is lost.
    public var lossProbability: Double

    /// Creates link settings; the default is a perfect link that delivers at once.
    public init(latency: Duration = .zero, jitter: Duration = .zero, lossProbability: Double = 0) {
        precondition(latency >= .zero, "latency must not be negative")
        precondition(jitter >= .zero, "jitter must not be negative")
        precondition((0...1).contains(lossProbability), "loss probability must be in 0...1")
        self.latency = latency
        self.jitter = jitter
        self.lossProbability = lossProbability
    }

    /// Whether frames on this link are delivered at the moment they are sent.
    package var deliversImmediately: Bool {
        latency == .zero && jitter == .zero
    }

    /// Whether a frame is lost, drawing from `generator` only when loss is possible.
    package func losesFrame(using generator: inout SeededGenerator) -> Bool {
        guard lossProbability > 0 else { return false }
        return Double.random(in: 0..<1, using: &generator) < lossProbability
    }

    /// One frame's delay: latency plus a uniform jitter, clamped at zero; draws only when jittered.
    package func frameDelay(using generator: inout SeededGenerator) -> Duration {
        guard jitter > .zero else { return latency }
        let jitterNanoseconds = jitter.wholeNanoseconds
        let offsetNanoseconds = Int64.random(in: -jitterNanoseconds...jitterNanoseconds, using: &generator)
        let delay = latency + .nanoseconds(offsetNanoseconds)
        return max(delay, .zero)
    }
}
