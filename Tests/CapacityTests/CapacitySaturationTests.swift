import Testing
@testable import Benchmark
@testable import BenchmarkSpec
@testable import CapacitySpec
@testable import Capacity
@testable import Load
@testable import Monitor
@testable import Results
@testable import Statistics

/// What saturated first, on synthetic resource figures; and when a probe counts as the driver's.
@Suite("Capacity saturation")
struct CapacitySaturationTests {
    static func evidence(nodes: [(String, Double)] = [("orderer0", 30), ("peer0.hospital1", 40), ("peer0.hospital2", 35)],
                         process: Double? = 120, machine: Double? = 125, lag: Double = 1, lagBound: Double = 10,
                         sendShare: Double = 1, disk: Double? = 0.1,
                         slots: Int = 400, busy: Double = 100, p95FromSent: Double = 0.5) -> SaturationEvidence {
        SaturationEvidence(
            cores: 2, nodes: nodes.map { SaturationEvidence.NodeLoad(node: $0.0, cpuPercent: $0.1, diskWriteBytesPerSecond: $0.1 * 1_000) },
            processCPUPercent: process, driverCPUPercent: 15, machineCPUPercent: machine, schedulerLagP99Milliseconds: lag,
            driverLagBoundMilliseconds: lagBound, sendShare: sendShare,
            diskDevice: "vda", diskBusyShare: disk, accountSlots: slots, busyAccountSlots: busy, p95FromSentSeconds: p95FromSent,
            goalP95Seconds: 2)
    }

    @Test func nothingNearItsLimitIsNone() {
        #expect(SaturationAnalysis.limiting(Self.evidence()) == .none)
        let nearest = SaturationAnalysis.utilisations(Self.evidence())
        #expect(nearest.first?.resource == "machine-cpu")
        #expect(nearest.map(\.share) == nearest.map(\.share).sorted(by: >))
    }

    @Test func oneNodesThreadNearACoreIsNamed() {
        let finding = SaturationAnalysis.limiting(Self.evidence(nodes: [("orderer0", 97), ("peer0.hospital1", 60)], process: 170))
        #expect(finding == .nodeCPU(node: "orderer0", percent: 97))
        #expect(finding.key == "cpu:orderer0")
        #expect(finding.detail.contains("orderer0"))
    }

    @Test func theProcessNearAllCoresIsAValidFinding() {
        let finding = SaturationAnalysis.limiting(Self.evidence(nodes: [("peer0.hospital1", 50), ("peer0.hospital2", 60)],
                                                                process: 188, machine: 195))
        #expect(finding == .processCPU(percent: 188, cores: 2, busiestNode: "peer0.hospital2"))
        #expect(finding.key == "process-cpu")
        #expect(!finding.isLoadSide)
    }

    @Test func withNodesOnHostsTheProcessIsTheDriversAlone() {
        var evidence = Self.evidence(nodes: [("peer0.hospital1", 50), ("peer0.hospital2", 60)], process: 188, machine: 195, lag: 40)
        evidence.nodesOnDriverMachine = false
        let finding = SaturationAnalysis.limiting(evidence)
        // The driver's machine was full and the driver lagged: the load side, and no node is blamed.
        #expect(finding == .processCPU(percent: 188, cores: 2, busiestNode: nil))
        #expect(finding.detail.contains("cores of the driver's machine busy"))
        #expect(!finding.detail.contains("every node"))
    }

    @Test func otherProcessesTakingTheMachineAreCalledOut() {
        let finding = SaturationAnalysis.limiting(Self.evidence(process: 90, machine: 196, lag: 30))
        #expect(finding.key == "machine-cpu")
        #expect(finding.detail.contains("other processes"))
    }

    @Test func aBusyDiskIsNamedWithItsHeaviestWriter() {
        let finding = SaturationAnalysis.limiting(Self.evidence(disk: 0.93))
        #expect(finding == .disk(device: "vda", busyPercent: 93, heaviestWriter: "peer0.hospital1"))
    }

