@testable import LedgerCore
import LedgerPrimitives
import Testing
@testable import Transport

@Suite("In-process network: delivery, counters, order")
struct InProcessNetworkDeliveryTests {
    @Test("A frame arrives with its sender and its bytes")
    func deliversSenderAndBytes() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let orderer = network.endpoint(for: "orderer0")
        let peer = network.endpoint(for: "peer0.org1")

        orderer.send([1, 2, 3], to: "peer0.org1")
        peer.send([9], to: "orderer0")

        let atPeer = await receive(1, from: peer.inbox)
        let atOrderer = await receive(1, from: orderer.inbox)
        #expect(atPeer == [InboundFrame(from: "orderer0", bytes: [1, 2, 3])])
        #expect(atOrderer == [InboundFrame(from: "peer0.org1", bytes: [9])])
    }

    @Test("Counters count bytes and frames exactly, on both sides")
    func countersAreExact() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let client = network.endpoint(for: "client")
        let peer = network.endpoint(for: "peer0.org1")

        for size in 1...10 {
            client.send([UInt8](repeating: 7, count: size), to: "peer0.org1")
        }
        peer.send([UInt8](repeating: 1, count: 100), to: "client")
        _ = await receive(10, from: peer.inbox)
        _ = await receive(1, from: client.inbox)

        var expectedClient = TrafficCounters()
        expectedClient.framesSent = 10
        expectedClient.bytesSent = 55
        expectedClient.framesReceived = 1
        expectedClient.bytesReceived = 100
        var expectedPeer = TrafficCounters()
        expectedPeer.framesSent = 1
        expectedPeer.bytesSent = 100
        expectedPeer.framesReceived = 10
        expectedPeer.bytesReceived = 55
        #expect(client.counters == expectedClient)
        #expect(peer.counters == expectedPeer)
    }

    @Test("Frames between two nodes arrive in the order sent when there is no jitter")
    func fifoWithoutJitter() async {
        for links in [LinkSettings(), LinkSettings(latency: .milliseconds(2))] {
            let network = InProcessNetwork(seed: 3, links: links)
            let sender = network.endpoint(for: "orderer0")
            let receiver = network.endpoint(for: "peer0.org1")
            for number in 0..<2_000 {
                sender.send(frameBytes(number), to: "peer0.org1")
            }
            let numbers = await receive(2_000, from: receiver.inbox).map { frameNumber($0.bytes) }
            #expect(numbers == Array(0..<2_000), "links \(links)")
            network.shutdown()
        }
    }

    @Test("Concurrent senders are all counted, and every frame arrives")
    func concurrentSenders() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let senders = (0..<4).map { network.endpoint(for: NodeAddress("peer\($0)")) }
        let orderer = network.endpoint(for: "orderer0")

        await withTaskGroup(of: Void.self) { group in
            for sender in senders {
                group.addTask {
                    for number in 0..<1_000 {
                        sender.send(frameBytes(number), to: "orderer0")
                    }
                }
            }
        }
        let frames = await receive(4_000, from: orderer.inbox)

        #expect(orderer.counters.framesReceived == 4_000)
        #expect(orderer.counters.bytesReceived == 16_000)
        for sender in senders {
            #expect(sender.counters.framesSent == 1_000)
            let numbers = frames.filter { $0.from == sender.address }.map { frameNumber($0.bytes) }
            #expect(numbers == Array(0..<1_000))
        }
    }

    @Test("Registering an address twice stops the process")
    func doubleRegistrationTraps() async {
        await #expect(processExitsWith: .failure) {
            let network = InProcessNetwork(seed: 1)
            _ = network.endpoint(for: "orderer0")
            _ = network.endpoint(for: "orderer0")
        }
    }

    @Test("A frame to an unregistered address is dropped and counted")
    func unknownDestinationIsDropped() {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let client = network.endpoint(for: "client")

        client.send([1, 2], to: "nobody")

        #expect(client.counters.framesSent == 1)
        #expect(client.counters.bytesSent == 2)
        #expect(client.counters.framesDropped.unknownDestination == 1)
        #expect(client.counters.framesDropped.total == 1)
    }

    @Test("A full inbox drops the frames beyond its capacity and counts them on the sender")
    func fullInboxDrops() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let sender = network.endpoint(for: "client")
        let receiver = network.endpoint(for: "peer0.org1", inboxCapacity: 4)

        for number in 0..<10 {
            sender.send(frameBytes(number), to: "peer0.org1")
        }

        #expect(sender.counters.framesDropped.inboxFull == 6)
        #expect(receiver.counters.framesReceived == 4)
        let numbers = await receive(4, from: receiver.inbox).map { frameNumber($0.bytes) }
        #expect(numbers == [0, 1, 2, 3])
    }

    @Test("Shutdown finishes every inbox after its buffered frames and drops later sends")
    func shutdownFinishesInboxes() async {
        let network = InProcessNetwork(seed: 1, links: LinkSettings(latency: .seconds(30)))
        let fast = InProcessNetwork(seed: 1)
        let sender = fast.endpoint(for: "a")
        let receiver = fast.endpoint(for: "b")
        let slowSender = network.endpoint(for: "a")
        _ = network.endpoint(for: "b")
        sender.send([1], to: "b")
        sender.send([2], to: "b")
        slowSender.send([3], to: "b")

        fast.shutdown()
        network.shutdown()
        sender.send([4], to: "b")

        var delivered: [[UInt8]] = []
        for await frame in receiver.inbox {
            delivered.append(frame.bytes)
        }
        #expect(delivered == [[1], [2]])
        #expect(sender.counters.framesDropped.closed == 1)
        #expect(slowSender.counters.framesDropped.closed == 1)
        let late = network.endpoint(for: "late")
        var lateFrames = 0
        for await _ in late.inbox { lateFrames += 1 }
        #expect(lateFrames == 0)
    }
}

