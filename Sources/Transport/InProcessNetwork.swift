internal import LedgerPrimitives

/// A simulated network inside one process: nodes exchange encoded frames with configurable latency,
/// jitter, loss, partitions and disconnected (crashed) nodes.
///
/// Every random choice (loss, jitter) is drawn from one seeded generator behind the network's lock, so
/// a run replays exactly given the same seed and the same order of sends.
///
/// Frames on a link with neither latency nor jitter go straight into the destination's inbox, on the
/// sender's thread. Frames on a delayed link wait in a bounded queue served by one delivery thread,
/// started when first needed, which puts each frame into its destination's inbox when it is due.
///
/// Call ``shutdown()`` when done (the network also shuts down when the network and all its endpoints
/// are released): it stops the delivery thread and finishes every inbox.
public final class InProcessNetwork: Sendable {
    /// The most frames that may wait on delayed links at once; more are dropped as `inFlightLimit`.
    public let maximumFramesInFlight: Int

    private let core: ConditionLock<NetworkState>

    /// Creates a network whose links all behave as `links` unless overridden with ``setLink(from:to:settings:)``.
    public init(seed: UInt64, links: LinkSettings = .init(), maximumFramesInFlight: Int = 1_000_000) {
        precondition(maximumFramesInFlight > 0, "the network needs room for at least one frame in flight")
        self.maximumFramesInFlight = maximumFramesInFlight
        core = ConditionLock(NetworkState(generator: SeededGenerator(seed: seed), defaultLinks: links))
    }

    deinit {
        shutdown()
    }

    /// Registers the node at `address` and returns its endpoint, whose inbox holds at most
    /// `inboxCapacity` frames.
    ///
    /// Each address is registered once: registering it again is a programming error and stops the
    /// process, because an inbox has one reader. Keep the endpoint, and use ``disconnect(_:)`` and
    /// ``reconnect(_:)`` to model a node that crashes and restarts. An endpoint registered after
    /// ``shutdown()`` has a finished inbox.
    public func endpoint(for address: NodeAddress, inboxCapacity: Int = 65_536) -> InProcessEndpoint {
        precondition(inboxCapacity > 0, "an inbox needs room for at least one frame")
        let (inbox, continuation) = AsyncStream.makeStream(
            of: InboundFrame.self, bufferingPolicy: .bufferingOldest(inboxCapacity)
        )
        let counters = TrafficCounterCell()
        let isShutDown = core.withLock { state in
            precondition(state.mailboxes[address] == nil, "node \(address) is already registered")
            state.mailboxes[address] = Mailbox(inbox: continuation, counters: counters)
            return state.isShutDown
        }
        if isShutDown {
            continuation.finish()
        }
        return InProcessEndpoint(address: address, inbox: inbox, counters: counters, network: self)
    }

    /// Every registered address, sorted.
    public var addresses: [NodeAddress] {
        core.withLock { $0.mailboxes.keys.sorted() }
    }

    // MARK: Links

    /// Makes frames from `source` to `destination` (one direction only) behave as `settings`, or as the
    /// network's default links again when `settings` is nil.
    public func setLink(from source: NodeAddress, to destination: NodeAddress, settings: LinkSettings?) {
        core.withLock { $0.linkOverrides[LinkKey(source: source, destination: destination)] = settings }
    }

    // MARK: Faults

    /// Splits the network into `groups`: nodes in different groups cannot reach each other, in either
    /// direction. Nodes listed in no group still reach everyone (a client outside the federation, say).
    ///
    /// Replaces any earlier partition; isolated nodes stay isolated. A node listed in two groups is a
    /// programming error. Frames already in flight are still delivered.
    public func partition(_ groups: [[NodeAddress]]) {
        var groupIndexByNode: [NodeAddress: Int] = [:]
        for (groupIndex, group) in groups.enumerated() {
            for node in group {
                let earlier = groupIndexByNode.updateValue(groupIndex, forKey: node)
                precondition(earlier == nil || earlier == groupIndex, "node \(node) is in two partition groups")
            }
        }
        core.withLock { $0.partitionGroupByNode = groupIndexByNode }
    }

    /// Cuts `node` off from every other node, in both directions, until ``heal()``.
    public func isolate(_ node: NodeAddress) {
        core.withLock { _ = $0.isolatedNodes.insert(node) }
    }

