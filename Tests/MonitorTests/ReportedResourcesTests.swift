import Foundation
import Synchronization
import Testing
@testable import Monitor

#if canImport(Glibc)
import Glibc
#endif

/// Nodes that measure themselves: what a process reads of its own `/proc/self`, and how the
/// monitor turns nodes' reports (or their silence) into samples and round figures.
@Suite(.serialized, .timeLimit(.minutes(1)))
struct ReportedResourcesTests {
    /// This process's own reading agrees with the sampler's read of `/proc/<pid>` around it: the
    /// same parsers of the same files, so its counters lie between two driver reads.
    @Test func ownReadingLiesBetweenTheSamplersReadsAroundIt() async throws {
        let monitor = ResourceMonitor(nodes: [MonitoredNode(name: "self", source: .process(pid: getpid()))])
        let own = OwnProcessResources()
        var burned = 0.0
        for index in 0..<2_000_000 { burned += sin(Double(index)) }   // some CPU time to count
        let before = try #require(await monitor.sampleNow().samples.first)
        let reading = try own.read()
        let after = try #require(await monitor.sampleNow().samples.first)
        let tickSeconds = 1 / Double(sysconf(Int32(_SC_CLK_TCK)))
        let cpuSeconds = Double(reading.cpuNanoseconds) / 1e9
        #expect(cpuSeconds > 0, "burned \(burned)")
        #expect(cpuSeconds >= before.cpuSeconds - tickSeconds && cpuSeconds <= after.cpuSeconds + tickSeconds,
                "\(cpuSeconds) s, sampler \(before.cpuSeconds)...\(after.cpuSeconds) s")
        #expect(reading.monotonicNanoseconds >= before.timeNanoseconds && reading.monotonicNanoseconds <= after.timeNanoseconds)
        #expect(reading.diskReadBytes >= before.diskReadBytes && reading.diskReadBytes <= after.diskReadBytes)
        #expect(reading.diskWrittenBytes >= before.diskWrittenBytes && reading.diskWrittenBytes <= after.diskWrittenBytes)
        let lowest = Double(min(before.residentBytes, after.residentBytes)), highest = Double(max(before.residentBytes, after.residentBytes))
        #expect(Double(reading.residentBytes) >= lowest * 0.97 && Double(reading.residentBytes) <= highest * 1.03)
    }

    /// CPU% of a reporting node divides by its own clock, not by when its answers arrived: answers
    /// that arrive together still give the share the node measured.
    @Test func reportedCPUPercentUsesTheNodesClock() async throws {
        let script = ReportScript([
            .measured(Self.report(nodeSeconds: 100, cpuSeconds: 10, resident: 1000, read: 0, written: 0, received: 0, sent: 0)),
            .measured(Self.report(nodeSeconds: 102, cpuSeconds: 11, resident: 3000, read: 100, written: 4096, received: 500, sent: 700)),
        ])
        let monitor = ResourceMonitor(nodes: [MonitoredNode(name: "far", report: { script.next() })])
        let start = await monitor.sampleNow()
        let end = await monitor.sampleNow()
        #expect(start.failures.isEmpty && end.failures.isEmpty)
        let far = try #require(await monitor.summary(from: start, to: end).first)
        #expect(far.isMeasured && far.sampleCount == 2 && far.missedSampleCount == 0)
        #expect(far.cpuMeanPercent == 50 && far.cpuMaxPercent == 50 && far.cpuSeconds == 1)
        #expect(far.spanSeconds == 2)
        #expect(far.residentMeanBytes == 2000 && far.residentMaxBytes == 3000)
        #expect(far.diskReadBytes == 100 && far.diskWrittenBytes == 4096)
        #expect(far.networkInBytes == 500 && far.networkOutBytes == 700)
        #expect(far.diskSource == .reportedProcIO && far.networkSource == .transportCounters && far.memoryScope == .process)
    }

    /// A node that gives no report leaves a missed sample with its reason: the window's figures
    /// count it, and a node with no sample at all is not measured rather than zero.
    @Test func aSilentNodeIsCountedAsMissedNeverAsZero() async throws {
        let script = ReportScript([
            .measured(Self.report(nodeSeconds: 1, cpuSeconds: 0, resident: 1000, read: 0, written: 0, received: 0, sent: 0)),
            .missing(reason: "did not answer its status request within 2000 ms"),
            .measured(Self.report(nodeSeconds: 3, cpuSeconds: 1, resident: 1000, read: 0, written: 0, received: 0, sent: 0)),
        ])
        let silent = ReportScript([.missing(reason: "did not answer"), .missing(reason: "still silent"), .missing(reason: "gone")])
        let monitor = ResourceMonitor(nodes: [
            MonitoredNode(name: "flaky", report: { script.next() }),
            MonitoredNode(name: "silent", report: { silent.next() }),
        ])
        let start = await monitor.sampleNow()
        let middle = await monitor.sampleNow()
        let end = await monitor.sampleNow()
        #expect(start.failures.map(\.node) == ["silent"])
        #expect(Set(middle.failures.map(\.node)) == ["flaky", "silent"])
        #expect(middle.failures.allSatisfy { $0.sampleIsMissing && $0.procFileError == nil })
        let figures = await monitor.summary(from: start, to: end)
        #expect(figures.map(\.node) == ["flaky", "silent"])
        let flaky = figures[0], silentFigures = figures[1]
        #expect(flaky.isMeasured && flaky.sampleCount == 2 && flaky.missedSampleCount == 1)
        #expect(flaky.missedReason == "did not answer its status request within 2000 ms")
        #expect(flaky.cpuMeanPercent == 50)
        #expect(!silentFigures.isMeasured && silentFigures.sampleCount == 0 && silentFigures.missedSampleCount == 3)
        #expect(silentFigures.missedReason == "gone")
        #expect(silentFigures.diskSource == .unavailable && silentFigures.networkSource == .unavailable)
        #expect(await monitor.missedSamples(fromNanoseconds: start.startNanoseconds, toNanoseconds: end.endNanoseconds).count == 4)
    }

    static func report(nodeSeconds: UInt64, cpuSeconds: UInt64, resident: UInt64, read: UInt64, written: UInt64,
                       received: UInt64, sent: UInt64) -> ReportedResources {
        ReportedResources(
            reading: ProcessResourceReading(monotonicNanoseconds: nodeSeconds * 1_000_000_000, cpuNanoseconds: cpuSeconds * 1_000_000_000,
                                            residentBytes: resident, diskReadBytes: read, diskWrittenBytes: written),
            networkInBytes: received, networkOutBytes: sent)
    }
}

/// Hands out prepared reports in order, one per pass; then reports itself out of script.
final class ReportScript: Sendable {
    private let reports: Mutex<[NodeReport]>

    init(_ reports: [NodeReport]) {
        self.reports = Mutex(reports)
    }

    func next() -> NodeReport {
        reports.withLock { $0.isEmpty ? .missing(reason: "out of script") : $0.removeFirst() }
    }
}
