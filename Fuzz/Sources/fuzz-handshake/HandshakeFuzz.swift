import FuzzSupport
import LedgerPrimitives
import Logging
@testable import NetworkTransport
import NIOCore
import NIOEmbedded
import Synchronization
import Transport

/// The endpoint under test, which the fuzzed peer connects to.
let ownName: NodeAddress = "node-a"
/// A client member (no listen address), as the driver is.
let clientName: NodeAddress = "node-b"
/// A member with a listen address, as another node is.
let nodeName: NodeAddress = "node-c"
/// The names a fuzzed hello may claim: the two members, the endpoint itself and a stranger.
let claimableNames: [NodeAddress] = [clientName, nodeName, ownName, "stranger"]
/// The members' signing identities, fixed so that runs repeat.
let identities: [NodeAddress: SigningAccount] = [
    ownName: .deterministic(seed: 18, index: 0),
    clientName: .deterministic(seed: 18, index: 1),
    nodeName: .deterministic(seed: 18, index: 2),
]

/// The payloads the endpoint accepted from the authenticated peer, seen by its frame validator.
final class AcceptedPayloads: Sendable {
    let payloads = Mutex<[[UInt8]]>([])
}

/// A configuration of `node-a` that knows `node-b` and `node-c`, logs nothing and records every
/// payload it accepts.
func endpointConfiguration(recordingInto accepted: AcceptedPayloads) -> TCPEndpointConfiguration {
    TCPEndpointConfiguration(
        address: ownName,
        identity: identities[ownName]!,
        listen: TCPListenAddress(host: "127.0.0.1", port: 1),
        directory: [
            ownName: TCPMember(publicKey: identities[ownName]!.publicKey, listen: TCPListenAddress(host: "127.0.0.1", port: 1)),
            clientName: TCPMember(publicKey: identities[clientName]!.publicKey, listen: nil),
            nodeName: TCPMember(publicKey: identities[nodeName]!.publicKey, listen: TCPListenAddress(host: "127.0.0.1", port: 2)),
        ],
        maximumFrameBytes: 4_096,
        frameValidator: { payload in
            accepted.payloads.withLock { $0.append(payload) }
            return nil
        },
        logger: Logger(label: "fuzz-handshake", factory: { _ in SwiftLogNoOpLogHandler() })
    )
}

/// The nonce in the hello frame the endpoint sent first.
func challengeNonce(inHelloFrame frame: ByteBuffer) -> [UInt8]? {
    var body = frame
    guard body.readInteger(as: UInt32.self) != nil, body.readInteger(as: UInt8.self) == WireFormat.version,
          body.readInteger(as: UInt8.self) == WireFormat.Kind.hello.rawValue,
          case .success(let hello) = WireFormat.parseHello(&body) else { return nil }
    return hello.nonce
}

/// Fuzzes the handshake of an accepted TCP connection: the real frame decoder and connection
/// handler of an endpoint, on an embedded channel, read what a fuzzed peer sends.
///
/// The input is a script of steps: raw bytes; a hello claiming one of four names with a fuzzed
/// nonce; a genuine proof by `node-b` or `node-c` over the endpoint's challenge; a proof with fuzzed
/// signature bytes; a data frame. The endpoint must accept data only after a genuine proof, record
/// at most one refusal, and be closed once it refused.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshake(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    var script = FuzzScript(fuzzInput(start, count))
    let accepted = AcceptedPayloads()
    let channel = EmbeddedChannel()
    let core = EndpointCore(configuration: endpointConfiguration(recordingInto: accepted), group: channel.embeddedEventLoop)
    do {
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: core.configuration.maximumFrameBytes)))
        try channel.pipeline.syncOperations.addHandler(ConnectionHandler(core: core, role: .accepted))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
    } catch {
        expect(false, "the embedded channel failed to start: \(error)")
        return 0
    }
    guard let helloFrame = try? channel.readOutbound(as: ByteBuffer.self), let nonce = challengeNonce(inHelloFrame: helloFrame) else {
        expect(false, "the endpoint did not open with a well-formed hello")
        return 0
    }

    var genuineProofSent = false
    var steps = 0
    while !script.isAtEnd, steps < 64 {
        steps += 1
        var bytes = channel.allocator.buffer(capacity: 128)
        switch script.byte() % 5 {
        case 0:
            bytes.writeBytes(script.bytes(Int(script.byte())))
        case 1:
            let name = claimableNames[Int(script.byte()) % claimableNames.count]
            bytes = WireFormat.helloFrame(name: name, nonce: script.paddedBytes(WireFormat.nonceBytes), allocator: channel.allocator)
        case 2:
            let signer = script.byte() % 2 == 0 ? clientName : nodeName
            let digest = WireFormat.handshakeDigest(verifierNonce: nonce, signer: signer, verifier: ownName)
            bytes = WireFormat.proofFrame(signature: identities[signer]!.sign(digest), allocator: channel.allocator)
            genuineProofSent = true
        case 3:
            bytes = WireFormat.proofFrame(signature: script.paddedBytes(SigningAccount.signatureLength), allocator: channel.allocator)
        default:
            WireFormat.appendDataFrame(script.bytes(Int(script.byte())), to: &bytes)
        }
        let acceptedBefore = accepted.payloads.withLock { $0.count }
        let refusedBefore = core.refusals.count
        if channel.isActive {
            _ = try? channel.writeInbound(bytes)
        }
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}
        let acceptedAfter = accepted.payloads.withLock { $0.count }
        expect(acceptedAfter == acceptedBefore || genuineProofSent, "data accepted before any genuine proof")
        expect(acceptedAfter == acceptedBefore || refusedBefore == 0, "data accepted after a refusal")
    }
    expect(core.refusals.count <= 1, "one connection recorded \(core.refusals.count) refusals")
    if !core.refusals.isEmpty {
        expect(!channel.isActive, "the connection stays open after a refusal: \(core.refusals[0].reason)")
    }
    _ = try? channel.finish()
    return 0
}

/// The entry point SwiftPM links as `main`: libFuzzer's driver on this target.
@_cdecl("fuzz_handshake_main")
public func fuzzTargetMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzHandshake)
}