    /// Removes every partition and isolation; disconnected nodes stay disconnected.
    public func heal() {
        core.withLock { state in
            state.partitionGroupByNode = [:]
            state.isolatedNodes = []
        }
    }

    /// Makes `node` behave as crashed until ``reconnect(_:)``: every frame it sends, and every frame sent
    /// to it or falling due for it, is dropped. Frames already in its inbox stay there.
    public func disconnect(_ node: NodeAddress) {
        core.withLock { _ = $0.disconnectedNodes.insert(node) }
    }

    /// Lets a node disconnected with ``disconnect(_:)`` send and receive again.
    public func reconnect(_ node: NodeAddress) {
        core.withLock { _ = $0.disconnectedNodes.remove(node) }
    }

    // MARK: Shutdown

    /// Stops the delivery thread, drops every frame still in flight (counted as `closed`) and finishes
    /// every inbox; later sends are dropped as `closed`. Returns once the delivery thread has stopped.
    /// Calling it again does nothing.
    public func shutdown() {
        let stopped: (mailboxes: [Mailbox], strandedFrames: [DelayedFrame], hasDeliveryThread: Bool)? =
            core.withLock { state in
                guard !state.isShutDown else { return nil }
                state.isShutDown = true
                return (Array(state.mailboxes.values), state.delayedFrames.removeAll(), state.hasDeliveryThread)
            }
        guard let stopped else { return }
        core.broadcast()
        if stopped.hasDeliveryThread {
            core.withLockWaiting { state in
                state.hasDeliveryThread ? .waitForSignal : .finish(())
            }
        }
        for frame in stopped.strandedFrames {
            frame.sourceCounters.recordDropped(.closed)
        }
        for mailbox in stopped.mailboxes {
            mailbox.inbox.finish()
        }
    }

    // MARK: Moving frames

    /// Sends `bytes` from `source` to `destination`: drops, delivers at once, or queues for later.
    func send(_ bytes: [UInt8], from source: NodeAddress, to destination: NodeAddress, sourceCounters: TrafficCounterCell) {
        sourceCounters.recordSent(byteCount: bytes.count)
        let route = core.withLock { state in
            state.route(bytes, from: source, to: destination, sourceCounters: sourceCounters, maximumFramesInFlight: maximumFramesInFlight)
        }
        switch route {
        case .drop(let reason):
            sourceCounters.recordDropped(reason)
        case .deliverNow(let mailbox):
            Self.deliver(InboundFrame(from: source, bytes: bytes), to: mailbox, sourceCounters: sourceCounters)
        case .queued(let startDeliveryThread, let isNowFirst):
            if startDeliveryThread {
                let core = core
                OSThread.startDetached(name: "vernier-network") {
                    Self.deliverDelayedFrames(core)
                }
            } else if isNowFirst {
                core.broadcast()
            }
        }
    }

    /// Puts `frame` into the mailbox's inbox, counting it as received, or as dropped on its sender.
    private static func deliver(_ frame: InboundFrame, to mailbox: Mailbox, sourceCounters: TrafficCounterCell) {
        let byteCount = frame.bytes.count
        switch mailbox.inbox.yield(frame) {
        case .enqueued:
            mailbox.counters.recordReceived(byteCount: byteCount)
        case .dropped:
            sourceCounters.recordDropped(.inboxFull)
        case .terminated:
            sourceCounters.recordDropped(.closed)
        @unknown default:
            sourceCounters.recordDropped(.closed)
        }
    }

    /// The delivery thread's loop: sleep until the earliest frame is due, deliver what is due, repeat
    /// until shut down.
    private static func deliverDelayedFrames(_ core: ConditionLock<NetworkState>) {
        while true {
            let dueFrames: [(DelayedFrame, Mailbox?)]? = core.withLockWaiting { state in
                if state.isShutDown {
                    state.hasDeliveryThread = false
                    return .finish(nil)
                }
                guard let earliest = state.delayedFrames.first else { return .waitForSignal }
                let now = ContinuousClock.now
                guard earliest.due <= now else { return .waitForSignalOrDeadline(earliest.due) }
                var dueFrames: [(DelayedFrame, Mailbox?)] = []
                while dueFrames.count < NetworkState.maximumFramesPerDeliveryBatch,
                      let next = state.delayedFrames.first, next.due <= now,
                      let frame = state.delayedFrames.removeFirst() {
                    let reachable = !state.disconnectedNodes.contains(frame.destination)
                    dueFrames.append((frame, reachable ? state.mailboxes[frame.destination] : nil))
                }
                return .finish(dueFrames)
            }
            guard let dueFrames else { break }
            for (frame, mailbox) in dueFrames {
                if let mailbox {
                    deliver(InboundFrame(from: frame.source, bytes: frame.bytes), to: mailbox, sourceCounters: frame.sourceCounters)
                } else {
                    frame.sourceCounters.recordDropped(.disconnected)
                }
            }
        }
        core.broadcast()
    }
}

