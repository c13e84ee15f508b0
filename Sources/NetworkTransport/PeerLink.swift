internal import NIOCore
internal import NIOPosix
internal import Synchronization
internal import Transport

/// The way to one destination: a bounded queue of encoded frames and the connection they are written on.
///
/// A member with a listen address is dialled lazily on the first frame for it, and only that dialled
/// connection carries frames to it; connections it opened to this endpoint only bring its frames in.
/// When the dialled connection fails or drops while frames wait, it is redialled with exponential
/// back-off. A member without a listen address (a client) is reached over its latest authenticated
/// connection to this endpoint; without one, its frames are dropped as `unreachable`.
///
/// Frames are appended, already framed, to one buffer; a single task per event-loop turn hands the
/// whole buffer to the socket and flushes once, so many small frames cost one write.
final class PeerLink: Sendable {
    /// The destination's name.
    let peer: NodeAddress
    /// The destination's key and listen address.
    let member: TCPMember
    /// How frames to the destination behave.
    let linkSettings: LinkSettings

    private let state: Mutex<PeerLinkState>

    init(peer: NodeAddress, member: TCPMember, linkSettings: LinkSettings, allocator: ByteBufferAllocator) {
        self.peer = peer
        self.member = member
        self.linkSettings = linkSettings
        state = Mutex(PeerLinkState(pending: allocator.buffer(capacity: 0)))
    }

    /// Whether an authenticated connection currently carries frames to the destination.
    var isConnected: Bool {
        state.withLock { $0.connection != nil }
    }

    // MARK: Queueing and writing

    /// Queues `payload` as a data frame, dialling or scheduling a write as needed; drops and counts it
    /// when the queue is full, the destination is an unconnected client, or the link is closed.
    func enqueue(_ payload: [UInt8], core: EndpointCore) {
        let wireByteCount = payload.count + WireFormat.dataFrameOverheadBytes
        let limits = core.queueLimits
        let action: EnqueueAction = state.withLock { state in
            if state.isClosed { return .drop(.closed) }
            if member.listen == nil, state.connection == nil { return .drop(.unreachable) }
            if state.queuedFrameCount >= limits.frames
                || (state.queuedFrameCount > 0 && state.queuedByteCount + wireByteCount > limits.bytes) {
                return .drop(.queueFull)
            }
            WireFormat.appendDataFrame(payload, to: &state.pending)
            state.pendingFrameCount += 1
            if let connection = state.connection {
                guard !state.isFlushScheduled else { return .none }
                state.isFlushScheduled = true
                return .scheduleFlush(connection)
            }
            guard state.dialPhase == .idle else { return .none }
            state.dialPhase = .dialling
            return .dial
        }
        switch action {
        case .none:
            break
        case .drop(let reason):
            core.counters.recordDropped(reason)
        case .scheduleFlush(let connection):
            connection.eventLoop.execute { self.flush(on: connection, core: core) }
        case .dial:
            dial(core: core)
        }
    }

    /// Hands every pending frame to `connection` in one write and flush; runs on its event loop.
    private func flush(on connection: any Channel, core: EndpointCore) {
        let batch: (buffer: ByteBuffer, frameCount: Int)? = state.withLock { state in
            state.isFlushScheduled = false
            guard state.connection === connection, state.pendingFrameCount > 0 else { return nil }
            let batch = (state.pending, state.pendingFrameCount)
            state.writingFrameCount += state.pendingFrameCount
            state.writingByteCount += state.pending.readableBytes
            state.pending = core.allocator.buffer(capacity: min(batch.0.capacity, Self.retainedBufferBytes))
            state.pendingFrameCount = 0
            return batch
        }
        guard let batch else { return }
        let byteCount = batch.buffer.readableBytes
        connection.writeAndFlush(batch.buffer).whenComplete { result in
            self.state.withLock { state in
                state.writingFrameCount -= batch.frameCount
                state.writingByteCount -= byteCount
            }
            if case .failure = result {
                core.counters.recordDropped(.disconnected, count: batch.frameCount)
            }
        }
    }

    /// The largest capacity a fresh pending buffer starts with, so one burst does not pin memory.
    private static let retainedBufferBytes = 1 << 20

    // MARK: Connections

    /// Takes `connection` into use once it is authenticated: a dialled one for a listening member, the
    /// latest inbound one for a client; other inbound connections only receive.
    func connectionAuthenticated(_ connection: any Channel, dialled: Bool, core: EndpointCore) {
        let startFlush: Bool = state.withLock { state in
            guard !state.isClosed, dialled == (member.listen != nil) else { return false }
            state.connection = connection
            if dialled {
                state.dialPhase = .connected
                state.consecutiveDialFailures = 0
            }
            guard state.pendingFrameCount > 0, !state.isFlushScheduled else { return false }
            state.isFlushScheduled = true
            return true
        }
        if !dialled, member.listen == nil {
            connection.closeFuture.whenComplete { _ in self.inboundConnectionEnded(connection, core: core) }
        }
        if startFlush {
            connection.eventLoop.execute { self.flush(on: connection, core: core) }
        }
    }

