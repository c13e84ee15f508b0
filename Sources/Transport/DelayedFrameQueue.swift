/// A frame on a delayed link, waiting for the instant it is due at its destination.
struct DelayedFrame: Sendable {
    /// When the frame reaches the destination's inbox.
    var due: ContinuousClock.Instant
    /// The order in which frames were sent; breaks ties between frames due at the same instant.
    var sequenceNumber: UInt64
    var source: NodeAddress
    var destination: NodeAddress
    var bytes: [UInt8]
    /// The sender's counters, where a drop at delivery time is counted.
    var sourceCounters: TrafficCounterCell

    /// Whether this frame is delivered before `other`: earlier due, or sent earlier when due together.
    func precedes(_ other: DelayedFrame) -> Bool {
        (due, sequenceNumber) < (other.due, other.sequenceNumber)
    }
}

/// A binary min-heap of delayed frames, earliest due first, FIFO among frames due at the same instant.
struct DelayedFrameQueue: Sendable {
    private var heap: [DelayedFrame] = []

    var count: Int { heap.count }

    /// The frame due first, if any.
    var first: DelayedFrame? { heap.first }

    /// Adds `frame`.
    mutating func insert(_ frame: DelayedFrame) {
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
    mutating func removeFirst() -> DelayedFrame? {
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
    mutating func removeAll() -> [DelayedFrame] {
        defer { heap = [] }
        return heap
    }
}
