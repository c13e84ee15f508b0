import Foundation
public import Statistics
import Node
import Synchronization
public import BenchmarkSpec
public import LedgerCore
public import LedgerPrimitives

/// How one transaction of a round ended, as reports classify it.
public enum RecordedOutcome: Sendable, Hashable, Codable {
    case succeeded
    /// Ordered and validated, but not valid: the validation code's name.
    case invalid(String)
    /// Refused before ordering.
    case rejected(String)
    case timedOut
    /// Execute-order-validate: not endorsed, so never ordered (`mismatch`, a contract refusal, `timeout`...).
    case endorsementFailed(String)

    /// The failure class in tables (`invalid:insufficientFunds`, `rejected:overloaded`, `timeout`).
    public var failureClass: String? {
        switch self {
        case .succeeded: nil
        case .invalid(let code): "invalid:\(code)"
        case .rejected(let reason): "rejected:\(reason)"
        case .timedOut: "timeout"
        case .endorsementFailed(let reason): "endorsement:\(reason)"
        }
    }
}

/// One transaction's life, in nanoseconds since the round started (monotonic clock).
public struct TransactionRecord: Sendable, Hashable {
    public var index: Int
    public var account: Int
    public var intendedNanoseconds: UInt64
    public var sentNanoseconds: UInt64
    public var acknowledgedNanoseconds: UInt64?
    public var finishedNanoseconds: UInt64
    public var outcome: RecordedOutcome
}

/// Everything a round recorded.
public struct RoundRecording: Sendable {
    public var label: String
    /// The figures' source: every transaction, counted as it finished.
    public var aggregate: RoundAggregate
    /// Each transaction's life, in index order: the first `RoundRunner.keptRecords` only (none
    /// unless the round asked for them: fault figures and record-rate read them).
    public var records: [TransactionRecord]
    /// More transactions finished than `records` kept.
    public var recordsTruncated: Bool
    /// How late the scheduler released each transaction after its intended time (a histogram,
    /// so a round of any length needs the same memory).
    public var schedulerLag: LatencyDistribution
    public var durationNanoseconds: UInt64
    /// CPU the driver's own threads used during the round, in seconds (nil where it cannot be read).
    public var driverCPUSeconds: Double?
    /// The round was cut short (Ctrl-C).
    public var interrupted: Bool
    /// The ids of the transactions the round reported committed (valid or not), in finishing
    /// order, when the runner has no `AcknowledgedLog`: the first `RoundRunner.maximumKeptRecords` only.
    public var acknowledgedIds: [Hash256] = []
    /// More transactions were reported committed than `acknowledgedIds` kept.
    public var acknowledgedTruncated = false
}

/// Runs one round: releases transactions on the schedule, open loop, and records each one.
public struct RoundRunner: Sendable {
    public let target: any BenchmarkTarget
    public let generator: WorkloadGenerator
    public let accounts: AccountPool
    /// How long one transaction may take before it counts as timed out.
    public let transactionTimeout: Duration
    /// Threads that are not the driver's (node threads of an in-process federation).
    public let foreignThreadIDs: Set<Int32>
    public let progress: (@Sendable (RoundProgress) -> Void)?
    /// When set, the round signs with the pool's first `assignedAccounts` accounts only, transaction
    /// `i` with account `i mod assignedAccounts`: each account sends its fixed share, in order.
    public let assignedAccounts: Int?
    /// The most transactions released and not yet finished; beyond it the scheduler waits (a
    /// batch may pass it by less than its size).
    public static let maximumOutstanding = 65_536
    /// The most transactions' records a round keeps in memory (figures count them all).
    public static let maximumKeptRecords = 1_000_000
    /// How many transactions' records this runner's rounds keep (at most `maximumKeptRecords`):
    /// 0 unless something reads them, so that a round's memory does not grow with its length.
    public let keptRecords: Int
    /// Where committed transactions' ids go; without one, the first `maximumKeptRecords` stay in
    /// the recording.
    public let acknowledgedLog: AcknowledgedLog?

