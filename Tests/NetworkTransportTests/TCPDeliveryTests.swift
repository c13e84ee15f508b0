@testable import LedgerCore
import Testing
@testable import Transport
@testable import NetworkTransport

@Suite("TCP endpoint: delivery, order, counters, clients, restarts", .timeLimit(.minutes(2)))
struct TCPDeliveryTests {
    @Test("Two listening endpoints exchange frames both ways, in order, and count them exactly")
    func exchangeBothWays() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0"])
        let orderer = try await federation.start("orderer0")
        let peer = try await federation.start("peer0")
        let frameCount = 500
        // Sizes from 4 bytes to 256 KiB, so batches mix small frames with large ones.
        let sizes = (0..<frameCount).map { $0 % 50 == 49 ? 256 << 10 : 4 + $0 % 300 }
        for number in 0..<frameCount {
            orderer.send(frameBytes(number, paddedTo: sizes[number]), to: "peer0")
            peer.send(frameBytes(number + 10_000), to: "orderer0")
        }
        var atPeer = peer.inbox.makeAsyncIterator()
        var atOrderer = orderer.inbox.makeAsyncIterator()
        let toPeer = await receive(frameCount, from: &atPeer)
        let toOrderer = await receive(frameCount, from: &atOrderer)

        #expect(toPeer.map { frameNumber($0.bytes) } == Array(0..<frameCount))
        #expect(toPeer.map(\.bytes.count) == sizes)
        #expect(toPeer.allSatisfy { $0.from == "orderer0" })
        #expect(toOrderer.map { frameNumber($0.bytes) } == Array(10_000..<10_000 + frameCount))
        #expect(toOrderer.allSatisfy { $0.from == "peer0" })

        let payloadBytesToPeer = sizes.reduce(0, +)
        let framing = WireFormat.dataFrameOverheadBytes
        #expect(await eventually { peer.counters.framesReceived == frameCount && orderer.counters.framesReceived == frameCount })
        let ordererCounters = orderer.counters
        let peerCounters = peer.counters
        #expect(ordererCounters.framesSent == frameCount)
        #expect(ordererCounters.bytesSent == payloadBytesToPeer + frameCount * framing)
        #expect(peerCounters.bytesReceived == ordererCounters.bytesSent)
        #expect(peerCounters.framesSent == frameCount)
        #expect(peerCounters.bytesSent == frameCount * (4 + framing))
        #expect(ordererCounters.bytesReceived == peerCounters.bytesSent)
        #expect(ordererCounters.framesDropped.total == 0)
        #expect(peerCounters.framesDropped.total == 0)
        #expect(orderer.refusals.isEmpty && peer.refusals.isEmpty)
        #expect(orderer.isConnected(to: "peer0") && peer.isConnected(to: "orderer0"))