    @Test func aLaggingDriverWithCPUToSpareIsTheDriver() {
        let finding = SaturationAnalysis.limiting(Self.evidence(process: 80, machine: 85, lag: 25))
        #expect(finding == .driver(lagP99Milliseconds: 25, cpuPercent: 15))
        #expect(finding.isLoadSide)
    }

    @Test func aDriverThatSentTooLittleFellBehind() {
        #expect(SaturationAnalysis.limiting(Self.evidence(sendShare: 0.8)) == .driver(lagP99Milliseconds: 1, cpuPercent: 15))
        #expect(!SaturationAnalysis.driverFellBehind(Self.evidence(lag: 60, lagBound: 100, sendShare: 0.99)))
        #expect(SaturationAnalysis.driverLagBound(goalP95Seconds: 2) == 100)
        #expect(SaturationAnalysis.driverLagBound(goalP95Seconds: 0.05) == 10)
    }

    @Test func exhaustedAccountsComeFirstWhileTheFederationAnswersInTime() {
        let busy = Self.evidence(lag: 40, slots: 400, busy: 390, p95FromSent: 0.6)
        #expect(SaturationAnalysis.limiting(busy) == .accounts(busySlots: 390, slots: 400))
        // When the federation itself is slow, busy accounts are its consequence, not the limit.
        let slow = Self.evidence(slots: 400, busy: 390, p95FromSent: 3)
        #expect(SaturationAnalysis.limiting(slow) == .none)
        #expect(!SaturationAnalysis.accountsExhausted(slow))
    }

    // MARK: - A probe's verdict

    /// A probe's measurement with the given latencies (seconds), send rate and scheduler lag.
    static func measurement(rate: Double = 100, p95FromIntended: Double, p95FromSent: Double, lagMilliseconds: Double,
                            success: Double = 1, busy: Double = 50, goalSeconds: Double = 2) -> ProbeMeasurement {
        var aggregate = RoundAggregate(trim: nil)
        for index in 0..<100 {
            let intended = UInt64(index) * 10_000_000
            aggregate.add(TransactionRecord(index: index, account: index, intendedNanoseconds: intended, sentNanoseconds: intended,
                                            acknowledgedNanoseconds: nil, finishedNanoseconds: intended + 100_000_000,
                                            outcome: .succeeded))
        }
        let recording = RoundRecording(label: "probe", aggregate: aggregate, records: [], recordsTruncated: false,
                                       schedulerLag: LatencyDistribution(nanoseconds: Array(repeating: UInt64(lagMilliseconds * 1e6), count: 100)),
                                       durationNanoseconds: 1_000_000_000, driverCPUSeconds: 0.1, interrupted: false)
        let figures = RoundFigures(recording: recording)
        return ProbeMeasurement(
            figures: figures, offeredRate: rate, p95FromIntendedSeconds: p95FromIntended, p95FromSentSeconds: p95FromSent,
            committedRate: rate, successRate: success, stoppedEarly: false, resources: [],
            evidence: evidence(lag: lagMilliseconds, lagBound: SaturationAnalysis.driverLagBound(goalP95Seconds: goalSeconds),
                               busy: busy, p95FromSent: p95FromSent),
            blocks: 4, probeSeconds: 1,
            settleSeconds: 0)
    }

    static let goal = ServiceGoal(p95LatencySeconds: 2)

    @Test func aProbeTheDriverCouldNotKeepIsDriverLimitedEvenWhenItMet() {
        let probe = Self.measurement(p95FromIntended: 0.5, p95FromSent: 0.4, lagMilliseconds: 150).searchProbe(goal: Self.goal)
        #expect(probe.limitedByDriver)
    }

