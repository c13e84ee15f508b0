import Testing
@testable import Transport

/// The one min-heap behind delayed frames, simulation events and client deadlines.
@Suite("Timed queue")
struct TimedQueueTests {
    @Test func itemsLeaveEarliestFirstAndInArrivalOrderWhenDueTogether() {
        var queue = TimedQueue<UInt64, String>()
        for (time, name) in [(5, "e"), (1, "a"), (3, "c1"), (3, "c2"), (2, "b"), (3, "c3")] as [(UInt64, String)] {
            queue.schedule(name, at: time)
        }
        #expect(queue.peek()?.event == "a")
        var order: [String] = []
        while let (_, event) = queue.pop() { order.append(event) }
        #expect(order == ["a", "b", "c1", "c2", "c3", "e"])
        #expect(queue.isEmpty)
    }

    @Test func aSeededStreamOfEventsReplaysInTheSameOrder() {
        func run() -> [Int] {
            var generator = SplitMix(seed: 42)
            var queue = TimedQueue<UInt64, Int>()
            for index in 0..<500 { queue.schedule(index, at: generator.next() % 50) }
            var order: [Int] = []
            while let (_, index) = queue.pop() { order.append(index) }
            return order
        }
        let first = run()
        #expect(first == run())
        #expect(Set(first).count == 500)
    }

    /// A tiny seeded generator, so the test does not depend on any other module's.
    struct SplitMix {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