        await orderer.shutdown()
        await peer.shutdown()
    }

    @Test("A client without a listen address sends requests and gets replies over its own connection")
    func clientGetsRepliesOverItsConnection() async throws {
        let federation = try await TestFederation(listening: ["orderer0"], clients: ["driver"])
        let orderer = try await federation.start("orderer0")
        let driver = try await federation.start("driver")
        #expect(driver.listeningPort == nil)
        #expect(orderer.listeningPort == federation.port(of: "orderer0"))

        // Before the client has connected, the node cannot reach it.
        orderer.send([1], to: "driver")
        #expect(orderer.counters.framesDropped.unreachable == 1)

        var atOrderer = orderer.inbox.makeAsyncIterator()
        var atDriver = driver.inbox.makeAsyncIterator()
        let requestCount = 200
        for number in 0..<requestCount {
            driver.send(frameBytes(number), to: "orderer0")
        }
        for request in await receive(requestCount, from: &atOrderer) {
            #expect(request.from == "driver")
            orderer.send(frameBytes(frameNumber(request.bytes) + 1_000_000), to: "driver")
        }
        let replies = await receive(requestCount, from: &atDriver)
        #expect(replies.map { frameNumber($0.bytes) } == Array(1_000_000..<1_000_000 + requestCount))
        #expect(replies.allSatisfy { $0.from == "orderer0" })
        #expect(orderer.isConnected(to: "driver"))
        #expect(orderer.counters.framesDropped.total == 1)

        // Once the client is gone, frames for it are dropped again.
        await driver.shutdown()
        #expect(await eventually { !orderer.isConnected(to: "driver") })
        orderer.send([2], to: "driver")
        #expect(orderer.counters.framesDropped.unreachable == 2)
        await orderer.shutdown()
    }

    @Test("A node restarted on the same port is reached again; frames sent meanwhile arrive or are counted as dropped")
    func restartedNodeIsReachedAgain() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "orderer1"])
        let queueLimit = 50
        let sender = try await federation.start("orderer0") { $0.maximumQueuedFramesPerDestination = queueLimit }
        var receiver = try await federation.start("orderer1")

        for number in 0..<10 {
            sender.send(frameBytes(number), to: "orderer1")
        }
        var atReceiver = receiver.inbox.makeAsyncIterator()
        #expect(await receive(10, from: &atReceiver).map { frameNumber($0.bytes) } == Array(0..<10))

        await receiver.shutdown()
        #expect(await eventually { !sender.isConnected(to: "orderer1") })
        // While the receiver is down: the first `queueLimit` frames wait, the rest overflow.
        for number in 100..<180 {
            sender.send(frameBytes(number), to: "orderer1")
        }
        #expect(sender.counters.framesDropped.queueFull == 180 - 100 - queueLimit)
        // Let a few redials fail before the node comes back.
        try await Task.sleep(for: .milliseconds(300))

        receiver = try await federation.start("orderer1")
        atReceiver = receiver.inbox.makeAsyncIterator()
        let waited = await receive(queueLimit, from: &atReceiver)
        #expect(waited.map { frameNumber($0.bytes) } == Array(100..<100 + queueLimit))

        for number in 200..<210 {
            sender.send(frameBytes(number), to: "orderer1")
        }
        receiver.send([42], to: "orderer0")
        #expect(await receive(10, from: &atReceiver).map { frameNumber($0.bytes) } == Array(200..<210))
        var atSender = sender.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atSender) == [InboundFrame(from: "orderer1", bytes: [42])])

        let counters = sender.counters
        #expect(counters.framesSent == 10 + 80 + 10)
        #expect(counters.framesDropped.total == counters.framesDropped.queueFull)
        #expect(counters.framesSent == 10 + queueLimit + 10 + counters.framesDropped.total)
        await sender.shutdown()
        await receiver.shutdown()
    }

    @Test("Frames up to the size limit pass; larger ones, unknown destinations and sends after shutdown are dropped")
    func sizeLimitUnknownDestinationAndShutdown() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0"])
        let limit = 1 << 20
        let sender = try await federation.start("orderer0") { $0.maximumFrameBytes = limit }
        let receiver = try await federation.start("peer0") { $0.maximumFrameBytes = limit }

        let largest = [UInt8](repeating: 9, count: limit - WireFormat.bodyHeaderBytes)
        sender.send(largest + [1], to: "peer0")
        sender.send([1], to: "nobody")
        sender.send(largest, to: "peer0")
        var atReceiver = receiver.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atReceiver).map(\.bytes) == [largest])
        #expect(sender.counters.framesDropped.frameTooLarge == 1)
        #expect(sender.counters.framesDropped.unknownDestination == 1)
        #expect(receiver.refusals.isEmpty)

        // A frame to itself goes straight to its own inbox.
        sender.send([5, 5], to: "orderer0")
        var atSender = sender.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atSender) == [InboundFrame(from: "orderer0", bytes: [5, 5])])

        await receiver.shutdown()
        await receiver.shutdown()
        #expect(await atReceiver.next() == nil, "the inbox finishes at shutdown")
        receiver.send([1], to: "orderer0")
        #expect(receiver.counters.framesDropped.closed == 1)
        await sender.shutdown()
    }

    @Test("A configuration with a bad key or limit does not start")
    func invalidConfigurationIsRejected() async throws {
        let federation = try await TestFederation(listening: ["orderer0"])
        await #expect(throws: TCPEndpointError.self) {
            _ = try await federation.start("orderer0") { $0.directory["orderer0"]!.publicKey = [1, 2, 3] }
        }
        await #expect(throws: TCPEndpointError.self) {
            _ = try await federation.start("orderer0") { $0.maximumFrameBytes = 10 }
        }
    }

    @Test("A port already in use is reported, not crashed on")
    func portInUse() async throws {
        let federation = try await TestFederation(listening: ["orderer0"])
        let first = try await federation.start("orderer0")
        await #expect(throws: TCPEndpointError.self) {
            _ = try await federation.start("orderer0")
        }
        await first.shutdown()
    }
}