    /// A 30 ms lag is 1.5% of a 2 s goal: reported, but it cannot decide the verdict. Against a
    /// 200 ms goal the same lag is the driver's limit.
    @Test func theLagBoundFollowsTheGoal() {
        let loose = Self.measurement(p95FromIntended: 0.5, p95FromSent: 0.4, lagMilliseconds: 30).searchProbe(goal: Self.goal)
        #expect(!loose.limitedByDriver)
        let tight = ServiceGoal(p95LatencySeconds: 0.2)
        let strict = Self.measurement(p95FromIntended: 0.15, p95FromSent: 0.1, lagMilliseconds: 30, goalSeconds: 0.2)
            .searchProbe(goal: tight)
        #expect(strict.limitedByDriver)
    }

    @Test func aProbeTheFederationMissedByItselfStaysAMiss() {
        // The driver lagged, but the federation's own p95 (from sent) is past the goal.
        let probe = Self.measurement(p95FromIntended: 5, p95FromSent: 4, lagMilliseconds: 300).searchProbe(goal: Self.goal)
        #expect(!probe.limitedByDriver)
        #expect(Self.goal.miss(probe) != nil)
    }

    @Test func aMissCausedByExhaustedAccountsIsTheLoadsNotTheFederations() {
        let probe = Self.measurement(p95FromIntended: 6, p95FromSent: 0.5, lagMilliseconds: 2, busy: 395).searchProbe(goal: Self.goal)
        #expect(probe.limitedByDriver)
        let met = Self.measurement(p95FromIntended: 0.7, p95FromSent: 0.5, lagMilliseconds: 2, busy: 395).searchProbe(goal: Self.goal)
        #expect(!met.limitedByDriver, "a probe that met the goal with busy accounts still met it")
    }

    @Test func aCleanProbeIsJudgedOnTheGoal() {
        let met = Self.measurement(p95FromIntended: 1.9, p95FromSent: 1.8, lagMilliseconds: 2).searchProbe(goal: Self.goal)
        #expect(!met.limitedByDriver && Self.goal.miss(met) == nil)
        let failing = Self.measurement(p95FromIntended: 0.3, p95FromSent: 0.3, lagMilliseconds: 2, success: 0.99)
            .searchProbe(goal: Self.goal)
        #expect(!failing.limitedByDriver && Self.goal.miss(failing)?.contains("success") == true)
        let sentBasis = ServiceGoal(p95LatencySeconds: 2, latency: .sent)
        let judgedOnSent = Self.measurement(p95FromIntended: 3, p95FromSent: 1, lagMilliseconds: 2).searchProbe(goal: sentBasis)
        #expect(judgedOnSent.p95LatencySeconds == 1)
    }

    @Test func theSteadyRateCountsWholeSecondsAfterTheWarmUp() {
        let perSecond = [0, 5, 40, 100, 100, 98, 102, 100, 30]
        #expect(ProbeMeasurement.steadyRate(finishedPerSecond: perSecond, from: 3, to: 8) == 100)
        #expect(ProbeMeasurement.steadyRate(finishedPerSecond: perSecond, from: 7, to: 8) == nil)
        #expect(ProbeMeasurement.steadyRate(finishedPerSecond: perSecond, from: 6, to: 50) == Double(102 + 100 + 30) / 3)
    }

    @Test func procFilesAreParsed() {
        let stat = "cpu  100 5 50 800 20 0 5 0 0 0\ncpu0 50 2 25 400 10 0 2 0 0 0\n"
        let reading = MachineCPUActivity.parse(procStat: stat)
        #expect(reading == MachineCPUActivity.Reading(busyTicks: 160, totalTicks: 980))
        let later = MachineCPUActivity.Reading(busyTicks: 260, totalTicks: 1_180)
        #expect(MachineCPUActivity.percent(from: reading!, to: later, cores: 2) == 100)
        let disk = "  661881 53655 34764714 1245081 1084543 296535 38021880 328929 0 171928 1649115 254685 2 31750832 27925\n"
        #expect(BlockDeviceActivity.ioTicks(statLine: disk) == 171_928)
        #expect(BlockDeviceActivity.busyShare(from: 1_000, to: 1_500, spanSeconds: 1) == 0.5)
        #expect(BlockDeviceActivity.busyShare(from: 1_000, to: 9_000, spanSeconds: 1) == 1)
    }
}
