import Testing
@testable import Transport
@testable import NetworkTransport

@Suite("TCP endpoint: injected latency, jitter and loss", .timeLimit(.minutes(2)))
struct TCPLinkTests {
    @Test("Loss 1.0 drops every frame on the sender and counts it; another link still delivers")
    func totalLossDropsEverything() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0", "peer1"])
        let lossy = try await federation.start("orderer0") { $0.links = LinkSettings(lossProbability: 1) }
        let receiver = try await federation.start("peer0")
        let other = try await federation.start("peer1")

        for number in 0..<100 {
            lossy.send(frameBytes(number), to: "peer0")
        }
        #expect(lossy.counters.framesSent == 100)
        #expect(lossy.counters.framesDropped.loss == 100)
        #expect(lossy.counters.framesDropped.total == 100)

        // The lossless sender's frame is the first the receiver sees.
        other.send([7], to: "peer0")
        var atReceiver = receiver.inbox.makeAsyncIterator()
        #expect(await receive(1, from: &atReceiver) == [InboundFrame(from: "peer1", bytes: [7])])
        #expect(receiver.counters.framesReceived == 1)
        #expect(!lossy.isConnected(to: "peer0"), "a link that loses everything never dials")
        for endpoint in [lossy, receiver, other] { await endpoint.shutdown() }
    }

    @Test("Partial loss drops about its share, drawn from the seed")
    func partialLossFollowsTheSeed() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0"])
        var dropCounts: [Int] = []
        for _ in 0..<2 {
            let lossy = try await federation.start("orderer0") { configuration in
                configuration.links = LinkSettings(lossProbability: 0.3)
                configuration.seed = 99
                configuration.listen = nil
            }
            for number in 0..<2_000 {
                lossy.send(frameBytes(number), to: "peer0")
            }
            dropCounts.append(lossy.counters.framesDropped.loss)
            await lossy.shutdown()
        }
        #expect((500...700).contains(dropCounts[0]), "\(dropCounts)")
        #expect(dropCounts[0] == dropCounts[1], "the same seed loses the same frames")
    }

    @Test("Latency delays every frame by at least the latency, and keeps order without jitter")
    func latencyDelaysFrames() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0", "peer1"])
        let latency = Duration.milliseconds(500)
        let sender = try await federation.start("orderer0") { configuration in
            configuration.links = LinkSettings(latency: latency)
            configuration.linkOverrides = ["peer1": LinkSettings()]
        }
        let delayed = try await federation.start("peer0")
        let direct = try await federation.start("peer1")
        // Connect both links first, so that the timing measures the latency, not the handshake.
        sender.send([0], to: "peer0")
        sender.send([0], to: "peer1")
        var atDelayed = delayed.inbox.makeAsyncIterator()
        var atDirect = direct.inbox.makeAsyncIterator()
        _ = await receive(1, from: &atDelayed)
        _ = await receive(1, from: &atDirect)

        let sentAt = ContinuousClock.now
        for number in 1...100 {
            sender.send(frameBytes(number), to: "peer0")
        }
        let frames = await receive(100, from: &atDelayed)
        let firstArrivalDelay = ContinuousClock.now - sentAt
        #expect(firstArrivalDelay >= latency)
        #expect(frames.map { frameNumber($0.bytes) } == Array(1...100))

        // The override has no latency: its frame does not wait out the default's.
        let directSentAt = ContinuousClock.now
        sender.send([9], to: "peer1")
        _ = await receive(1, from: &atDirect)
        let directDelay = ContinuousClock.now - directSentAt
        #expect(directDelay < latency, "the override was ignored: \(directDelay)")
        for endpoint in [sender, delayed, direct] { await endpoint.shutdown() }
    }

    @Test("Jitter delivers every frame, possibly reordered; the delay line is bounded")
    func jitterDeliversEverything() async throws {
        let federation = try await TestFederation(listening: ["orderer0", "peer0"])
        let sender = try await federation.start("orderer0") { configuration in
            configuration.links = LinkSettings(latency: .milliseconds(30), jitter: .milliseconds(25))
            configuration.maximumDelayedFrames = 300
        }
        let receiver = try await federation.start("peer0")
        for number in 0..<400 {
            sender.send(frameBytes(number), to: "peer0")
        }
        let delivered = 400 - sender.counters.framesDropped.inFlightLimit
        #expect(delivered >= 300)
        var atReceiver = receiver.inbox.makeAsyncIterator()
        let numbers = await receive(delivered, from: &atReceiver).map { frameNumber($0.bytes) }
        #expect(Set(numbers).count == delivered)
        #expect(sender.counters.framesDropped.total == sender.counters.framesDropped.inFlightLimit)
        await sender.shutdown()
        await receiver.shutdown()
    }
}
