public import LedgerPrimitives
public import Logging
public import Transport

/// A host and TCP port to listen on or dial, such as `127.0.0.1:7001`.
public struct TCPListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// A host name or IP address.
    public var host: String
    /// The TCP port; 0 when listening asks the system for a free (ephemeral) port.
    public var port: Int

    /// Creates the address `host:port`.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { "\(host):\(port)" }
}

/// A member of the federation as the TCP transport knows it: the key it proves itself with, and
/// where it listens, if anywhere.
public struct TCPMember: Hashable, Sendable {
    /// The member's compressed P-256 public key (33 bytes), which verifies its handshake proofs.
    public var publicKey: [UInt8]
    /// Where the member accepts connections; nil for a pure client (the driver), which is reached over
    /// the connection it opened.
    public var listen: TCPListenAddress?

    /// Creates a member with `publicKey` that listens at `listen`, if anywhere.
    public init(publicKey: [UInt8], listen: TCPListenAddress?) {
        self.publicKey = publicKey
        self.listen = listen
    }
}

/// Everything a ``TCPEndpoint`` needs: who it is, whom it accepts, where it listens, how its links
/// behave and how far its queues may grow.
public struct TCPEndpointConfiguration: Sendable {
    /// This endpoint's own name, which it claims in every handshake.
    public var address: NodeAddress
    /// This endpoint's key, whose signature proves the name in every handshake.
    public var identity: SigningAccount
    /// Where to accept connections; nil for a pure client.
    public var listen: TCPListenAddress?
    /// Every member of the federation, nodes and clients, by name. Connections from anyone else, or
    /// from a member that cannot prove its name with the listed key, are refused.
    public var directory: [NodeAddress: TCPMember]

    /// How frames to every destination behave (latency, jitter, loss), applied on the sending side.
    public var links: LinkSettings
    /// Link settings for particular destinations, in place of ``links``.
    public var linkOverrides: [NodeAddress: LinkSettings]
    /// The seed of the generator that draws loss and jitter.
    public var seed: UInt64

    /// The largest frame body (version, kind and fields) accepted or sent, in bytes.
    public var maximumFrameBytes: Int
    /// The most frames the inbox buffers; a frame that finds it full is dropped and counted.
    public var inboxCapacity: Int
    /// The most frames per destination waiting for a connection or for the socket; more are dropped
    /// as `queueFull`.
    public var maximumQueuedFramesPerDestination: Int
    /// The most bytes per destination waiting for a connection or for the socket; a frame that would
    /// exceed it (unless the queue is empty) is dropped as `queueFull`.
    public var maximumQueuedBytesPerDestination: Int
    /// The most frames waiting out their link's latency at once; more are dropped as `inFlightLimit`.
    public var maximumDelayedFrames: Int

    /// The wait before the first redial after a failed or dropped connection; it doubles per failure.
    public var reconnectBackoffInitial: Duration
    /// The longest wait between redials.
    public var reconnectBackoffMaximum: Duration
    /// How long a connection may take to authenticate (and a dial to connect) before it is closed.
    public var handshakeTimeout: Duration
    /// How many recent refusals ``TCPEndpoint/refusals`` keeps.
    public var maximumRecordedRefusals: Int

    /// A check of every data frame's payload; a non-nil reason closes the connection as a refusal.
    public var frameValidator: (@Sendable ([UInt8]) -> String?)?
    /// Where the endpoint logs connections (info), refusals (warning) and internals (debug).
    public var logger: Logger