@Suite("In-process network: loss and its seed")
struct InProcessNetworkLossTests {
    /// Sends 10,000 numbered frames over a lossy link and returns the numbers that arrived.
    func survivingFrameNumbers(seed: UInt64, lossProbability: Double) async -> (Set<Int>, TrafficCounters) {
        let network = InProcessNetwork(seed: seed, links: LinkSettings(lossProbability: lossProbability))
        defer { network.shutdown() }
        let sender = network.endpoint(for: "client")
        let receiver = network.endpoint(for: "peer0.org1")
        for number in 0..<10_000 {
            sender.send(frameBytes(number), to: "peer0.org1")
        }
        let arrived = receiver.counters.framesReceived
        let numbers = await receive(arrived, from: receiver.inbox).map { frameNumber($0.bytes) }
        return (Set(numbers), sender.counters)
    }

    @Test("Loss 0.3 drops about 30% of 10,000 frames, and every frame is either delivered or dropped")
    func lossRate() async {
        let (arrived, counters) = await survivingFrameNumbers(seed: 42, lossProbability: 0.3)
        #expect((2_700...3_300).contains(counters.framesDropped.loss))
        #expect(counters.framesDropped.total == counters.framesDropped.loss)
        #expect(arrived.count + counters.framesDropped.loss == 10_000)
    }

    @Test("The same seed drops the same frames; another seed drops others")
    func lossReplaysFromSeed() async {
        let (first, _) = await survivingFrameNumbers(seed: 7, lossProbability: 0.3)
        let (second, _) = await survivingFrameNumbers(seed: 7, lossProbability: 0.3)
        let (other, _) = await survivingFrameNumbers(seed: 8, lossProbability: 0.3)
        #expect(first == second)
        #expect(first != other)
    }

    @Test("A per-link setting overrides the default in one direction only")
    func perLinkOverride() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")
        network.setLink(from: "a", to: "b", settings: LinkSettings(lossProbability: 1))

        a.send([1], to: "b")
        b.send([2], to: "a")
        #expect(a.counters.framesDropped.loss == 1)
        #expect(await receive(1, from: a.inbox).map(\.bytes) == [[2]])

        network.setLink(from: "a", to: "b", settings: nil)
        a.send([3], to: "b")
        #expect(await receive(1, from: b.inbox).map(\.bytes) == [[3]])
    }
}

@Suite("In-process network: partitions, isolation, disconnection")
struct InProcessNetworkFaultTests {
    @Test("A partition blocks both directions across groups, and heal restores them")
    func partitionAndHeal() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")
        let c = network.endpoint(for: "c")
        let client = network.endpoint(for: "client")
        network.partition([["a", "b"], ["c"]])

        a.send([1], to: "c")
        c.send([2], to: "a")
        a.send([3], to: "b")
        client.send([4], to: "c")
        c.send([5], to: "client")

        #expect(a.counters.framesDropped.partition == 1)
        #expect(c.counters.framesDropped.partition == 1)
        #expect(await receive(1, from: b.inbox).map(\.bytes) == [[3]])
        #expect(await receive(1, from: c.inbox).map(\.bytes) == [[4]])
        #expect(await receive(1, from: client.inbox).map(\.bytes) == [[5]])

        network.heal()
        a.send([6], to: "c")
        c.send([7], to: "a")
        #expect(await receive(1, from: c.inbox).map(\.bytes) == [[6]])
        #expect(await receive(1, from: a.inbox).map(\.bytes) == [[7]])
        #expect(a.counters.framesReceived == 1)
        #expect(c.counters.framesReceived == 2)
    }

    @Test("An isolated node reaches no one and no one reaches it, until heal")
    func isolation() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")
        network.isolate("a")

        a.send([1], to: "b")
        b.send([2], to: "a")
        #expect(a.counters.framesDropped.partition == 1)
        #expect(b.counters.framesDropped.partition == 1)

        network.heal()
        a.send([3], to: "b")
        #expect(await receive(1, from: b.inbox).map(\.bytes) == [[3]])
    }

    @Test("A disconnected node's frames, and frames to it, are dropped until it reconnects")
    func disconnectAndReconnect() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")
        network.disconnect("b")

        a.send([1], to: "b")
        b.send([2], to: "a")
        #expect(a.counters.framesDropped.disconnected == 1)
        #expect(b.counters.framesDropped.disconnected == 1)
        network.heal()
        a.send([3], to: "b")
        #expect(a.counters.framesDropped.disconnected == 2)

        network.reconnect("b")
        a.send([4], to: "b")
        b.send([5], to: "a")
        #expect(await receive(1, from: b.inbox).map(\.bytes) == [[4]])
        #expect(await receive(1, from: a.inbox).map(\.bytes) == [[5]])
    }

    @Test("A frame in flight to a node that disconnects before it is due is dropped")
    func inFlightFrameToDisconnectedNode() async {
        let network = InProcessNetwork(seed: 1, links: LinkSettings(latency: .milliseconds(200)))
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")

        a.send([1], to: "b")
        network.disconnect("b")

        #expect(await eventually { a.counters.framesDropped.disconnected == 1 })
        #expect(b.counters.framesReceived == 0)
    }
}

