/// A binary min-heap of timed items (delayed frames, simulation events, client deadlines),
/// earliest first; items due at the same time leave in the order they came, so a seed replays
/// exactly.
package struct TimedQueue<Time: Comparable, Event> {
    private var heap: [(time: Time, sequence: UInt64, event: Event)] = []
    private var nextSequence: UInt64 = 0

    package init() {}

    package var isEmpty: Bool { heap.isEmpty }
    package var count: Int { heap.count }

    /// Adds `event`, due at `time`.
    package mutating func schedule(_ event: Event, at time: Time) {
        heap.append((time, nextSequence, event))
        nextSequence += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(child, parent) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest item, without taking it.
    package func peek() -> (time: Time, event: Event)? {
        heap.first.map { ($0.time, $0.event) }
    }

    /// Removes and returns the earliest item.
    package mutating func pop() -> (time: Time, event: Event)? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var earliest = parent
            if left < heap.count, precedes(left, earliest) { earliest = left }
            if right < heap.count, precedes(right, earliest) { earliest = right }
            guard earliest != parent else { break }
            heap.swapAt(parent, earliest)
            parent = earliest
        }
        return (first.time, first.event)
    }

    /// Removes and returns every item, in no particular order.
    package mutating func removeAll() -> [Event] {
        defer { heap = [] }
        return heap.map(\.event)
    }

    private func precedes(_ a: Int, _ b: Int) -> Bool {
        (heap[a].time, heap[a].sequence) < (heap[b].time, heap[b].sequence)
    }
}

extension TimedQueue: Sendable where Time: Sendable, Event: Sendable {}