    public init(target: any BenchmarkTarget, generator: WorkloadGenerator, accounts: AccountPool,
                transactionTimeout: Duration = .seconds(30), foreignThreadIDs: Set<Int32> = [],
                progress: (@Sendable (RoundProgress) -> Void)? = nil, assignedAccounts: Int? = nil,
                keptRecords: Int = RoundRunner.maximumKeptRecords, acknowledgedLog: AcknowledgedLog? = nil) {
        precondition(assignedAccounts.map { (1...accounts.accounts.count).contains($0) } ?? true,
                     "a round's accounts must be among the pool's")
        self.target = target
        self.generator = generator
        self.accounts = accounts
        self.transactionTimeout = transactionTimeout
        self.foreignThreadIDs = foreignThreadIDs
        self.progress = progress
        self.assignedAccounts = assignedAccounts
        self.keptRecords = min(max(0, keptRecords), Self.maximumKeptRecords)
        self.acknowledgedLog = acknowledgedLog
    }

    /// Runs the round; `onStart` is called with the round's start, the instant its times count from.
    public func run(label: String, length: RoundLength, trim: RoundLength? = nil,
                    schedule initial: any RateSchedule,
                    onStart: (@Sendable (ContinuousClock.Instant) -> Void)? = nil) async -> RoundRecording {
        var schedule = initial
        let clock = ContinuousClock()
        let counters = RoundCounters(trim: trim, keptRecords: keptRecords, acknowledgedLog: acknowledgedLog)
        let (finishes, finishSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let cpuBefore = ThreadCPU.seconds(excluding: foreignThreadIDs)
        let start = clock.now
        onStart?(start)
        let limit: (count: Int?, nanoseconds: UInt64?)
        switch length {
        case .transactions(let count): limit = (count, nil)
        case .duration(let duration): limit = (nil, Schedules.nanoseconds(duration))
        }
        func elapsed() -> UInt64 { Schedules.nanoseconds(clock.now - start) }

        var lags = LatencyDistribution()
        /// Slots the schedule released (a round's `txNumber` counts them, as Caliper counts batches).
        var released = 0
        var transactionIndex = 0
        let batch = generator.workload.transactionsPerRelease
        var interrupted = false
        let reporter = progress.map { report in
            Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    report(counters.snapshot(label: label, elapsedNanoseconds: elapsed()))
                }
            }
        }
        // A duration round also ends a wait for a finish at its end.
        let deadlineTimer = limit.nanoseconds.map { nanoseconds in
            Task {
                try? await Task.sleep(until: start.advanced(by: .nanoseconds(Int64(nanoseconds))), clock: clock)
                finishSignal.yield()
            }
        }
        var finishIterator = finishes.makeAsyncIterator()

