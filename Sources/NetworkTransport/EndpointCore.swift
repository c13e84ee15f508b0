internal import struct Foundation.Date
internal import LedgerPrimitives
internal import Logging
internal import NIOCore
internal import NIOPosix
internal import Synchronization
internal import Transport

/// What a ``TCPEndpoint`` shares with its connections, links and delay line: configuration, counters,
/// inbox, the open channels and the refusal log.
final class EndpointCore: Sendable {
    let configuration: TCPEndpointConfiguration
    let counters = TrafficCounterCell()
    let inbox: AsyncStream<InboundFrame>
    let group: any EventLoopGroup
    /// The loop that runs link timers: delayed frames and redials.
    let timerLoop: any EventLoop
    let logger: Logger
    let allocator = ByteBufferAllocator()
    /// One link per member other than this endpoint, fixed at start.
    let links: [NodeAddress: PeerLink]
    let delayLine: DelayLine
    /// The per-destination bounds, read on every send.
    let queueLimits: (frames: Int, bytes: Int)

    private let inboxContinuation: AsyncStream<InboundFrame>.Continuation
    private let registry = Mutex(ChannelRegistry())
    private let refusalLog: Mutex<RefusalLog>
    /// Draws loss and jitter for every link.
    private let linkGenerator: Mutex<SeededGenerator>
    /// Draws the jitter of redial back-offs, apart from link draws so that redials do not shift them.
    private let backoffGenerator: Mutex<SeededGenerator>

    init(configuration: TCPEndpointConfiguration, group: any EventLoopGroup) {
        self.configuration = configuration
        self.group = group
        timerLoop = group.next()
        var logger = configuration.logger
        logger[metadataKey: "node"] = "\(configuration.address)"
        self.logger = logger
        (inbox, inboxContinuation) = AsyncStream.makeStream(
            of: InboundFrame.self, bufferingPolicy: .bufferingOldest(configuration.inboxCapacity)
        )
        let allocator = allocator
        var links: [NodeAddress: PeerLink] = [:]
        for (name, member) in configuration.directory where name != configuration.address {
            links[name] = PeerLink(
                peer: name, member: member, linkSettings: configuration.linkSettings(to: name), allocator: allocator
            )
        }
        self.links = links
        delayLine = DelayLine(capacity: configuration.maximumDelayedFrames, loop: timerLoop)
        queueLimits = (configuration.maximumQueuedFramesPerDestination, configuration.maximumQueuedBytesPerDestination)
        refusalLog = Mutex(RefusalLog(capacity: configuration.maximumRecordedRefusals))
        let generator = SeededGenerator(seed: configuration.seed)
        linkGenerator = Mutex(generator.derived(1))
        backoffGenerator = Mutex(generator.derived(2))
    }

    // MARK: Sending

    /// Counts `payload` as sent, then drops it, delays it, or queues it on its destination's link.
    func send(_ payload: [UInt8], to destination: NodeAddress) {
        counters.recordSent(byteCount: payload.count + WireFormat.dataFrameOverheadBytes)
        guard payload.count + WireFormat.bodyHeaderBytes <= configuration.maximumFrameBytes else {
            counters.recordDropped(.frameTooLarge)
            return
        }
        if destination == configuration.address {
            deliverToInbox(
                InboundFrame(from: destination, bytes: payload),
                wireByteCount: payload.count + WireFormat.dataFrameOverheadBytes
            )
            return
        }
        guard let link = links[destination] else {
            counters.recordDropped(.unknownDestination)
            return
        }
        let settings = link.linkSettings
        guard settings.lossProbability > 0 || !settings.deliversImmediately else {
            link.enqueue(payload, core: self)
            return
        }
        let fate: FrameFate = linkGenerator.withLock { generator in
            if settings.losesFrame(using: &generator) { return .lost }
            if settings.deliversImmediately { return .sendNow }
            return .delay(settings.frameDelay(using: &generator))
        }
        switch fate {
        case .sendNow:
            link.enqueue(payload, core: self)
        case .lost:
            counters.recordDropped(.loss)
        case .delay(let delay):
            if let reason = delayLine.insert(payload, to: destination, after: delay, core: self) {
                counters.recordDropped(reason)
            }
        }
    }

    /// Puts `frame` into the inbox, counting it as received, or as dropped when the inbox is full or
    /// finished.
    ///
    /// It counts the frame before it enters the inbox, so that a reader who has the frame also sees it
    /// counted, and takes the count back if the inbox refuses the frame.
    func deliverToInbox(_ frame: InboundFrame, wireByteCount: Int) {
        counters.recordReceived(byteCount: wireByteCount)
        switch inboxContinuation.yield(frame) {
        case .enqueued:
            break
        case .dropped:
            counters.recordUndelivered(byteCount: wireByteCount, reason: .inboxFull)
        case .terminated:
            counters.recordUndelivered(byteCount: wireByteCount, reason: .closed)
        @unknown default:
            counters.recordUndelivered(byteCount: wireByteCount, reason: .closed)
        }
    }

