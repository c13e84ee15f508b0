@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Transport
@testable import NetworkTransport

/// One way for a peer to break the protocol, played over a raw connection.
enum Misbehaviour: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case unknownName
    case wrongKey
    case garbage
    case truncatedFrame
    case oversizedLength
    case unknownKind
    case wrongVersion
    case malformedHello
    case dataBeforeAuthentication
    case silence

    var testDescription: String { rawValue }

    /// Words the refusal's reason must contain.
    var expectedReason: String {
        switch self {
        case .unknownName: "not a member"
        case .wrongKey: "bad signature"
        case .garbage: "over the limit"
        case .truncatedFrame: "truncated frame"
        case .oversizedLength: "frame length \(TCPRefusalTests.frameLimitBytes + 1) over the limit"
        case .unknownKind: "unknown frame kind 127"
        case .wrongVersion: "unsupported version 9"
        case .malformedHello: "malformed hello"
        case .dataBeforeAuthentication: "data before authentication"
        case .silence: "handshake timeout"
        }
    }

    /// The name the refusal records as claimed.
    var expectedClaimedName: NodeAddress? {
        switch self {
        case .unknownName: "outsider"
        case .wrongKey, .dataBeforeAuthentication: "mallory"
        default: nil
        }
    }
}

@Suite("TCP endpoint: refusals leave the node serving", .timeLimit(.minutes(2)))
struct TCPRefusalTests {
    static let frameLimitBytes = 1 << 20
    static let shortHandshakeTimeout = Duration.milliseconds(400)