@Suite("In-process network: latency and jitter")
struct InProcessNetworkDelayTests {
    @Test("A frame is not delivered before its link's latency has passed")
    func latencyIsRespected() async {
        let latency = Duration.milliseconds(100)
        let network = InProcessNetwork(seed: 1, links: LinkSettings(latency: latency))
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")

        let start = ContinuousClock.now
        a.send([1], to: "b")
        #expect(b.counters.framesReceived == 0)
        _ = await receive(1, from: b.inbox)
        let elapsed = ContinuousClock.now - start

        #expect(elapsed >= latency)
        #expect(elapsed < .seconds(30))
    }

    @Test("An earlier frame scheduled behind a later one wakes the delivery thread")
    func earlierFrameOvertakes() async {
        let network = InProcessNetwork(seed: 1)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")
        network.setLink(from: "a", to: "b", settings: LinkSettings(latency: .seconds(120)))
        network.setLink(from: "b", to: "a", settings: LinkSettings(latency: .milliseconds(10)))

        a.send([1], to: "b")
        let start = ContinuousClock.now
        b.send([2], to: "a")
        _ = await receive(1, from: a.inbox)

        #expect(ContinuousClock.now - start < .seconds(60))
        #expect(b.counters.framesReceived == 0)
    }

    @Test("Jitter reorders frames, and every frame still arrives")
    func jitterReorders() async {
        let links = LinkSettings(latency: .milliseconds(20), jitter: .milliseconds(20))
        let network = InProcessNetwork(seed: 5, links: links)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        let b = network.endpoint(for: "b")

        for number in 0..<200 {
            a.send(frameBytes(number), to: "b")
        }
        let numbers = await receive(200, from: b.inbox).map { frameNumber($0.bytes) }

        #expect(numbers != Array(0..<200))
        #expect(numbers.sorted() == Array(0..<200))
    }

    @Test("Frames beyond the in-flight bound are dropped and counted")
    func inFlightBound() {
        let network = InProcessNetwork(seed: 1, links: LinkSettings(latency: .seconds(30)), maximumFramesInFlight: 3)
        defer { network.shutdown() }
        let a = network.endpoint(for: "a")
        _ = network.endpoint(for: "b")

        for number in 0..<5 {
            a.send(frameBytes(number), to: "b")
        }

        #expect(a.counters.framesDropped.inFlightLimit == 2)
    }
}

@Suite("Link settings")
struct LinkSettingsTests {
    @Test("Jitter stays within latency ± jitter and never goes below zero")
    func delayBounds() {
        var generator = SeededGenerator(seed: 11)
        let link = LinkSettings(latency: .milliseconds(5), jitter: .milliseconds(10))
        for _ in 0..<1_000 {
            let delay = link.frameDelay(using: &generator)
            #expect(delay >= .zero && delay <= .milliseconds(15))
        }
    }

    @Test("Whole nanoseconds of a duration")
    func wholeNanoseconds() {
        #expect(Duration.milliseconds(3).wholeNanoseconds == 3_000_000)
        #expect(Duration.seconds(-2).wholeNanoseconds == -2_000_000_000)
        #expect(Duration.nanoseconds(17).wholeNanoseconds == 17)
    }

    @Test("The delayed-frame queue pops earliest first, FIFO among equal due instants")
    func delayedFrameQueueOrder() {
        var generator = SeededGenerator(seed: 3)
        let start = ContinuousClock.now
        var queue = DelayedFrameQueue()
        let counters = TrafficCounterCell()
        for sequenceNumber in 0..<500 {
            let offset = Duration.milliseconds(Int.random(in: 0..<20, using: &generator))
            queue.insert(DelayedFrame(
                due: start + offset, sequenceNumber: UInt64(sequenceNumber), source: "a", destination: "b",
                bytes: [], sourceCounters: counters
            ))
        }
        var popped: [DelayedFrame] = []
        while let frame = queue.removeFirst() {
            popped.append(frame)
        }
        #expect(popped.count == 500)
        #expect(zip(popped, popped.dropFirst()).allSatisfy { $0.precedes($1) })
    }

    @Test("Node addresses sort by name and print it")
    func nodeAddress() {
        let addresses: [NodeAddress] = ["peer0.org1", "orderer0", "client"]
        #expect(addresses.sorted().map(\.description) == ["client", "orderer0", "peer0.org1"])
    }
}
