import LedgerPrimitives
import Monitor
import Testing
import Transport
@testable import Node

/// The status a node answers its driver with, on the wire: the resources a node process reports
/// about itself and how its process began ride at its end, each behind a presence byte.
struct NodeStatusCodecTests {
    static let reading = ProcessResourceReading(monotonicNanoseconds: 123_456_789_000, cpuNanoseconds: 2_340_000_000,
                                                residentBytes: 48 * 1024 * 1024, diskReadBytes: 4096, diskWrittenBytes: 1_234_944)

    static func status(resources: NodeStatus.ResourceReport?, processStart: NodeStatus.ProcessStart? = nil) -> NodeStatus {
        var traffic = TrafficCounters()
        traffic.bytesSent = 1000
        traffic.bytesReceived = 2000
        var status = NodeStatus(height: 12, headHash: .zero, stateDigest: nil, raftRole: .leader, term: 3, traffic: traffic,
                                diskReadBytes: 0, diskWrittenBytes: 512, resources: resources)
        status.processStart = processStart
        return status
    }

    /// Version, kind, request id, then the status: height 8, head 32, no state digest 1, role 1,
    /// term 8, no nonce 1, six counters 48, no stop reason 1, no configuration digest 1.
    static let frameBytesBeforeResources = 1 + 1 + 8 + (8 + 32 + 1 + 1 + 8 + 1 + 48 + 1 + 1)

    @Test func aStatusWithoutResourcesOrStartEndsInTwoAbsentMarks() throws {
        let frame = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame
        #expect(frame.count == Self.frameBytesBeforeResources + 2)
        #expect(Array(frame.suffix(2)) == [0, 0])
        #expect(try NodeMessage(frame: frame) == .statusAnswer(requestId: 9, status: Self.status(resources: nil)))
    }

    @Test func aReadingRoundTripsAfterTheEarlierFields() throws {
        let message = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: .reading(Self.reading)))
        let frame = message.frame
        // Present, the layout byte, five 64-bit counters, then no process start.
        #expect(frame.count == Self.frameBytesBeforeResources + 1 + 1 + 5 * 8 + 1)
        #expect(Array(frame.prefix(Self.frameBytesBeforeResources))
                == Array(NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame.prefix(Self.frameBytesBeforeResources)))
        #expect(frame[Self.frameBytesBeforeResources] == 1 && frame[Self.frameBytesBeforeResources + 1] == 1)
        let decoded = try NodeMessage(frame: frame)
        #expect(decoded == message)
        guard case .statusAnswer(_, let status) = decoded, case .reading(let reading) = status.resources else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(reading == Self.reading)
    }

    @Test func howTheProcessBeganRoundTrips() throws {
        for startedEmpty in [true, false] {
            let start = NodeStatus.ProcessStart(instance: 0xDEAD_BEEF_0123_4567, startedEmpty: startedEmpty)
            let message = NodeMessage.statusAnswer(requestId: 4, status: Self.status(resources: .reading(Self.reading), processStart: start))
            let frame = message.frame
            #expect(frame.count == Self.frameBytesBeforeResources + 1 + 1 + 5 * 8 + 1 + 8 + 1)
            #expect(try NodeMessage(frame: frame) == message)
            let bare = NodeMessage.statusAnswer(requestId: 4, status: Self.status(resources: nil, processStart: start))
            #expect(try NodeMessage(frame: bare.frame) == bare)
        }
    }

    @Test func anUnreadableReportCarriesItsReason() throws {
        let message = NodeMessage.statusAnswer(requestId: 1, status: Self.status(resources: .unreadable(reason: "/proc/self/io: cannot open")))
        #expect(try NodeMessage(frame: message.frame) == message)
        let long = NodeStatus(height: 0, headHash: .zero, stateDigest: nil, resources: .unreadable(reason: String(repeating: "x", count: 5000)))
        guard case .unreadable(let reason) = long.resources else { Issue.record("\(String(describing: long.resources))"); return }
        #expect(reason.utf8.count == 1_000)
        #expect(try NodeMessage(frame: NodeMessage.statusAnswer(requestId: 1, status: long).frame) == .statusAnswer(requestId: 1, status: long))
    }

    /// One value, one encoding: a stray byte, an unknown layout, a missing mark or a cut field is
    /// refused rather than read some other way.
    @Test func strayUnknownMissingOrCutBytesAreRefused() {
        let plain = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame
        #expect(throws: CodecError.self) { try NodeMessage(frame: plain + [0]) }
        #expect(throws: CodecError.self) { try NodeMessage(frame: Array(plain.dropLast())) }
        #expect(throws: CodecError.unknownTag(field: "status.resources", tag: 3)) { try NodeMessage(frame: Array(plain.dropLast(2)) + [1, 3]) }
        let full = NodeMessage.statusAnswer(requestId: 9, status: Self.status(
            resources: .reading(Self.reading), processStart: NodeStatus.ProcessStart(instance: 7, startedEmpty: true))).frame
        #expect(throws: CodecError.self) { try NodeMessage(frame: Array(full.dropLast(3))) }
        #expect(throws: CodecError.self) { try NodeMessage(frame: full + [0]) }
    }
}
