internal import LedgerPrimitives
internal import Logging
internal import NIOCore
internal import Transport

/// Which side opened a connection.
enum ConnectionRole: Sendable {
    /// This endpoint dialled the named member.
    case dialled(NodeAddress)
    /// The peer dialled this endpoint's listener.
    case accepted
}

/// One connection's handshake and, once the peer has proved its name, its data frames into the inbox.
///
/// It sits after the ``FrameDecoder`` and sees whole frame bodies. Anything that breaks the protocol
/// (see ``WireFormat``) closes the connection and records a refusal; after that the handler ignores
/// whatever the decoder still passes on.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Where the handshake stands.
    private enum Phase {
        /// Our hello is out; waiting for the peer's.
        case awaitingHello
        /// Our proof is out; waiting for the peer's proof of `peer`.
        case awaitingProof(peer: NodeAddress, publicKey: [UInt8])
        /// The peer proved it is `peer`: data frames flow.
        case authenticated(peer: NodeAddress)
        /// Refused or closed: nothing more is read.
        case closed
    }

    private let core: EndpointCore
    private let role: ConnectionRole
    private let ownNonce = WireFormat.freshNonce()
    private var phase = Phase.awaitingHello
    private var claimedName: NodeAddress?
    private var remoteAddress = "unknown"
    private var handshakeTimer: Scheduled<Void>?

    init(core: EndpointCore, role: ConnectionRole) {
        self.core = core
        self.role = role
    }

    // MARK: Events

    func channelActive(context: ChannelHandlerContext) {
        remoteAddress = context.remoteAddress.map(Self.describe) ?? "unknown"
        let hello = WireFormat.helloFrame(name: core.configuration.address, nonce: ownNonce, allocator: context.channel.allocator)
        context.writeAndFlush(Self.wrapOutboundOut(hello), promise: nil)
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(core.configuration.handshakeTimeout)) {
            self.refuse("no authentication within the handshake timeout of \(self.core.configuration.handshakeTimeout)", context: context)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var body = Self.unwrapInboundIn(data)
        if case .closed = phase { return }
        // The decoder guarantees at least a version and a kind.
        let version = body.readInteger(as: UInt8.self)!
        let kindByte = body.readInteger(as: UInt8.self)!
        guard version == WireFormat.version else {
            refuse("unsupported version \(version)", context: context)
            return
        }
        guard let kind = WireFormat.Kind(rawValue: kindByte) else {
            refuse("unknown frame kind \(kindByte)", context: context)
            return
        }
        switch (kind, phase) {
        case (.data, .authenticated(let peer)):
            deliver(&body, from: peer, context: context)
        case (.data, _):
            refuse("data before authentication", context: context)
        case (.hello, .awaitingHello):
            receiveHello(&body, context: context)
        case (.proof, .awaitingProof(let peer, let publicKey)):
            receiveProof(&body, peer: peer, publicKey: publicKey, context: context)
        case (.hello, _), (.proof, _):
            refuse("unexpected \(kind) frame during \(phaseName)", context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if case .closed = phase { return }
        if let malformed = error as? MalformedFrame {
            refuse(malformed.reason, context: context)
        } else {
            // A socket error (a reset, say) is no refusal; the phase stays, so that a truncated frame the
            // decoder reports as the connection ends is still recorded as one.
            core.logger.info("connection error", metadata: metadata(["error": "\(error)"]))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        handshakeTimer = nil
        switch phase {
        case .authenticated(let peer):
            core.logger.info("connection closed", metadata: metadata(["peer": "\(peer)"]))
        case .awaitingHello, .awaitingProof:
            core.logger.debug("connection closed during the handshake", metadata: metadata([:]))
        case .closed:
            break
        }
        phase = .closed
        context.fireChannelInactive()
    }

    // MARK: Handshake

    private func receiveHello(_ fields: inout ByteBuffer, context: ChannelHandlerContext) {
        let hello: WireFormat.Hello
        switch WireFormat.parseHello(&fields) {
        case .success(let parsed): hello = parsed
        case .failure(let malformed):
            refuse("malformed hello: \(malformed.reason)", context: context)
            return
        }
        claimedName = hello.name
        let ownName = core.configuration.address
        guard hello.name != ownName else {
            refuse("claims this endpoint's own name", context: context)
            return
        }
        guard let member = core.configuration.directory[hello.name] else {
            refuse("not a member", context: context)
            return
        }
        if case .dialled(let expected) = role, expected != hello.name {
            refuse("dialled \(expected) but the peer claims another name", context: context)
            return
        }
        let digest = WireFormat.handshakeDigest(verifierNonce: hello.nonce, signer: ownName, verifier: hello.name)
        let signature = core.configuration.identity.sign(digest)
        let proof = WireFormat.proofFrame(signature: signature, allocator: context.channel.allocator)
        context.writeAndFlush(Self.wrapOutboundOut(proof), promise: nil)
        phase = .awaitingProof(peer: hello.name, publicKey: member.publicKey)
    }

    private func receiveProof(_ fields: inout ByteBuffer, peer: NodeAddress, publicKey: [UInt8], context: ChannelHandlerContext) {
        let signature: [UInt8]
        switch WireFormat.parseProof(&fields) {
        case .success(let parsed): signature = parsed
        case .failure(let malformed):
            refuse("malformed proof: \(malformed.reason)", context: context)
            return
        }
        let digest = WireFormat.handshakeDigest(verifierNonce: ownNonce, signer: peer, verifier: core.configuration.address)
        guard SignatureCheck.isValid(signature: signature, of: digest, publicKey: publicKey) else {
            refuse("bad signature", context: context)
            return
        }
        handshakeTimer?.cancel()
        handshakeTimer = nil
        phase = .authenticated(peer: peer)
        core.logger.info("connection authenticated", metadata: metadata(["peer": "\(peer)"]))
        let dialled = if case .dialled = role { true } else { false }
        core.links[peer]?.connectionAuthenticated(context.channel, dialled: dialled, core: core)
    }

    // MARK: Data

    private func deliver(_ payload: inout ByteBuffer, from peer: NodeAddress, context: ChannelHandlerContext) {
        let wireByteCount = payload.readableBytes + WireFormat.dataFrameOverheadBytes
        let bytes = payload.readBytes(length: payload.readableBytes) ?? []
        if let validator = core.configuration.frameValidator, let reason = validator(bytes) {
            refuse("invalid payload: \(reason)", context: context)
            return
        }
        core.deliverToInbox(InboundFrame(from: peer, bytes: bytes), wireByteCount: wireByteCount)
    }

    // MARK: Refusing

    /// Closes the connection for `reason`, recording and logging the refusal.
    private func refuse(_ reason: String, context: ChannelHandlerContext) {
        if case .closed = phase { return }
        phase = .closed
        handshakeTimer?.cancel()
        handshakeTimer = nil
        core.recordRefusal(remoteAddress: remoteAddress, claimedName: claimedName, reason: reason)
        context.close(promise: nil)
    }

    private var phaseName: String {
        switch phase {
        case .awaitingHello: "the wait for a hello"
        case .awaitingProof: "the wait for a proof"
        case .authenticated: "data exchange"
        case .closed: "closing"
        }
    }

    private func metadata(_ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata = extra
        metadata["remote"] = "\(remoteAddress)"
        if let claimedName, metadata["peer"] == nil { metadata["peer"] = "\(claimedName)" }
        return metadata
    }

    /// `ip:port` of a socket address, without NIO's decoration.
    private static func describe(_ address: SocketAddress) -> String {
        if let ip = address.ipAddress, let port = address.port {
            return address.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        return "\(address)"
    }
}
