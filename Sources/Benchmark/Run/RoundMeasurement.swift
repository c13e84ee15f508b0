import Foundation
package import BenchmarkSpec
package import Load
import Monitor
package import Results
import Federation

/// One round measured on an environment: what the runner recorded, every node's resources and
/// chain heights over exactly the round, and the machine around it.
package struct RoundMeasurement: Sendable {
    package var recording: RoundRecording
    package var figures: RoundFigures
    /// Every node's resources (and `process`'s) over the round, with the process's CPU timeline;
    /// nil without a monitor.
    package var resources: RoundResourceReport?
    /// Every node's height, by name, just before the first transaction and once the last finished.
    package var heights: RoundHeights
    /// The whole machine's CPU over the round, in % of one core (nil where it cannot be read).
    package var machineCPUPercent: Double?
    /// The share of the round the nodes' block device had I/O in flight (nil where it cannot be read).
    package var diskBusyShare: Double?
}

/// A round whose workload is prepared (accounts opened, facts registered) and ready to measure.
package struct PreparedRound: Sendable {
    package var label: String
    package var target: any BenchmarkTarget
    package var generator: WorkloadGenerator
}

extension BenchmarkEnvironment {
    /// Prepares a round's workload on this environment's federation (or on nothing for `noop`).
    package func prepareRound(label: String, workload: Workload) async throws -> PreparedRound {
        let target: any BenchmarkTarget = workload == .noop || federation == nil
            ? NoopTarget() : FederationTarget(federation: federation!)
        let generator = WorkloadGenerator(workload: workload, context: context)
        try await generator.prepare(round: label, target: target)
        return PreparedRound(label: label, target: target, generator: generator)
    }

    /// Runs a prepared round, sampling resources, heights and the machine exactly at the round's
    /// bounds. Benchmark runs and capacity probes both measure their rounds here.
    ///
    /// With `settleBeforeEndSample`, a Raft federation's peers first apply every block the
    /// orderers cut (a few milliseconds): the last block's validation on peers no client listens
    /// to then counts in the round's costs. The round's own times end at its last transaction.
    package func measureRound(_ prepared: PreparedRound, length: RoundLength, trim: RoundLength?,
                              schedule: any RateSchedule, transactionTimeout: Duration, foreignThreadIDs: Set<Int32>,
                              assignedAccounts: Int? = nil, settleBeforeEndSample: Bool = false,
                              keptRecords: Int = RoundRunner.maximumKeptRecords, acknowledgedLog: AcknowledgedLog? = nil,
                              progress: (@Sendable (RoundProgress) -> Void)?,
                              onStart: (@Sendable (ContinuousClock.Instant) -> Void)? = nil) async -> RoundMeasurement {
        let label = prepared.label
        let runner = RoundRunner(target: prepared.target, generator: prepared.generator, accounts: accounts,
                                 transactionTimeout: transactionTimeout, foreignThreadIDs: foreignThreadIDs, progress: progress,
                                 assignedAccounts: assignedAccounts, keptRecords: keptRecords, acknowledgedLog: acknowledgedLog)
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let heightsBefore = await heights()
        let diskBefore = disk?.busyMilliseconds()
        let machineBefore = MachineCPUActivity.read()
        let startPass = await monitor?.sampleNow()
        let recording = await runner.run(label: label, length: length, trim: trim, schedule: schedule, onStart: onStart)
        if settleBeforeEndSample, let federation, case .raft = federation.plan.kind {
            _ = await federation.settle(timeout: .seconds(5))
        }
        let endPass = await monitor?.sampleNow()
        let diskAfter = disk?.busyMilliseconds()
        let machineAfter = MachineCPUActivity.read()
        let heightsAfter = await heights()

        var resources: RoundResourceReport?
        if let monitor, let startPass, let endPass {
            let nodes = await monitor.summary(from: startPass, to: endPass).map(NodeResourceFigures.init)
            let samples = await monitor.samples(node: "process").filter {
                $0.timeNanoseconds >= startPass.startNanoseconds && $0.timeNanoseconds <= endPass.endNanoseconds
            }
            let timeline = zip(samples, samples.dropFirst()).map { earlier, later in
                TimelinePoint(seconds: Double(later.timeNanoseconds - startPass.startNanoseconds) / 1e9,
                              value: RoundResources.cpuPercent(from: earlier, to: later))
            }
            resources = RoundResourceReport(label: label, nodes: nodes, processCPU: timeline)
        }
        let roundSeconds = Double(recording.durationNanoseconds) / 1e9
        return RoundMeasurement(
            recording: recording, figures: RoundFigures(recording: recording), resources: resources,
            heights: RoundHeights(label: label, start: heightsBefore, end: heightsAfter),
            machineCPUPercent: machineBefore.flatMap { before in
                machineAfter.flatMap { MachineCPUActivity.percent(from: before, to: $0, cores: cores) }
            },
            diskBusyShare: diskBefore.flatMap { before in
                diskAfter.flatMap { BlockDeviceActivity.busyShare(from: before, to: $0, spanSeconds: roundSeconds) }
            })
    }
}
