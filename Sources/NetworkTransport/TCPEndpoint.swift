public import NIOCore
internal import NIOPosix
internal import Synchronization
public import Transport

/// A node's endpoint on a real network: length-prefixed frames over TCP between members that prove
/// their names with signed challenges (the bytes are described in WireFormat.swift).
///
/// Sending never blocks and never throws. The first frame for a member with a listen address dials it;
/// frames wait in a bounded per-destination queue while the connection is made, and frames from this
/// endpoint to one destination keep their order (unless jitter reorders them). A member without a
/// listen address (a client such as the driver) is reached over the connection it opened. A dropped
/// connection is redialled with exponential back-off while frames wait, so a restarted node on the
/// same address is reached again. Latency, jitter and loss from ``TCPEndpointConfiguration/links`` are
/// applied here, on the sending side.
///
/// Counters count data frames only, never handshake frames, and their bytes as they are on the wire:
/// payload plus 6 bytes of framing (length, version, kind). A frame counts as sent when ``send(_:to:)``
/// is called and as received when it is put into the inbox. Drops before the wire (loss, full queue,
/// unknown destination) are counted on the sender; a frame that finds the receiver's inbox full is
/// counted as `inboxFull` on the receiver. A frame written just before its connection broke may be
/// lost uncounted, as on any TCP connection without acknowledgements.
///
/// Call ``shutdown()`` when done: it closes the listener and every connection and finishes the inbox.
public final class TCPEndpoint: TransportEndpoint {
    public var address: NodeAddress { core.configuration.address }
    public var inbox: AsyncStream<InboundFrame> { core.inbox }

    /// The port the endpoint listens on (the one the system chose, for port 0), or nil for a client.
    public let listeningPort: Int?

    private let core: EndpointCore
    private let listener: (any Channel)?
    /// The event loop group this endpoint created and must shut down, if it created one.
    private let ownedGroup: MultiThreadedEventLoopGroup?

    private init(core: EndpointCore, listener: (any Channel)?, ownedGroup: MultiThreadedEventLoopGroup?) {
        self.core = core
        self.listener = listener
        self.ownedGroup = ownedGroup
        listeningPort = listener?.localAddress?.port
    }

    /// Starts an endpoint: checks the configuration and, if it has a listen address, binds it.
    ///
    /// Runs on `eventLoopGroup` when given (shared with others, and left running at shutdown), or else
    /// on a one-thread group of its own that ``shutdown()`` stops.
    public static func start(
        _ configuration: TCPEndpointConfiguration, eventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> TCPEndpoint {
        let problems = configuration.problems()
        guard problems.isEmpty else { throw TCPEndpointError.invalidConfiguration(problems) }
        let ownedGroup = eventLoopGroup == nil ? MultiThreadedEventLoopGroup(numberOfThreads: 1) : nil
        let group: any EventLoopGroup = eventLoopGroup ?? ownedGroup!
        let core = EndpointCore(configuration: configuration, group: group)
        var listener: (any Channel)?
        if let listen = configuration.listen {
            do {
                listener = try await ServerBootstrap(group: group)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelOption(.backlog, value: 256)
                    .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                    .childChannelInitializer { channel in
                        core.installConnectionHandlers(on: channel, role: .accepted)
                    }
                    .bind(host: listen.host, port: listen.port)
                    .get()
            } catch {
                _ = await core.shutdown(listener: nil)
                try? await ownedGroup?.shutdownGracefully()
                throw TCPEndpointError.cannotListen(listen, reason: "\(error)")
            }
        }
        let endpoint = TCPEndpoint(core: core, listener: listener, ownedGroup: ownedGroup)
        core.logger.info("endpoint started", metadata: ["port": "\(endpoint.listeningPort.map(String.init) ?? "none")"])
        return endpoint
    }

    public var counters: TrafficCounters {
        core.counters.snapshot
    }

    /// The most recent refused connections (at most ``TCPEndpointConfiguration/maximumRecordedRefusals``),
    /// oldest first; each was also logged at warning level.
    public var refusals: [ConnectionRefusal] {
        core.refusals
    }

    /// Whether an authenticated connection currently carries this endpoint's frames to `peer`: the one
    /// this endpoint dialled, or for a client the one the client opened.
    public func isConnected(to peer: NodeAddress) -> Bool {
        core.isConnected(to: peer)
    }

    public func send(_ frame: [UInt8], to destination: NodeAddress) {
        core.send(frame, to: destination)
    }

    /// Closes the listener and every connection, drops frames still queued or delayed (counted as
    /// `closed`), finishes the inbox and, if the endpoint made its own event loop group, stops it.
    /// Later sends are dropped as `closed`. Calling it again does nothing.
    public func shutdown() async {
        guard await core.shutdown(listener: listener) else { return }
        try? await ownedGroup?.shutdownGracefully()
        core.logger.info("endpoint shut down")
    }
}