    /// Creates a configuration; only who the endpoint is and whom it knows have no default.
    public init(
        address: NodeAddress,
        identity: SigningAccount,
        listen: TCPListenAddress?,
        directory: [NodeAddress: TCPMember],
        links: LinkSettings = .init(),
        linkOverrides: [NodeAddress: LinkSettings] = [:],
        seed: UInt64 = 0,
        maximumFrameBytes: Int = 64 << 20,
        inboxCapacity: Int = 65_536,
        maximumQueuedFramesPerDestination: Int = 65_536,
        maximumQueuedBytesPerDestination: Int = 256 << 20,
        maximumDelayedFrames: Int = 1_000_000,
        reconnectBackoffInitial: Duration = .milliseconds(50),
        reconnectBackoffMaximum: Duration = .seconds(2),
        handshakeTimeout: Duration = .seconds(5),
        maximumRecordedRefusals: Int = 256,
        frameValidator: (@Sendable ([UInt8]) -> String?)? = nil,
        logger: Logger = Logger(label: "vernier.tcp")
    ) {
        self.address = address
        self.identity = identity
        self.listen = listen
        self.directory = directory
        self.links = links
        self.linkOverrides = linkOverrides
        self.seed = seed
        self.maximumFrameBytes = maximumFrameBytes
        self.inboxCapacity = inboxCapacity
        self.maximumQueuedFramesPerDestination = maximumQueuedFramesPerDestination
        self.maximumQueuedBytesPerDestination = maximumQueuedBytesPerDestination
        self.maximumDelayedFrames = maximumDelayedFrames
        self.reconnectBackoffInitial = reconnectBackoffInitial
        self.reconnectBackoffMaximum = reconnectBackoffMaximum
        self.handshakeTimeout = handshakeTimeout
        self.maximumRecordedRefusals = maximumRecordedRefusals
        self.frameValidator = frameValidator
        self.logger = logger
    }

    /// The settings of the link to `destination`.
    func linkSettings(to destination: NodeAddress) -> LinkSettings {
        linkOverrides[destination] ?? links
    }

    /// Every reason this configuration cannot run, or an empty list.
    func problems() -> [String] {
        var problems: [String] = []
        if maximumFrameBytes < WireFormat.smallestUsefulFrameBytes || maximumFrameBytes > Int(UInt32.max) {
            problems.append("maximumFrameBytes must be in \(WireFormat.smallestUsefulFrameBytes)...\(UInt32.max)")
        }
        if inboxCapacity <= 0 { problems.append("inboxCapacity must be positive") }
        if maximumQueuedFramesPerDestination <= 0 { problems.append("maximumQueuedFramesPerDestination must be positive") }
        if maximumQueuedBytesPerDestination <= 0 { problems.append("maximumQueuedBytesPerDestination must be positive") }
        if maximumDelayedFrames <= 0 { problems.append("maximumDelayedFrames must be positive") }
        if maximumRecordedRefusals <= 0 { problems.append("maximumRecordedRefusals must be positive") }
        if reconnectBackoffInitial <= .zero || reconnectBackoffMaximum < reconnectBackoffInitial {
            problems.append("reconnect back-off must be positive, initial no longer than maximum")
        }
        if handshakeTimeout <= .zero { problems.append("handshakeTimeout must be positive") }
        if address.name.utf8.count > WireFormat.maximumNameBytes {
            problems.append("own name is longer than \(WireFormat.maximumNameBytes) bytes")
        }
        for (name, member) in directory.sorted(by: { $0.key < $1.key }) {
            if name.name.utf8.count > WireFormat.maximumNameBytes {
                problems.append("member \(name): name longer than \(WireFormat.maximumNameBytes) bytes")
            }
            if member.publicKey.count != SigningAccount.publicKeyLength {
                problems.append("member \(name): public key has \(member.publicKey.count) bytes, not \(SigningAccount.publicKeyLength)")
            }
        }
        return problems
    }
}

/// Why a ``TCPEndpoint`` could not start.
enum TCPEndpointError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The configuration cannot run, for the reasons listed.
    case invalidConfiguration([String])
    /// The listen address could not be bound.
    case cannotListen(TCPListenAddress, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let problems):
            "invalid TCP endpoint configuration: " + problems.joined(separator: "; ")
        case .cannotListen(let address, let reason):
            "cannot listen on \(address): \(reason)"
        }
    }
}