        await withDiscardingTaskGroup { group in
            releasing: while true {
                if Task.isCancelled {
                    interrupted = true
                    break
                }
                if let count = limit.count, released >= count { break }
                let now = elapsed()
                if let end = limit.nanoseconds, now >= end { break }
                let observation = ScheduleObservation(
                    released: released, nowNanoseconds: now, inFlight: counters.inFlight.load(ordering: .relaxed),
                    finished: counters.finished.load(ordering: .relaxed), succeeded: counters.succeeded.load(ordering: .relaxed))
                switch schedule.next(observation) {
                case .finished:
                    break releasing
                case .afterNextFinish:
                    _ = await finishIterator.next()
                    continue
                case .at(let intended):
                    if let end = limit.nanoseconds, intended >= end { break releasing }
                    if counters.inFlight.load(ordering: .relaxed) >= Self.maximumOutstanding {
                        // The driver cannot keep up: wait, and let the lag show it.
                        _ = await finishIterator.next()
                        continue
                    }
                    if intended > now + 200_000 {
                        try? await Task.sleep(until: start.advanced(by: .nanoseconds(Int64(intended))),
                                              tolerance: .microseconds(50), clock: clock)
                        if Task.isCancelled { continue }
                    } else if released % 64 == 63 {
                        // Behind schedule the loop never sleeps: let the transactions' tasks have this thread too.
                        await Task.yield()
                    }
                    let releasedAt = elapsed()
                    lags.record(nanoseconds: releasedAt > intended ? releasedAt - intended : 0)
                    released += 1
                    // A batch (Smallbank's txnPerBatch) goes out together at its slot.
                    for _ in 0..<batch {
                        let index = transactionIndex
                        transactionIndex += 1
                        counters.inFlight.add(1, ordering: .relaxed)
                        counters.released.add(1, ordering: .relaxed)
                        group.addTask {
                            let (record, committedId) = await execute(index: index, intended: intended, start: start, clock: clock)
                            counters.record(record)
                            if let committedId { counters.acknowledge(committedId) }
                            if record.outcome == .succeeded { counters.succeeded.add(1, ordering: .relaxed) }
                            else { counters.failed.add(1, ordering: .relaxed) }
                            counters.finished.add(1, ordering: .relaxed)
                            counters.inFlight.subtract(1, ordering: .relaxed)
                            finishSignal.yield()
                        }
                    }
                }
            }
        }
        deadlineTimer?.cancel()
        reporter?.cancel()
        finishSignal.finish()
        if let progress { progress(counters.snapshot(label: label, elapsedNanoseconds: elapsed())) }
        let cpuAfter = ThreadCPU.seconds(excluding: foreignThreadIDs)
        var (aggregate, records, truncated) = counters.results()
        records.sort { $0.index < $1.index }
        let (acknowledged, acknowledgedTruncated) = counters.acknowledged()
        return RoundRecording(
            label: label, aggregate: aggregate, records: records, recordsTruncated: truncated,
            schedulerLag: lags, durationNanoseconds: elapsed(),
            driverCPUSeconds: cpuBefore.flatMap { before in cpuAfter.map { $0 - before } }, interrupted: interrupted,
            acknowledgedIds: acknowledged, acknowledgedTruncated: acknowledgedTruncated)
    }

    /// Takes an account, builds and signs the call, sends it and waits for its end; returns its
    /// record and, when it was reported committed, its id.
    private func execute(index: Int, intended: UInt64, start: ContinuousClock.Instant,
                         clock: ContinuousClock) async -> (TransactionRecord, Hash256?) {
        func since(_ instant: ContinuousClock.Instant) -> UInt64 { Schedules.nanoseconds(instant - start) }
        if generator.isQuery {
            // A query is never ordered: it needs a signer, not a nonce.
            let account = index % (assignedAccounts ?? accounts.accounts.count)
            let query = Transaction(signedBy: accounts.accounts[account], nonce: 0, call: generator.call(index: index, account: account))
            let trace = await target.query(query, account: account, timeout: transactionTimeout)
            return (record(index: index, account: account, intended: intended, trace: trace, since: since), nil)
        }
        let lease = if let assignedAccounts {
            await accounts.acquire(account: index % assignedAccounts)
        } else {
            await accounts.acquire()
        }
        let transaction = Transaction(signedBy: lease.account, nonce: lease.nonce,
                                      call: generator.call(index: index, account: lease.index))
        let trace = await target.submit(transaction, signer: lease.account, account: lease.index, timeout: transactionTimeout)
        let result = record(index: index, account: lease.index, intended: intended, trace: trace, since: since)
        // Any outcome but "ordered" (valid, or invalid with an advanced nonce) leaves the nonce unknown.
        let nonceAdvanced: Bool
        switch trace.outcome {
        case .committed(.valid, _), .committed(.contractError, _): nonceAdvanced = true
        // Execute-order-validate checks ids, not nonce order: a nonce, once signed, is never reused.
        case .committed(.mvccReadConflict, _), .committed(.endorsementPolicyFailure, _), .committed(.duplicateTxId, _),
             .endorsementFailed: nonceAdvanced = true
        default: nonceAdvanced = false
        }
        let target = self.target
        await accounts.release(lease, succeeded: nonceAdvanced) { address in await target.nextNonce(of: address) }
        if case .committed = trace.outcome { return (result, transaction.id) }
        return (result, nil)
    }

    private func record(index: Int, account: Int, intended: UInt64, trace: TransactionTrace,
                        since: (ContinuousClock.Instant) -> UInt64) -> TransactionRecord {
        let outcome: RecordedOutcome
        switch trace.outcome {
        case .committed(.valid, _): outcome = .succeeded
        case .committed(let code, _): outcome = .invalid(Self.codeName(code))
        case .rejected(let reason): outcome = .rejected(String(describing: reason))
        case .timedOut: outcome = .timedOut
        case .endorsementFailed(let failure): outcome = .endorsementFailed(failure.description)
        }
        return TransactionRecord(index: index, account: account, intendedNanoseconds: intended,
                                 sentNanoseconds: since(trace.sent), acknowledgedNanoseconds: trace.acknowledged.map(since),
                                 finishedNanoseconds: since(trace.finished), outcome: outcome)
    }

    static func codeName(_ code: ValidationCode) -> String {
        switch code {
        case .valid: "valid"
        case .badSignature: "badSignature"
        case .staleNonce: "staleNonce"
        case .futureNonce: "futureNonce"
        case .mvccReadConflict: "mvccReadConflict"
        case .endorsementPolicyFailure: "endorsementPolicyFailure"
        case .duplicateTxId: "duplicateTxId"
        case .contractError(let error): error.name
        }
    }
}

