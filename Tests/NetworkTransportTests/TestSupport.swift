@testable import LedgerCore
import LedgerPrimitives
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
@testable import Transport
@testable import NetworkTransport

/// Encodes `value` as four little-endian bytes, so a test can number its frames.
func frameBytes(_ value: Int, paddedTo size: Int = 4) -> [UInt8] {
    withUnsafeBytes(of: UInt32(value).littleEndian) { Array($0) } + [UInt8](repeating: 0xAB, count: max(0, size - 4))
}

/// The number a frame made by ``frameBytes(_:paddedTo:)`` carries.
func frameNumber(_ bytes: [UInt8]) -> Int {
    bytes.prefix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
}

/// Reads the next `count` frames from `iterator`, failing the test if the inbox finishes first.
func receive(_ count: Int, from iterator: inout AsyncStream<InboundFrame>.Iterator) async -> [InboundFrame] {
    var frames: [InboundFrame] = []
    while frames.count < count, let frame = await iterator.next() {
        frames.append(frame)
    }
    #expect(frames.count == count, "the inbox finished after \(frames.count) of \(count) frames")
    return frames
}

/// Polls `condition` every 10 ms until it holds or `limit` passes; returns whether it held.
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// Log entries a test can read back.
final class LogRecorder: Sendable {
    private let entries = Mutex<[(level: Logger.Level, message: String, metadata: Logger.Metadata)]>([])

    /// A logger that records here everything at `level` and above.
    func logger(level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: "test") { _ in RecordingLogHandler(recorder: self) }
        logger.logLevel = level
        return logger
    }

    func record(level: Logger.Level, message: String, metadata: Logger.Metadata) {
        entries.withLock { $0.append((level, message, metadata)) }
    }

    /// The metadata of every entry at `level` with `message`.
    func metadata(level: Logger.Level, message: String) -> [Logger.Metadata] {
        entries.withLock { $0.filter { $0.level == level && $0.message == message }.map(\.metadata) }
    }
}

/// Forwards log events to a ``LogRecorder``.
struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug
    var metadataProvider: Logger.MetadataProvider?

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.record(
            level: event.level, message: "\(event.message)",
            metadata: metadata.merging(event.metadata ?? [:]) { $1 }
        )
    }
}

/// A federation of test endpoints on loopback: names, deterministic keys and reserved ports.
struct TestFederation {
    var accounts: [NodeAddress: SigningAccount] = [:]
    var directory: [NodeAddress: TCPMember] = [:]
    let recorder = LogRecorder()

    /// Members that listen get a free loopback port each; clients get none.
    init(listening: [NodeAddress], clients: [NodeAddress] = []) async throws {
        for (index, name) in (listening + clients).enumerated() {
            let account = SigningAccount.deterministic(seed: 4_242, index: UInt64(index))
            accounts[name] = account
            let listen = try listening.contains(name) ? TCPListenAddress(host: "127.0.0.1", port: await freePort()) : nil
            directory[name] = TCPMember(publicKey: account.publicKey, listen: listen)
        }
    }

    /// The configuration `name` runs with: short back-off, a generous handshake timeout, recorded logs.
    func configuration(for name: NodeAddress) -> TCPEndpointConfiguration {
        TCPEndpointConfiguration(
            address: name, identity: accounts[name]!, listen: directory[name]!.listen, directory: directory,
            reconnectBackoffInitial: .milliseconds(20), reconnectBackoffMaximum: .milliseconds(200),
            handshakeTimeout: .seconds(20), logger: recorder.logger()
        )
    }

    /// Starts `name`, after `adjust` has changed its configuration.
    func start(_ name: NodeAddress, adjust: (inout TCPEndpointConfiguration) -> Void = { _ in }) async throws -> TCPEndpoint {
        var configuration = configuration(for: name)
        adjust(&configuration)
        return try await TCPEndpoint.start(configuration)
    }

    /// The listening port of `name`.
    func port(of name: NodeAddress) -> Int {
        directory[name]!.listen!.port
    }
}

/// A loopback port that was free a moment ago, chosen below the kernel's ephemeral range so that
/// no outgoing connection (of this or any parallel test) can take it before the endpoint binds it.
func freePort() async throws -> Int {
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
        let candidate = Int.random(in: 20_000..<32_000, using: &generator)
        do {
            let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .bind(host: "127.0.0.1", port: candidate).get()
            try await channel.close()
            return candidate
        } catch {
            continue
        }
    }
    throw FreePortUnavailable()
}

/// No free port was found below the ephemeral range.
struct FreePortUnavailable: Error {}

/// A raw TCP connection for playing a misbehaving peer: it sends whatever bytes a test makes up and
/// collects whatever arrives.
final class RawConnection: Sendable {
    let channel: any Channel
    private let collector: ByteCollector

    private init(channel: any Channel, collector: ByteCollector) {
        self.channel = channel
        self.collector = collector
    }

    /// Connects to `127.0.0.1:port`.
    static func connect(port: Int) async throws -> RawConnection {
        let collector = ByteCollector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CollectingHandler(collector: collector))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Writes `bytes`; a write on a connection the other side already closed is not an error here.
    func send(_ bytes: [UInt8]) async {
        try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Waits for the endpoint's hello and returns its claimed name and nonce.
    func receiveHello() async -> WireFormat.Hello? {
        var hello: WireFormat.Hello?
        _ = await eventually {
            var buffer = ByteBuffer(bytes: collector.bytes.withLock { $0 })
            guard let length = buffer.readInteger(as: UInt32.self), buffer.readableBytes >= Int(length),
                  buffer.readInteger(as: UInt8.self) == WireFormat.version,
                  buffer.readInteger(as: UInt8.self) == WireFormat.Kind.hello.rawValue,
                  var fields = buffer.readSlice(length: Int(length) - 2),
                  case .success(let parsed) = WireFormat.parseHello(&fields) else { return false }
            hello = parsed
            return true
        }
        return hello
    }

    /// Whether the connection closed within `limit`.
    func closes(within limit: Duration = .seconds(20)) async -> Bool {
        await eventually(within: limit) { !channel.isActive }
    }

    /// Closes this side.
    func close() async {
        try? await channel.close()
    }
}

/// Bytes received on a ``RawConnection``.
final class ByteCollector: Sendable {
    let bytes = Mutex<[UInt8]>([])
}

/// Appends every byte read to a ``ByteCollector``.
final class CollectingHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let collector: ByteCollector

    init(collector: ByteCollector) {
        self.collector = collector
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        collector.bytes.withLock { $0 += buffer.readableBytesView }
    }
}

/// Frames a test writes by hand.
enum HandMadeFrame {
    /// A frame whose body is `version`, `kind` and `fields`.
    static func frame(version: UInt8 = 1, kind: UInt8, fields: [UInt8]) -> [UInt8] {
        bigEndian(UInt32(2 + fields.count)) + [version, kind] + fields
    }

    /// A hello claiming `name` with `nonce`.
    static func hello(name: String, nonce: [UInt8] = [UInt8](repeating: 7, count: 32)) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        return frame(kind: 1, fields: [UInt8(nameBytes.count >> 8), UInt8(nameBytes.count & 0xFF)] + nameBytes + nonce)
    }

    /// A proof that `signer` is `signerName`, answering `verifierName`'s `nonce`.
    static func proof(signer: SigningAccount, signerName: NodeAddress, verifierName: NodeAddress, nonce: [UInt8]) -> [UInt8] {
        let digest = WireFormat.handshakeDigest(verifierNonce: nonce, signer: signerName, verifier: verifierName)
        return frame(kind: 2, fields: signer.sign(digest))
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian) { Array($0) }
    }
}