/// Where a node's frames are delivered, and the counters of what it received.
struct Mailbox: Sendable {
    var inbox: AsyncStream<InboundFrame>.Continuation
    var counters: TrafficCounterCell
}

/// A one-way link, from a source node to a destination node.
struct LinkKey: Hashable, Sendable {
    var source: NodeAddress
    var destination: NodeAddress
}

/// What the network does with a frame handed to it.
enum FrameRoute: Sendable {
    /// Drop it, counting the reason on the sender.
    case drop(DropReason)
    /// Put it into this mailbox now.
    case deliverNow(Mailbox)
    /// It waits among the delayed frames; start the delivery thread, or wake it if the frame is due first.
    case queued(startDeliveryThread: Bool, isNowFirst: Bool)
}

/// Everything the network's lock guards.
struct NetworkState: Sendable {
    /// The most due frames the delivery thread takes from the queue per turn of the lock.
    static let maximumFramesPerDeliveryBatch = 1_024

    var generator: SeededGenerator
    var defaultLinks: LinkSettings
    var linkOverrides: [LinkKey: LinkSettings] = [:]
    var mailboxes: [NodeAddress: Mailbox] = [:]
    var partitionGroupByNode: [NodeAddress: Int] = [:]
    var isolatedNodes: Set<NodeAddress> = []
    var disconnectedNodes: Set<NodeAddress> = []
    var delayedFrames = DelayedFrameQueue()
    var nextSequenceNumber: UInt64 = 0
    var hasDeliveryThread = false
    var isShutDown = false

    init(generator: SeededGenerator, defaultLinks: LinkSettings) {
        self.generator = generator
        self.defaultLinks = defaultLinks
    }

    /// Whether a partition or an isolation keeps `source` from reaching `destination`; a node always
    /// reaches itself.
    func isBlocked(from source: NodeAddress, to destination: NodeAddress) -> Bool {
        guard source != destination else { return false }
        if isolatedNodes.contains(source) || isolatedNodes.contains(destination) { return true }
        guard let sourceGroup = partitionGroupByNode[source],
              let destinationGroup = partitionGroupByNode[destination] else { return false }
        return sourceGroup != destinationGroup
    }

    /// Decides what happens to a frame, drawing loss and jitter from the generator in a fixed order.
    mutating func route(
        _ bytes: [UInt8], from source: NodeAddress, to destination: NodeAddress,
        sourceCounters: TrafficCounterCell, maximumFramesInFlight: Int
    ) -> FrameRoute {
        if isShutDown { return .drop(.closed) }
        guard let mailbox = mailboxes[destination] else { return .drop(.unknownDestination) }
        if disconnectedNodes.contains(source) || disconnectedNodes.contains(destination) {
            return .drop(.disconnected)
        }
        if isBlocked(from: source, to: destination) { return .drop(.partition) }
        let link = linkOverrides[LinkKey(source: source, destination: destination)] ?? defaultLinks
        if link.losesFrame(using: &generator) { return .drop(.loss) }
        if link.deliversImmediately { return .deliverNow(mailbox) }
        let delay = link.frameDelay(using: &generator)
        guard delayedFrames.count < maximumFramesInFlight else { return .drop(.inFlightLimit) }
        let frame = DelayedFrame(
            due: .now + delay, sequenceNumber: nextSequenceNumber, source: source,
            destination: destination, bytes: bytes, sourceCounters: sourceCounters
        )
        nextSequenceNumber += 1
        delayedFrames.insert(frame)
        let isNowFirst = delayedFrames.first?.sequenceNumber == frame.sequenceNumber
        let startDeliveryThread = !hasDeliveryThread
        hasDeliveryThread = true
        return .queued(startDeliveryThread: startDeliveryThread, isNowFirst: isNowFirst)
    }
}