    /// The wait before redial number `failures` (1 or more): the initial back-off doubled per earlier
    /// failure, capped at the maximum, then scaled by a random factor in 0.5...1.
    func reconnectDelay(afterFailures failures: Int) -> Duration {
        let initial = configuration.reconnectBackoffInitial
        let maximum = configuration.reconnectBackoffMaximum
        var delay = initial
        for _ in 1..<min(max(1, failures), 64) where delay < maximum {
            delay *= 2
        }
        delay = min(delay, maximum)
        let factor = backoffGenerator.withLock { Double.random(in: 0.5...1, using: &$0) }
        return delay * factor
    }

    // MARK: Connections

    /// Adds the frame decoder and the connection handler to a new channel, or refuses it when the
    /// endpoint is shut down or has too many connections open.
    func installConnectionHandlers(on channel: any Channel, role: ConnectionRole) -> EventLoopFuture<Void> {
        switch register(channel) {
        case .registered:
            break
        case .shutDown:
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        case .full(let openCount):
            recordRefusal(
                remoteAddress: channel.remoteAddress.map { "\($0)" } ?? "unknown", claimedName: nil,
                reason: "too many open connections (\(openCount))"
            )
            return channel.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel)
        }
        let maximumFrameBytes = configuration.maximumFrameBytes
        return channel.eventLoop.makeCompletedFuture {
            let operations = channel.pipeline.syncOperations
            try operations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maximumFrameBytes)))
            try operations.addHandler(ConnectionHandler(core: self, role: role))
        }
    }

    /// Tracks `channel` until it closes, so that shutdown can close it.
    private func register(_ channel: any Channel) -> RegistrationResult {
        let key = ObjectIdentifier(channel)
        let maximumConnections = Self.maximumConnections
        let result: RegistrationResult = registry.withLock { registry in
            if registry.isShutDown { return .shutDown }
            guard registry.channels.count < maximumConnections else { return .full(registry.channels.count) }
            registry.channels[key] = channel
            return .registered
        }
        if case .registered = result {
            channel.closeFuture.whenComplete { _ in
                self.registry.withLock { _ = $0.channels.removeValue(forKey: key) }
            }
        }
        return result
    }

    /// The most connections open at once, inbound and dialled; more are refused at once.
    static let maximumConnections = 4_096

    /// Whether an authenticated connection carries frames to `peer` now.
    func isConnected(to peer: NodeAddress) -> Bool {
        links[peer]?.isConnected ?? false
    }

    // MARK: Refusals

    /// Records and logs (at warning) a connection closed for `reason`.
    func recordRefusal(remoteAddress: String, claimedName: NodeAddress?, reason: String) {
        let refusal = ConnectionRefusal(remoteAddress: remoteAddress, claimedName: claimedName, reason: reason, time: Date())
        refusalLog.withLock { $0.record(refusal) }
        var metadata: Logger.Metadata = ["remote": "\(remoteAddress)", "reason": "\(reason)"]
        if let claimedName { metadata["claimed"] = "\(claimedName)" }
        logger.warning("refused connection", metadata: metadata)
    }

    /// The recent refusals, oldest first.
    var refusals: [ConnectionRefusal] {
        refusalLog.withLock { $0.recent }
    }

    // MARK: Shutdown

    /// Closes the listener, stops every link and the delay line, closes every channel, then finishes
    /// the inbox; returns false, touching nothing, if the endpoint was already shut down (its event
    /// loops may be gone).
    func shutdown(listener: (any Channel)?) async -> Bool {
        let channels: [any Channel]? = registry.withLock { registry in
            guard !registry.isShutDown else { return nil }
            registry.isShutDown = true
            return Array(registry.channels.values)
        }
        guard let channels else { return false }
        try? await listener?.close()
        for link in links.values {
            link.close(core: self)
        }
        delayLine.close(core: self)
        for channel in channels {
            channel.close(promise: nil)
        }
        for channel in channels {
            try? await channel.closeFuture.get()
        }
        inboxContinuation.finish()
        return true
    }
}

/// What the link generator decided for one frame.
private enum FrameFate {
    case sendNow
    case lost
    case delay(Duration)
}

/// The channels an endpoint has open, and whether it is shut down.
struct ChannelRegistry: Sendable {
    var isShutDown = false
    var channels: [ObjectIdentifier: any Channel] = [:]
}

/// Whether a new channel was taken in.
enum RegistrationResult: Sendable {
    case registered
    case shutDown
    case full(Int)
}