/// A round's counters, shared by the scheduler and the transactions' tasks.
final class RoundCounters: Sendable {
    let released = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let finished = Atomic<Int>(0)
    let succeeded = Atomic<Int>(0)
    let failed = Atomic<Int>(0)
    private let kept: Mutex<(aggregate: RoundAggregate, records: [TransactionRecord], truncated: Bool)>
    private let acknowledgedIds = Mutex<(ids: [Hash256], truncated: Bool)>(([], false))
    private let keptRecords: Int
    private let acknowledgedLog: AcknowledgedLog?

    init(trim: RoundLength?, keptRecords: Int, acknowledgedLog: AcknowledgedLog?) {
        kept = Mutex((RoundAggregate(trim: trim), [], false))
        self.keptRecords = keptRecords
        self.acknowledgedLog = acknowledgedLog
    }

    /// Counts a finished transaction and keeps its record while there is room.
    func record(_ record: TransactionRecord) {
        kept.withLock { kept in
            kept.aggregate.add(record)
            if kept.records.count < keptRecords {
                kept.records.append(record)
            } else if keptRecords > 0 {
                kept.truncated = true
            }
        }
    }

    /// Keeps the id of a transaction reported committed, while there is room.
    func acknowledge(_ id: Hash256) {
        if let acknowledgedLog { return acknowledgedLog.append(id) }
        acknowledgedIds.withLock { kept in
            if kept.ids.count < RoundRunner.maximumKeptRecords { kept.ids.append(id) } else { kept.truncated = true }
        }
    }

    func acknowledged() -> ([Hash256], Bool) { acknowledgedIds.withLock { ($0.ids, $0.truncated) } }

    func results() -> (RoundAggregate, [TransactionRecord], Bool) {
        kept.withLock { ($0.aggregate, $0.records, $0.truncated) }
    }

    func snapshot(label: String, elapsedNanoseconds: UInt64) -> RoundProgress {
        RoundProgress(label: label, elapsedNanoseconds: elapsedNanoseconds, released: released.load(ordering: .relaxed),
                      succeeded: succeeded.load(ordering: .relaxed), failed: failed.load(ordering: .relaxed),
                      inFlight: inFlight.load(ordering: .relaxed))
    }
}

/// A round's state for a progress line.
public struct RoundProgress: Sendable {
    public var label: String
    public var elapsedNanoseconds: UInt64
    public var released: Int
    public var succeeded: Int
    public var failed: Int
    public var inFlight: Int

    public var line: String {
        let seconds = Double(elapsedNanoseconds) / 1e9
        let rate = seconds > 0 ? Double(released) / seconds : 0
        return String(format: "%@: %.1f s, sent %d, committed %d, failed %d, in flight %d, %.0f tx/s",
                      label, seconds, released, succeeded, failed, inFlight, rate)
    }
}

/// CPU time of this process's threads, read from /proc (Linux).
enum ThreadCPU {
    /// User plus system seconds of every thread of this process except `excluded`; nil off Linux.
    static func seconds(excluding excluded: Set<Int32>) -> Double? {
        guard let tasks = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task") else { return nil }
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var total = 0.0
        for task in tasks {
            guard let tid = Int32(task), !excluded.contains(tid),
                  let stat = try? String(contentsOfFile: "/proc/self/task/\(task)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { continue }
            // Fields after the command name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            total += (user + system) / ticksPerSecond
        }
        return total
    }
}
