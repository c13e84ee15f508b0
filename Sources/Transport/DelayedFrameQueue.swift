/// A frame on a delayed link, waiting for the instant it is due at its destination.
package struct DelayedFrame: Sendable {
    /// When the frame reaches the destination's inbox.
    package var due: ContinuousClock.Instant
    /// The order in which frames were sent; breaks ties between frames due at the same instant.
    package var sequenceNumber: UInt64
    package var source: NodeAddress
    package var destination: NodeAddress
    package var bytes: [UInt8]
    /// The sender's counters, where a drop at delivery time is counted.
    package var sourceCounters: TrafficCounterCell

    /// Creates a frame from `source` to `destination` due at `due`.
    package init(
        due: ContinuousClock.Instant, sequenceNumber: UInt64, source: NodeAddress, destination: NodeAddress,
        bytes: [UInt8], sourceCounters: TrafficCounterCell
    ) {
        self.due = due
        self.sequenceNumber = sequenceNumber
        self.source = source
        self.destination = destination
        self.bytes = bytes
        self.sourceCounters = sourceCounters
    }

    /// Whether this frame is delivered before `other`: earlier due, or sent earlier when due together.
    package func precedes(_ other: DelayedFrame) -> Bool {
        (due, sequenceNumber) < (other.due, other.sequenceNumber)
    }
}

/// Delayed frames, earliest due first, in send order among frames due at the same instant.
package struct DelayedFrameQueue: Sendable {
    private var queue = TimedQueue<ContinuousClock.Instant, DelayedFrame>()

    /// Creates an empty queue.
    package init() {}

    package var count: Int { queue.count }

    /// The frame due first, if any.
    package var first: DelayedFrame? { queue.peek()?.event }

    /// Adds `frame`.
    package mutating func insert(_ frame: DelayedFrame) {
        queue.schedule(frame, at: frame.due)
    }

    /// Removes and returns the frame due first, if any.
    package mutating func removeFirst() -> DelayedFrame? {
        queue.pop()?.event
    }

    /// Removes and returns every frame, in no particular order.
    package mutating func removeAll() -> [DelayedFrame] {
        queue.removeAll()
    }
}
