internal import NIOCore
internal import Synchronization
internal import Transport

/// Frames waiting out their link's latency and jitter before they are queued on their destination's link.
///
/// Frames are kept in a min-heap by due instant (FIFO among equal instants), bounded by `capacity`.
/// One timer on one event loop fires at the earliest due instant and moves every due frame, in order,
/// to its link, so frames on a link without jitter keep their order; jitter may reorder them, as in
/// the in-process network.
final class DelayLine: Sendable {
    /// The most frames moved per timer firing; the rest follow on the next turn of the loop.
    static let maximumFramesPerTurn = 4_096

    /// The most frames that may wait at once.
    let capacity: Int
    /// The loop the timer runs on.
    let loop: any EventLoop

    private let state = Mutex(DelayLineState())

    init(capacity: Int, loop: any EventLoop) {
        self.capacity = capacity
        self.loop = loop
    }

    /// Holds `payload` for `destination` until `delay` has passed; returns why it was dropped instead,
    /// if it was.
    func insert(
        _ payload: [UInt8], to destination: NodeAddress, after delay: Duration, core: EndpointCore
    ) -> DropReason? {
        let due = ContinuousClock.now + delay
        return state.withLock { state -> DropReason? in
            if state.isClosed { return .closed }
            guard state.frames.count < capacity else { return .inFlightLimit }
            state.frames.insert(DelayedFrame(
                due: due, sequenceNumber: state.nextSequenceNumber, source: core.configuration.address,
                destination: destination, bytes: payload, sourceCounters: core.counters
            ))
            state.nextSequenceNumber += 1
            scheduleTimerIfNeeded(&state, core: core)
            return nil
        }
    }

    /// Starts a timer for the earliest frame unless one already fires no later; call with the lock held.
    private func scheduleTimerIfNeeded(_ state: inout DelayLineState, core: EndpointCore) {
        guard !state.isClosed, let earliest = state.frames.first else { return }
        if let timerDue = state.timerDue, timerDue <= earliest.due { return }
        state.timer?.cancel()
        state.timerGeneration &+= 1
        let generation = state.timerGeneration
        let wait = max(.zero, earliest.due - ContinuousClock.now)
        state.timerDue = earliest.due
        state.timer = loop.scheduleTask(in: TimeAmount(wait)) {
            self.moveDueFrames(timerGeneration: generation, core: core)
        }
    }

    /// Moves every due frame to its link, in due order, and sets the timer for the next one.
    private func moveDueFrames(timerGeneration: UInt64, core: EndpointCore) {
        let now = ContinuousClock.now
        let dueFrames: [DelayedFrame] = state.withLock { state in
            if state.timerGeneration == timerGeneration {
                state.timer = nil
                state.timerDue = nil
            }
            var dueFrames: [DelayedFrame] = []
            while dueFrames.count < Self.maximumFramesPerTurn, let next = state.frames.first, next.due <= now,
                  let frame = state.frames.removeFirst() {
                dueFrames.append(frame)
            }
            scheduleTimerIfNeeded(&state, core: core)
            return dueFrames
        }
        for frame in dueFrames {
            if let link = core.links[frame.destination] {
                link.enqueue(frame.bytes, core: core)
            } else {
                core.counters.recordDropped(.unknownDestination)
            }
        }
    }

    /// Stops the timer and drops every waiting frame as `closed`; later inserts are dropped too.
    func close(core: EndpointCore) {
        let (timer, droppedFrameCount): (Scheduled<Void>?, Int) = state.withLock { state in
            state.isClosed = true
            let dropped = state.frames.removeAll().count
            defer {
                state.timer = nil
                state.timerDue = nil
            }
            return (state.timer, dropped)
        }
        timer?.cancel()
        core.counters.recordDropped(.closed, count: droppedFrameCount)
    }
}

/// Everything a ``DelayLine``'s lock guards.
struct DelayLineState: Sendable {
    var frames = DelayedFrameQueue()
    var nextSequenceNumber: UInt64 = 0
    /// The pending timer, when it is due, and its generation (a stale timer that still fires only
    /// moves due frames).
    var timer: Scheduled<Void>?
    var timerDue: ContinuousClock.Instant?
    var timerGeneration: UInt64 = 0
    var isClosed = false
}
