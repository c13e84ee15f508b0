import LedgerPrimitives
import Monitor
import Testing
import Transport
@testable import Node

/// The status a node answers its driver with, on the wire: the resources a node process reports
/// about itself ride at its end, and a status without them is encoded as before they existed.
struct NodeStatusCodecTests {
    static let reading = ProcessResourceReading(monotonicNanoseconds: 123_456_789_000, cpuNanoseconds: 2_340_000_000,
                                                residentBytes: 48 * 1024 * 1024, diskReadBytes: 4096, diskWrittenBytes: 1_234_944)

    static func status(resources: NodeStatus.ResourceReport?) -> NodeStatus {
        var traffic = TrafficCounters()
        traffic.bytesSent = 1000
        traffic.bytesReceived = 2000
        return NodeStatus(height: 12, headHash: .zero, stateDigest: nil, raftRole: .leader, term: 3, traffic: traffic,
                          diskReadBytes: 0, diskWrittenBytes: 512, resources: resources)
    }

    /// Version, kind, request id, then the status: height 8, head 32, no state digest 1, role 1,
    /// term 8, no nonce 1, six counters 48, no stop reason 1, no configuration digest 1.
    static let frameBytesWithoutResources = 1 + 1 + 8 + (8 + 32 + 1 + 1 + 8 + 1 + 48 + 1 + 1)

    @Test func aStatusWithoutResourcesKeepsItsEarlierEncoding() throws {
        let frame = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame
        #expect(frame.count == Self.frameBytesWithoutResources)
        #expect(try NodeMessage(frame: frame) == .statusAnswer(requestId: 9, status: Self.status(resources: nil)))
    }

    @Test func aReadingRoundTripsAfterTheEarlierFields() throws {
        let message = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: .reading(Self.reading)))
        let frame = message.frame
        // The layout byte, then five 64-bit counters.
        #expect(frame.count == Self.frameBytesWithoutResources + 1 + 5 * 8)
        #expect(Array(frame.prefix(Self.frameBytesWithoutResources))
                == NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame)
        #expect(frame[Self.frameBytesWithoutResources] == 1)
        let decoded = try NodeMessage(frame: frame)
        #expect(decoded == message)
        guard case .statusAnswer(_, let status) = decoded, case .reading(let reading) = status.resources else {
            Issue.record("decoded \(decoded)")
            return
        }
        #expect(reading == Self.reading)
    }

    @Test func anUnreadableReportCarriesItsReason() throws {
        let message = NodeMessage.statusAnswer(requestId: 1, status: Self.status(resources: .unreadable(reason: "/proc/self/io: cannot open")))
        #expect(try NodeMessage(frame: message.frame) == message)
        let long = NodeStatus(height: 0, headHash: .zero, stateDigest: nil, resources: .unreadable(reason: String(repeating: "x", count: 5000)))
        guard case .unreadable(let reason) = long.resources else { Issue.record("\(String(describing: long.resources))"); return }
        #expect(reason.utf8.count == 1_000)
        #expect(try NodeMessage(frame: NodeMessage.statusAnswer(requestId: 1, status: long).frame) == .statusAnswer(requestId: 1, status: long))
    }

    /// One value, one encoding: an absent report is no bytes at all, so a stray byte, an unknown
    /// layout or a cut reading is refused rather than read some other way.
    @Test func strayUnknownOrCutResourceBytesAreRefused() {
        let plain = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: nil)).frame
        #expect(throws: CodecError.self) { try NodeMessage(frame: plain + [0]) }
        #expect(throws: CodecError.unknownTag(field: "status.resources", tag: 3)) { try NodeMessage(frame: plain + [3]) }
        let full = NodeMessage.statusAnswer(requestId: 9, status: Self.status(resources: .reading(Self.reading))).frame
        #expect(throws: CodecError.self) { try NodeMessage(frame: Array(full.dropLast(3))) }
        #expect(throws: CodecError.self) { try NodeMessage(frame: full + [0]) }
    }
}
