import Transport
import Foundation
import Synchronization
public import Benchmark
import BenchmarkSpec
public import Load
import Monitor
import Results

/// One federation kept up across the probes of a capacity search: each probe is a fixed-rate
/// round of the plan's workload, measured with the federation's resources, after which the
/// federation is brought to rest so the next probe starts clean.
public final class ProbeSession: Sendable {
    let environment: BenchmarkEnvironment
    let configuration: BenchmarkConfiguration
    let round: Round
    let cores: Int
    /// The nodes, by name.
    public let nodeNames: [String]
    /// Says at once when a node process (or a node on a host) ends during the session.
    let watch: NodeWatch

    init(environment: BenchmarkEnvironment, configuration: BenchmarkConfiguration, log: @escaping @Sendable (String) -> Void) {
        self.environment = environment
        self.configuration = configuration
        round = configuration.rounds[0]
        cores = ProcessInfo.processInfo.activeProcessorCount
        nodeNames = environment.federation == nil ? [] : configuration.nodeNames
        watch = NodeWatch(log: log)
        if let federation = environment.federation { watch.watch(federation, network: nil) }
    }

    /// Stops the federation (only the driver's client, for nodes it did not start) and removes its data.
    public func close() async {
        _ = await watch.finish()
        await environment.close()
    }

    /// Runs one probe. Cancelling the task ends the probe early; its figures say `interrupted`.
    ///
    /// - Throws: when the workload cannot be prepared, or when a node ended before or during the
    ///   probe: its figures would measure a smaller federation than the cell's.
    public func probe(_ request: ProbeRequest, progress: (@Sendable (RoundProgress) -> Void)? = nil) async throws -> ProbeMeasurement {
        try checkNodesAlive(during: request)
        watch.setRound(request.label)
        defer { watch.setRound(nil) }
        let trip = BacklogGuardedSchedule.Trip()
        let schedule = BacklogGuardedSchedule(rate: FixedRateSchedule(tps: request.rate),
                                              guardAfterNanoseconds: Schedules.nanoseconds(request.warmUp),
                                              backlogLimit: request.backlogLimit, tripped: trip)
        // A node that ends mid-probe ends the probe at once: what follows measures another
        // federation, and its preparation, drain and settling would wait for the dead node.
        let environment = environment
        let workload = round.workload
        let outcome = await untilANodeEnds {
            let prepared = try await environment.prepareRound(label: request.label, workload: workload)
            return await environment.measureRound(
                prepared, length: .duration(request.length), trim: .duration(request.warmUp), schedule: schedule,
                transactionTimeout: request.transactionTimeout, foreignThreadIDs: environment.nodeThreadIDs, progress: progress)
        }
        // A dead node explains a failed preparation better than the preparation's own error.
        try checkNodesAlive(during: request)
        let measurement = try outcome.get()
        let recording = measurement.recording
        let resources = measurement.resources?.nodes ?? []
        let heightBefore = measurement.heights.start.values.max() ?? 0
        let heightAfter = measurement.heights.end.values.max() ?? 0
        let settleSeconds = (try? await untilANodeEnds { await self.settle() }.get()) ?? 0
        try checkNodesAlive(during: request)

        let figures = measurement.figures
        let aggregate = recording.aggregate
        let probeSeconds = Double(recording.durationNanoseconds) / 1e9
        let p95FromIntended = aggregate.fromIntended.seconds(atPercentile: 95)
        let p95FromSent = aggregate.fromSent.seconds(atPercentile: 95)
        let measured = aggregate.measured
        let warmUpSeconds = request.warmUp.inSeconds
        let sendSeconds = request.length.inSeconds
        let steady = ProbeMeasurement.steadyRate(
            finishedPerSecond: figures.finishedPerSecond,
            from: Int((warmUpSeconds + figures.latencyFromSent.p50).rounded(.up)), to: Int(sendSeconds.rounded(.down)))
        let nodes = resources.filter { $0.node != "process" }.map { node in
            SaturationEvidence.NodeLoad(node: node.node, cpuPercent: node.cpuMeanPercent,
                                        diskWriteBytesPerSecond: probeSeconds > 0 ? node.diskWrittenBytes / probeSeconds : 0)
        }
        // The CPU of everything vernier runs on this machine: the one process in process; the
        // nodes' processes and the driver's when each node is a process here; the driver's alone
        // when the nodes run on hosts (each measures itself there, against its own cores).
        let driverProcess = resources.first { $0.node == "process" }?.cpuMeanPercent
        let vernierCPU: Double? = switch configuration.network.deployment {
        case .inProcess, .hosts: driverProcess
        case .processes: driverProcess.map { $0 + nodes.reduce(0) { $0 + $1.cpuPercent } }
        }
        let onHosts = configuration.network.deployment == .hosts
        var evidence = SaturationEvidence(
            cores: cores, nodes: nodes, processCPUPercent: vernierCPU,
            driverCPUPercent: figures.driver.cpuPercent,
            machineCPUPercent: measurement.machineCPUPercent,
            schedulerLagP99Milliseconds: figures.driver.schedulerLagP99Milliseconds,
            driverLagBoundMilliseconds: SaturationAnalysis.driverLagBound(goalP95Seconds: request.goal.p95LatencySeconds),
            sendShare: request.rate > 0 ? figures.sendRate / request.rate : 1,
            // The disk under the nodes' data: on hosts it is not this machine's, and each node
            // reports its own bytes written instead.
            diskDevice: onHosts ? nil : environment.disk?.device,
            diskBusyShare: onHosts ? nil : measurement.diskBusyShare,
            accountSlots: configuration.accounts * configuration.nonceWindow,
            busyAccountSlots: figures.sendRate * figures.latencyFromSent.mean,
            p95FromSentSeconds: p95FromSent, goalP95Seconds: request.goal.p95LatencySeconds)
        evidence.nodesOnDriverMachine = !onHosts
        return ProbeMeasurement(
            figures: figures, offeredRate: request.rate, p95FromIntendedSeconds: p95FromIntended, p95FromSentSeconds: p95FromSent,
            // A probe stopped early has no steady part: Caliper's throughput over what it sent.
            committedRate: trip.value.load(ordering: .relaxed) ? figures.throughput : steady ?? figures.throughput,
            successRate: measured > 0 ? Double(aggregate.succeeded) / Double(measured) : 0,
            stoppedEarly: trip.value.load(ordering: .relaxed), resources: resources, evidence: evidence,
            blocks: heightAfter >= heightBefore ? heightAfter - heightBefore : 0, probeSeconds: probeSeconds,
            settleSeconds: settleSeconds)
    }