    /// A client's inbound connection ended: if it was the one in use, frames still waiting for it are
    /// dropped, since only the client can connect again.
    private func inboundConnectionEnded(_ connection: any Channel, core: EndpointCore) {
        let droppedFrameCount: Int = state.withLock { state in
            guard state.connection === connection else { return 0 }
            state.connection = nil
            let count = state.pendingFrameCount
            state.pending.clear()
            state.pendingFrameCount = 0
            return count
        }
        core.counters.recordDropped(.disconnected, count: droppedFrameCount)
    }

    /// Opens a connection to the destination's listen address; its handshake runs in the pipeline.
    private func dial(core: EndpointCore) {
        guard let listen = member.listen else { return }
        core.logger.debug("dialling", metadata: ["peer": "\(peer)", "address": "\(listen)"])
        let peer = peer
        ClientBootstrap(group: core.group)
            .connectTimeout(TimeAmount(core.configuration.handshakeTimeout))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                core.installConnectionHandlers(on: channel, role: .dialled(peer))
            }
            .connect(host: listen.host, port: listen.port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.closeFuture.whenComplete { _ in self.dialledConnectionEnded(channel, core: core) }
                case .failure(let error):
                    core.logger.debug("dial failed", metadata: ["peer": "\(peer)", "error": "\(error)"])
                    self.dialEnded(wasAuthenticated: false, core: core)
                }
            }
    }

    /// The dialled connection closed, before or after it authenticated.
    private func dialledConnectionEnded(_ connection: any Channel, core: EndpointCore) {
        let wasAuthenticated = state.withLock { state in
            guard state.connection === connection else { return false }
            state.connection = nil
            return true
        }
        dialEnded(wasAuthenticated: wasAuthenticated, core: core)
    }

    /// After a dial failed or its connection ended: redial after a back-off if frames wait, else idle.
    private func dialEnded(wasAuthenticated: Bool, core: EndpointCore) {
        let retryDelay: Duration? = state.withLock { state in
            guard !state.isClosed else { return nil }
            state.consecutiveDialFailures = wasAuthenticated ? 1 : state.consecutiveDialFailures + 1
            guard state.pendingFrameCount > 0 else {
                state.dialPhase = .idle
                return nil
            }
            state.dialPhase = .waitingToRetry
            return core.reconnectDelay(afterFailures: state.consecutiveDialFailures)
        }
        guard let retryDelay else { return }
        core.logger.debug("redialling after back-off", metadata: ["peer": "\(peer)", "delay": "\(retryDelay)"])
        let timer = core.timerLoop.scheduleTask(in: TimeAmount(retryDelay)) {
            self.retryDial(core: core)
        }
        let isClosed = state.withLock { state in
            state.retryTimer = timer
            return state.isClosed
        }
        if isClosed { timer.cancel() }
    }

    /// The back-off is over: dial again if frames still wait.
    private func retryDial(core: EndpointCore) {
        let shouldDial: Bool = state.withLock { state in
            state.retryTimer = nil
            guard !state.isClosed, state.dialPhase == .waitingToRetry else { return false }
            guard state.pendingFrameCount > 0 else {
                state.dialPhase = .idle
                return false
            }
            state.dialPhase = .dialling
            return true
        }
        if shouldDial { dial(core: core) }
    }

    /// Stops the link for good: cancels a pending redial and drops the waiting frames as `closed`.
    /// The endpoint closes the connections themselves.
    func close(core: EndpointCore) {
        let (timer, droppedFrameCount): (Scheduled<Void>?, Int) = state.withLock { state in
            state.isClosed = true
            let dropped = state.pendingFrameCount
            state.pending.clear()
            state.pendingFrameCount = 0
            state.connection = nil
            defer { state.retryTimer = nil }
            return (state.retryTimer, dropped)
        }
        timer?.cancel()
        core.counters.recordDropped(.closed, count: droppedFrameCount)
    }
}

/// What ``PeerLink/enqueue(_:core:)`` does once the lock is released.
private enum EnqueueAction {
    case none
    case drop(DropReason)
    case scheduleFlush(any Channel)
    case dial
}

/// Where a link stands with its dialled connection.
enum DialPhase: Sendable {
    /// No connection and no dial: the next frame dials.
    case idle
    /// Connecting or handshaking.
    case dialling
    /// The dialled connection is authenticated and in use.
    case connected
    /// Waiting out the back-off before the next dial.
    case waitingToRetry
}

/// Everything a ``PeerLink``'s lock guards.
struct PeerLinkState: Sendable {
    /// Framed data frames not yet handed to a connection, in order.
    var pending: ByteBuffer
    var pendingFrameCount = 0
    /// Frames and bytes handed to a connection whose write has not completed.
    var writingFrameCount = 0
    var writingByteCount = 0
    /// The authenticated connection frames are written on.
    var connection: (any Channel)?
    var isFlushScheduled = false
    var dialPhase = DialPhase.idle
    var consecutiveDialFailures = 0
    var retryTimer: Scheduled<Void>?
    var isClosed = false

    /// Frames waiting for a connection or for the socket.
    var queuedFrameCount: Int { pendingFrameCount + writingFrameCount }
    /// Bytes waiting for a connection or for the socket.
    var queuedByteCount: Int { pending.readableBytes + writingByteCount }
}
