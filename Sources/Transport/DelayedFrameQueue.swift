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

/// A binary min-heap of delayed frames, earliest due first, FIFO among frames due at the same instant.
package struct DelayedFrameQueue: Sendable {
    private var heap: [DelayedFrame] = []

    /// Creates an empty queue.
    package init() {}

    package var count: Int { heap.count }

    /// The frame due first, if any.
    package var first: DelayedFrame? { heap.first }

    /// Adds `frame`.
    package mutating func insert(_ frame: DelayedFrame) {
        heap.append(frame)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the frame due first, if any.
    package mutating func removeFirst() -> DelayedFrame? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var earliest = parent
            if left < heap.count, heap[left].precedes(heap[earliest]) { earliest = left }
            if right < heap.count, heap[right].precedes(heap[earliest]) { earliest = right }
            guard earliest != parent else { break }
            heap.swapAt(parent, earliest)
            parent = earliest
        }
        return first
    }

    /// Removes and returns every frame, in no particular order.
    package mutating func removeAll() -> [DelayedFrame] {
        defer { heap = [] }
        return heap
    }
}