    @Test("A misbehaving connection is closed and recorded; a good member is still served", arguments: Misbehaviour.allCases)
    func refusesAndKeepsServing(_ misbehaviour: Misbehaviour) async throws {
        let federation = try await TestFederation(listening: ["node", "good"], clients: ["mallory"])
        let node = try await federation.start("node") { configuration in
            configuration.maximumFrameBytes = Self.frameLimitBytes
            if misbehaviour == .silence { configuration.handshakeTimeout = Self.shortHandshakeTimeout }
        }
        let good = try await federation.start("good")

        let connectStarted = ContinuousClock.now
        let raw = try await RawConnection.connect(port: node.listeningPort!)
        let hello = await raw.receiveHello()
        #expect(hello?.name == "node")
        try await misbehave(misbehaviour, on: raw, nodeNonce: hello?.nonce ?? [], federation: federation)

        #expect(await raw.closes(), "the node closes the connection")
        if misbehaviour == .silence {
            #expect(ContinuousClock.now - connectStarted >= Self.shortHandshakeTimeout)
        }
        #expect(await eventually { !node.refusals.isEmpty })
        let refusals = node.refusals
        #expect(refusals.count == 1)
        #expect(refusals.first?.reason.contains(misbehaviour.expectedReason) == true, "\(refusals)")
        #expect(refusals.first?.claimedName == misbehaviour.expectedClaimedName)
        #expect(refusals.first?.remoteAddress.hasPrefix("127.0.0.1:") == true)
        let warnings = federation.recorder.metadata(level: .warning, message: "refused connection")
        #expect(warnings.contains { "\($0["reason"] ?? "")".contains(misbehaviour.expectedReason) })

        good.send([1, 2, 3], to: "node")
        var atNode = node.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atNode) == [InboundFrame(from: "good", bytes: [1, 2, 3])])
        #expect(node.refusals.count == 1)
        await good.shutdown()
        await node.shutdown()
    }

    /// Plays `misbehaviour` after the node's hello has arrived.
    private func misbehave(
        _ misbehaviour: Misbehaviour, on raw: RawConnection, nodeNonce: [UInt8], federation: TestFederation
    ) async throws {
        switch misbehaviour {
        case .unknownName:
            await raw.send(HandMadeFrame.hello(name: "outsider"))
        case .wrongKey:
            await raw.send(HandMadeFrame.hello(name: "mallory"))
            let impostor = SigningAccount.deterministic(seed: 1, index: 99)
            await raw.send(HandMadeFrame.proof(signer: impostor, signerName: "mallory", verifierName: "node", nonce: nodeNonce))
        case .garbage:
            await raw.send(Array("GET / HTTP/1.1\r\nHost: node\r\n\r\n".utf8))
        case .truncatedFrame:
            await raw.send(HandMadeFrame.bigEndian(100) + [1, 1] + [UInt8](repeating: 0, count: 8))
            await raw.close()
        case .oversizedLength:
            await raw.send(HandMadeFrame.bigEndian(UInt32(Self.frameLimitBytes + 1)))
        case .unknownKind:
            await raw.send(HandMadeFrame.frame(kind: 0x7F, fields: [1, 2]))
        case .wrongVersion:
            await raw.send(HandMadeFrame.frame(version: 9, kind: 1, fields: []))
        case .malformedHello:
            await raw.send(HandMadeFrame.frame(kind: 1, fields: [0, 5, 0x61, 0x62]))
        case .dataBeforeAuthentication:
            await raw.send(HandMadeFrame.hello(name: "mallory"))
            await raw.send(HandMadeFrame.frame(kind: 3, fields: [1, 2, 3]))
        case .silence:
            break
        }
    }

    @Test("A payload the validator rejects closes the member's connection; it and others are served afterwards")
    func validatorRejectsPayload() async throws {
        let federation = try await TestFederation(listening: ["node", "good"], clients: ["mallory"])
        let node = try await federation.start("node") { configuration in
            configuration.frameValidator = { payload in payload.first == 0xBA ? "starts with 0xBA" : nil }
        }
        let good = try await federation.start("good")
        let mallory = try await federation.start("mallory")

        mallory.send([0xBA, 1], to: "node")
        #expect(await eventually { !node.refusals.isEmpty })
        #expect(node.refusals.map(\.reason) == ["invalid payload: starts with 0xBA"])
        #expect(node.refusals.first?.claimedName == "mallory")
        #expect(await eventually { !mallory.isConnected(to: "node") })

        good.send([1], to: "node")
        var atNode = node.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atNode) == [InboundFrame(from: "good", bytes: [1])])
        mallory.send([2], to: "node")
        #expect(await receive(1, from: &atNode) == [InboundFrame(from: "mallory", bytes: [2])])
        #expect(node.refusals.count == 1)
        await mallory.shutdown()
        await good.shutdown()
        await node.shutdown()
    }

    @Test("An endpoint refuses a peer that answers its dial under another member's name")
    func dialledPeerMustBeWhoWasDialled() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "orderer1"])
        // orderer0 believes orderer1 listens where "impostor" (a member, orderer0 under another name) does.
        var directory = federation.directory
        let impostorAccount = SigningAccount.deterministic(seed: 4_242, index: 7)
        let impostorPort = try await freePort()
        directory["impostor"] = TCPMember(publicKey: impostorAccount.publicKey, listen: nil)
        directory["orderer1"]!.listen = TCPListenAddress(host: "127.0.0.1", port: impostorPort)
        let sender = try await federation.start("orderer0") { $0.directory = directory }
        var impostorConfiguration = federation.configuration(for: "orderer1")
        impostorConfiguration.address = "impostor"
        impostorConfiguration.identity = impostorAccount
        impostorConfiguration.listen = TCPListenAddress(host: "127.0.0.1", port: impostorPort)
        impostorConfiguration.directory = directory
        let impostor = try await TCPEndpoint.start(impostorConfiguration)

        sender.send([1], to: "orderer1")
        #expect(await eventually { sender.refusals.contains { $0.reason.contains("dialled orderer1") } })
        #expect(!sender.isConnected(to: "orderer1"))
        #expect(impostor.counters.framesReceived == 0)
        await impostor.shutdown()
        await sender.shutdown()
    }
}
