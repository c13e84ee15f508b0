import Foundation
import LedgerPrimitives
import Monitor
@testable import Node
import Testing
#if canImport(Glibc)
import Glibc
@testable import Federation
@testable import Load
@testable import BenchmarkSpec
#endif

/// The resources node processes report about themselves against the driver's own reading of their
/// `/proc/<pid>`: the two paths must give the same figures, so that a node on another host (whose
/// `/proc` the driver cannot read) is measured as one on this machine would be.
@Suite("Node-reported resources (end to end)", .serialized)
struct NodeReportedResourcesTests {
    /// The monitor samples each node twice in every pass, as the node reports itself (`peer0`) and
    /// from the driver's read of the child's `/proc` (`peer0 /proc`); a window from a quiet
    /// federation, through a round of load, to a quiet federation again is summarised both ways.
    ///
    /// Tolerances: CPU within 3 points of one core and bytes within 3%, the agreement the
    /// reported path promises. Both read the same counters of the same process; they differ only
    /// by what the node does between the two reads of a pass (a few milliseconds, on a federation
    /// at rest at both ends of the window) and by `stat`'s 10 ms clock ticks: 4 ticks over a window
    /// of several seconds is well under a point.
    ///
    /// Then one exact check at a single moment: each counter a node reports lies between the
    /// driver's reads just before asking and just after the answer (CPU within one clock tick), and
    /// its resident memory between theirs within 3%. Last, a killed node leaves a missed sample,
    /// named and counted, never zeros.
    @Test func nodeReportsAgreeWithTheDriversReadOfTheirProc() async throws {
        let directory = try ProcessDeploymentTests.scratch("reported-resources")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let plan = ProcessDeploymentTests.raftPlan(directory: directory, orderers: 1, electionTimeoutTicks: 10, seed: 33)
        let federation = try await ProcessFederation.start(plan, deployment: try ProcessDeploymentTests.deployment(directory))
        var stopped = false
        defer { if !stopped { Task { await federation.stop() } } }
        _ = try #require(await federation.awaitLeader(timeout: .seconds(30)))

        let processIds = await federation.nodeProcessIds()
        let reported = federation.monitoredNodes().filter { $0.name != "process" }
        try #require(reported.count == 5 && reported.allSatisfy { $0.source == .reported })
        let fromProc = try reported.map { node in
            MonitoredNode(name: node.name + " /proc", source: .process(pid: try #require(processIds[node.name])))
        }
        let monitor = ResourceMonitor(nodes: reported + fromProc)

        let start = await monitor.sampleNow()
        let accounts = AccountPool(seed: 33, count: 40, window: 2)
        let context = WorkloadContext(seed: 33, accounts: accounts, startMilliseconds: WallClock.nowMilliseconds())
        let generator = WorkloadGenerator(workload: .simpleOpen(SimpleArguments()), context: context)
        let runner = RoundRunner(target: FederationTarget(federation: federation), generator: generator, accounts: accounts,
                                 transactionTimeout: .seconds(8))
        let round = Task { await runner.run(label: "open", length: .transactions(600), schedule: FixedRateSchedule(tps: 150)) }
        // Samples during the round too, as the monitor's interval takes them.
        for _ in 0..<3 {
            try await Task.sleep(for: .seconds(1))
            let pass = await monitor.sampleNow()
            #expect(pass.failures.isEmpty, "\(pass.failures)")
        }
        let recording = await round.value
        #expect(recording.aggregate.succeeded > 500, "\(recording.aggregate.failures)")
        _ = await federation.settle(timeout: .seconds(5))
        try await Task.sleep(for: .milliseconds(500))
        let end = await monitor.sampleNow()
        #expect(start.failures.isEmpty && end.failures.isEmpty, "\(start.failures + end.failures)")

        let figures = Dictionary(uniqueKeysWithValues: await monitor.summary(from: start, to: end).map { ($0.node, $0) })
        for node in reported {
            let own = try #require(figures[node.name]), driver = try #require(figures[node.name + " /proc"])
            print("\(node.name): CPU \(own.cpuMeanPercent)% reported, \(driver.cpuMeanPercent)% from /proc; "
                  + "RSS \(own.residentMeanBytes) / \(driver.residentMeanBytes) B; disk written \(own.diskWrittenBytes) / "
                  + "\(driver.diskWrittenBytes) B, read \(own.diskReadBytes) / \(driver.diskReadBytes) B; "
                  + "network in \(own.networkInBytes) B, out \(own.networkOutBytes) B; span \(own.spanSeconds) / \(driver.spanSeconds) s")
            #expect(own.sampleCount == 5 && own.missedSampleCount == 0 && own.isMeasured)
            #expect(own.diskSource == .reportedProcIO && own.networkSource == .transportCounters && own.memoryScope == .process)
            #expect(own.cpuMeanPercent > 0, "\(node.name) used no CPU through a round of load")
            #expect(abs(own.cpuMeanPercent - driver.cpuMeanPercent) <= 3, "\(node.name): CPU")
            #expect(Self.relative(own.residentMeanBytes, driver.residentMeanBytes) <= 0.03, "\(node.name): resident memory")
            #expect(Self.relative(Double(own.diskWrittenBytes), Double(driver.diskWrittenBytes)) <= 0.03, "\(node.name): disk written")
            #expect(Self.relative(Double(own.diskReadBytes), Double(driver.diskReadBytes)) <= 0.03, "\(node.name): disk read")
            #expect(own.networkInBytes > 0 && own.networkOutBytes > 0, "\(node.name): no traffic")
        }
        // Every node stores blocks with fsync: some bytes reach storage (unless the scratch
        // directory is on tmpfs, which sends none; then both paths must say 0).
        let written = reported.map { figures[$0.name]!.diskWrittenBytes }
        print("disk written by the nodes: \(written)")

        // One moment: the node's counters lie between the driver's reads around its answer.
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        for node in reported {
            let pid = try #require(processIds[node.name])
            let procNode = ResourceMonitor(nodes: [MonitoredNode(name: "before", source: .process(pid: pid))])
            let before = try #require(await procNode.sampleNow().samples.first)
            guard case .measured(let resources) = await node.report!() else {
                Issue.record("\(node.name) gave no report")
                continue
            }
            let after = try #require(await procNode.sampleNow().samples.first)
            let cpuSeconds = Double(resources.reading.cpuNanoseconds) / 1e9
            let tickSeconds = 1 / ticksPerSecond
            #expect(cpuSeconds >= before.cpuSeconds - tickSeconds && cpuSeconds <= after.cpuSeconds + tickSeconds,
                    "\(node.name): CPU \(cpuSeconds) s reported, \(before.cpuSeconds)...\(after.cpuSeconds) s from /proc")
            #expect(resources.reading.diskWrittenBytes >= before.diskWrittenBytes && resources.reading.diskWrittenBytes <= after.diskWrittenBytes)
            #expect(resources.reading.diskReadBytes >= before.diskReadBytes && resources.reading.diskReadBytes <= after.diskReadBytes)
            let lowest = Double(min(before.residentBytes, after.residentBytes)), highest = Double(max(before.residentBytes, after.residentBytes))
            let resident = Double(resources.reading.residentBytes)
            #expect(resident >= lowest * 0.97 && resident <= highest * 1.03,
                    "\(node.name): RSS \(resident) reported, \(lowest)...\(highest) from /proc")
            #expect(resources.reading.monotonicNanoseconds >= before.timeNanoseconds
                    && resources.reading.monotonicNanoseconds <= after.timeNanoseconds,
                    "a node on this machine reads the same monotonic clock")
        }

        // A node that cannot answer leaves a missed sample, with the reason.
        let killed = try #require(plan.members.peers.last)
        #expect(await federation.signal(SIGKILL, to: killed))
        let missing = await monitor.sampleNow()
        let failure = try #require(missing.failures.first { $0.node == killed.name })
        #expect(failure.sampleIsMissing && failure.reason.contains("did not answer"), "\(failure)")
        #expect(!missing.samples.contains { $0.node == killed.name })
        let killedFigures = try #require(await monitor.summary(from: start, to: missing).first { $0.node == killed.name })
        #expect(killedFigures.missedSampleCount == 1 && killedFigures.missedReason == failure.reason)

        await federation.stop()
        stopped = true
    }

    /// |a - b| relative to the larger of the two; 0 when both are 0.
    static func relative(_ first: Double, _ second: Double) -> Double {
        let larger = max(abs(first), abs(second))
        return larger == 0 ? 0 : abs(first - second) / larger
    }
}