    /// Runs `body` until it returns, or until the watch sees a node end: then `body` is
    /// cancelled (its result is then whatever it made of the cancellation). Cancelling the caller
    /// cancels `body` too.
    private func untilANodeEnds<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        let work = Task { try await body() }
        let watch = watch
        let sentinel = Task {
            while !Task.isCancelled, watch.incidents.isEmpty {
                try? await Task.sleep(for: NodeWatch.pollInterval)
            }
            if !Task.isCancelled { work.cancel() }
        }
        defer { sentinel.cancel() }
        return await withTaskCancellationHandler {
            await work.result
        } onCancel: {
            work.cancel()
        }
    }

    /// Throws when the watch has seen a node end: the cell cannot be measured any further.
    private func checkNodesAlive(during request: ProbeRequest) throws {
        let incidents = watch.incidents
        guard !incidents.isEmpty else { return }
        throw ProbeError(description: "\(incidents.count) node(s) ended, no fault asked for it: "
            + incidents.map(\.line).joined(separator: "; "))
    }

    /// The highest height of any node.
    private func highestHeight() async -> UInt64 {
        await environment.heights().values.max() ?? 0
    }

    /// Waits until the federation is at rest: no node's height has moved for a quiet period (two
    /// batch timeouts, at least a second) and Raft peers have caught up; at most a minute. Proof
    /// of work mines on without load, so there the wait is the confirmations' worth of blocks.
    /// Returns the seconds it took.
    private func settle() async -> Double {
        // Interrupted: the session is about to close, and nothing will probe it again.
        guard let federation = environment.federation, !Task.isCancelled else { return 0 }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .seconds(60))
        switch configuration.network.consensus {
        case .proofOfWork(let settings):
            let wait = settings.targetBlockInterval * (settings.confirmations + 1)
            try? await Task.sleep(until: min(deadline, start.advanced(by: wait)), clock: clock)
        case .raft(let settings):
            await waitForQuiet(quiet: max(.seconds(1), settings.batchTimeout * 2), until: deadline)
            _ = await federation.settle(timeout: deadline - clock.now)
        case .singleStore:
            await waitForQuiet(quiet: .seconds(1), until: deadline)
        }
        return (clock.now - start).inSeconds
    }

    /// Polls heights until none moved for `quiet`, or until `deadline`.
    private func waitForQuiet(quiet: Duration, until deadline: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        var height = await highestHeight()
        var stableSince = clock.now
        while clock.now < deadline, clock.now - stableSince < quiet, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(200))
            let now = await highestHeight()
            if now != height {
                height = now
                stableSince = clock.now
            }
        }
    }
}

extension BenchmarkRun {
    /// Starts the benchmark's federation (its first round's workload is what probes run) and
    /// keeps it up for probes until the session is closed.
    public func openProbeSession(log: @escaping @Sendable (String) -> Void = { _ in }) async throws -> ProbeSession {
        let environment = try await makeEnvironment(repetition: 0)
        return ProbeSession(environment: environment, configuration: configuration, log: log)
    }
}

/// Why a probe could not be measured.
public struct ProbeError: Error, CustomStringConvertible {
    public var description: String
}
