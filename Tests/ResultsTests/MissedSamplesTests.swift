import Foundation
import Monitor
import Testing
@testable import Results

/// A node the monitor could not sample is said to be so, in run.json and in the report: its
/// figures are NaN (not measured) rather than 0, and a note names the node and the reason.
struct MissedSamplesTests {
    static func resources(node: String, samples: Int, missed: Int, reason: String?) -> NodeResources {
        let missedFailures = (0..<missed).map { index in
            NodeSamplingFailure(node: node, missingReport: reason ?? "", timeNanoseconds: 1_000 + UInt64(index))
        }
        var taken: [ResourceSample] = []
        for index in 0..<samples {
            let second = UInt64(index + 1)
            let driverTime: UInt64 = 2_000_000_000 * second
            let nodeTime: UInt64 = 1_000_000_000 * second
            taken.append(ResourceSample(node: node, timeNanoseconds: driverTime, cpuSeconds: Double(index), residentBytes: 1_000,
                                        diskSource: .reportedProcIO, networkSource: .transportCounters,
                                        nodeTimeNanoseconds: nodeTime))
        }
        return RoundResources.summarise(samples: taken, missed: missedFailures, fromNanoseconds: 0, toNanoseconds: .max)[0]
    }

    @Test func aNodeWithoutSamplesIsNotMeasuredAndSaysWhy() throws {
        let figures = NodeResourceFigures(Self.resources(node: "peer3", samples: 0, missed: 2, reason: "did not answer its status request within 2000 ms"))
        #expect(!figures.isMeasured)
        #expect(figures.cpuMeanPercent.isNaN && figures.memoryMeanBytes.isNaN && figures.networkInBytes.isNaN && figures.diskWrittenBytes.isNaN)
        #expect(figures.missedSamples == 2)
        #expect(figures.missedNote == "peer3: not measured, 2 samples missed (did not answer its status request within 2000 ms)")

        let round = RoundResourceReport(label: "open", nodes: [figures])
        let html = HTMLReport.resourceTable(round)
        #expect(html.contains("not measured") && html.contains("Samples missed: peer3: not measured"))
        let json = String(decoding: try RunJSON.encode(round), as: UTF8.self)
        #expect(json.contains("\"missedSamples\" : 2") && json.contains("\"cpuMeanPercent\" : \"nan\""), "\(json)")
    }

    @Test func aNodeThatMissedSomeSamplesKeepsItsFiguresWithANote() {
        let figures = NodeResourceFigures(Self.resources(node: "peer1", samples: 2, missed: 1, reason: "did not answer"))
        #expect(figures.isMeasured && figures.cpuMeanPercent == 100 && figures.missedSamples == 1)
        #expect(figures.missedNote == "peer1: 1 sample missed (did not answer); its figures cover only the samples taken")
    }

    @Test func aFullySampledNodeHasNoNoteAndItsJSONIsAsBefore() throws {
        let figures = NodeResourceFigures(Self.resources(node: "peer0", samples: 3, missed: 0, reason: nil))
        #expect(figures.isMeasured && figures.missedSamples == nil && figures.missedNote == nil)
        let json = String(decoding: try JSONEncoder().encode(figures), as: UTF8.self)
        #expect(!json.contains("missed"))
        // A run.json written before nodes could miss samples still reads.
        let decoded = try JSONDecoder().decode(NodeResourceFigures.self, from: Data(json.utf8))
        #expect(decoded == figures)
    }
}
