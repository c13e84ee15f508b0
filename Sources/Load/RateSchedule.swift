import Transport
import Foundation
public import BenchmarkSpec

/// What a rate schedule sees of a running round when it decides the next release.
public struct ScheduleObservation: Sendable, Hashable {
    /// Transactions released so far in this round.
    public var released: Int
    /// Time since the round started.
    public var nowNanoseconds: UInt64
    public var inFlight: Int
    /// Finished so far, by any outcome.
    public var finished: Int
    /// Finished so far as committed valid.
    public var succeeded: Int

    public init(released: Int, nowNanoseconds: UInt64, inFlight: Int, finished: Int, succeeded: Int) {
        self.released = released
        self.nowNanoseconds = nowNanoseconds
        self.inFlight = inFlight
        self.finished = finished
        self.succeeded = succeeded
    }
}

/// A schedule's answer: when the next transaction is intended to go out.
public enum ScheduleDecision: Sendable, Hashable {
    /// At this time since the round's start; if that is past, now, and the lateness is recorded.
    case at(nanoseconds: UInt64)
    /// When some transaction in flight finishes (closed loop); ask again then.
    case afterNextFinish
    /// No more transactions in this round.
    case finished
}

/// Decides when each transaction of a round is intended to be sent. Pure: time and what the
/// driver observed are inputs, so tests step a schedule with a test clock.
public protocol RateSchedule: Sendable {
    mutating func next(_ observation: ScheduleObservation) -> ScheduleDecision
}

/// How long a round is, as a schedule needs to know it (linear and composite rates do).
enum ScheduleBudget: Sendable, Hashable {
    case transactions(Int)
    case nanoseconds(UInt64)
}

/// Caliper's `fixed-rate`: intended times exactly 1/tps apart.
public struct FixedRateSchedule: RateSchedule {
    public let tps: Double

    public init(tps: Double) { self.tps = tps }

    public func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        .at(nanoseconds: Schedules.nanoseconds(seconds: Double(observation.released) / tps))
    }
}

/// Caliper's `fixed-load`: paced at `startTps` until `transactionLoad` are in flight, then a new
/// transaction each time one finishes, so exactly that many stay in flight.
struct FixedLoadSchedule: RateSchedule {
    public let startTps: Double
    public let transactionLoad: Int

    public init(startTps: Double, transactionLoad: Int) {
        self.startTps = startTps
        self.transactionLoad = transactionLoad
    }

    public func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        guard observation.inFlight < transactionLoad else { return .afterNextFinish }
        if observation.released < transactionLoad {
            return .at(nanoseconds: Schedules.nanoseconds(seconds: Double(observation.released) / startTps))
        }
        return .at(nanoseconds: observation.nowNanoseconds)
    }
}

/// `linear-rate`: the instantaneous rate rises (or falls) linearly in time from `startingTps` to
/// `finishingTps` over the round; release i is where the integral of the rate reaches i.
struct LinearRateSchedule: RateSchedule {
    public let startingTps: Double
    public let finishingTps: Double
    /// The round's length in seconds (for a transaction count: the time the linear ramp needs).
    public let seconds: Double

    public init(startingTps: Double, finishingTps: Double, budget: ScheduleBudget) {
        self.startingTps = startingTps
        self.finishingTps = finishingTps
        switch budget {
        case .transactions(let count): seconds = 2 * Double(count) / (startingTps + finishingTps)
        case .nanoseconds(let nanoseconds): seconds = Double(nanoseconds) / 1e9
        }
    }

    /// The rate at `t` seconds into the round.
    public func rate(atSeconds t: Double) -> Double {
        startingTps + (finishingTps - startingTps) * t / seconds
    }

    public func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        // Solve startingTps·t + slope·t²/2 = i, in the form that stays exact when slope is 0.
        let slope = (finishingTps - startingTps) / seconds
        let count = Double(observation.released)
        if observation.released == 0 { return .at(nanoseconds: 0) }
        let root = (startingTps * startingTps + 2 * slope * count).squareRoot()
        guard root.isFinite, startingTps + root > 0 else { return .finished }
        return .at(nanoseconds: Schedules.nanoseconds(seconds: 2 * count / (startingTps + root)))
    }
}

/// Caliper's `maximum-rate`: from `tps`, every `sampleInterval` the rate rises by `step` while the
/// throughput of the last interval beats the interval before; once it falls, the rate steps back
/// and holds.
struct MaximumRateSchedule: RateSchedule {
    public let step: Double
    public let sampleIntervalNanoseconds: UInt64
    public let includeFailed: Bool
    public private(set) var rate: Double
    private var lastIntended: UInt64?
    private var sampleStart: UInt64 = 0
    private var sampleStartCount = 0
    private var previousThroughput: Double?
    private var holding = false

    public init(tps: Double, step: Double, sampleInterval: Duration, includeFailed: Bool) {
        rate = tps
        self.step = step
        sampleIntervalNanoseconds = Schedules.nanoseconds(sampleInterval)
        self.includeFailed = includeFailed
    }

    public mutating func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        let counted = includeFailed ? observation.finished : observation.succeeded
        if observation.nowNanoseconds >= sampleStart + sampleIntervalNanoseconds {
            let seconds = Double(observation.nowNanoseconds - sampleStart) / 1e9
            let throughput = Double(counted - sampleStartCount) / seconds
            if !holding {
                if let previous = previousThroughput, throughput <= previous {
                    rate = max(step, rate - step)
                    holding = true
                } else {
                    rate += step
                }
            }
            previousThroughput = throughput
            sampleStart = observation.nowNanoseconds
            sampleStartCount = counted
        }
        let intended = lastIntended.map { $0 + Schedules.nanoseconds(seconds: 1 / rate) } ?? 0
        lastIntended = intended
        return .at(nanoseconds: intended)
    }
}

/// Caliper's `fixed-feedback-rate`: paced at `tps`, but never more than `transactionLoad` in
/// flight; a held-back transaction keeps its intended time, so its wait counts in its latency.
struct FixedFeedbackRateSchedule: RateSchedule {
    public let tps: Double
    public let transactionLoad: Int

    public init(tps: Double, transactionLoad: Int) {
        self.tps = tps
        self.transactionLoad = transactionLoad
    }

    public func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        guard observation.inFlight < transactionLoad else { return .afterNextFinish }
        return .at(nanoseconds: Schedules.nanoseconds(seconds: Double(observation.released) / tps))
    }
}

/// `zero-rate`: sends nothing (a duration round then only watches the federation idle).
struct ZeroRateSchedule: RateSchedule {
    public init() {}
    public func next(_ observation: ScheduleObservation) -> ScheduleDecision { .finished }
}

/// `replay-rate`: intended times read from a file, then, if it says so, one more transaction
/// after each interval once the file runs out (Caliper's `defaultSleepTime`).
struct ReplaySchedule: RateSchedule {
    public let intendedNanoseconds: [UInt64]
    public let intervalAfterTraceNanoseconds: UInt64?

    public init(intendedNanoseconds: [UInt64], intervalAfterTraceNanoseconds: UInt64? = nil) {
        self.intendedNanoseconds = intendedNanoseconds
        self.intervalAfterTraceNanoseconds = intervalAfterTraceNanoseconds
    }

    public func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        if observation.released < intendedNanoseconds.count { return .at(nanoseconds: intendedNanoseconds[observation.released]) }
        guard let interval = intervalAfterTraceNanoseconds else { return .finished }
        let beyond = UInt64(observation.released - intendedNanoseconds.count + 1)
        let (offset, overflow) = interval.multipliedReportingOverflow(by: beyond)
        guard !overflow else { return .finished }
        return .at(nanoseconds: (intendedNanoseconds.last ?? 0) &+ offset)
    }

    /// Reads `trace`'s file, a relative path resolved against `baseDirectory`.
    public static func load(_ trace: ReplayTrace, baseDirectory: String) throws -> ReplaySchedule {
        let path = trace.path.hasPrefix("/") ? trace.path : baseDirectory + "/" + trace.path
        guard let data = FileManager.default.contents(atPath: path) else { throw ScheduleError.unreadable(path: path) }
        let times = try SendTimeFile.decode([UInt8](data), format: trace.format, path: path)
        guard !times.isEmpty || trace.intervalAfterTrace != nil else { throw ScheduleError.empty(path: path) }
        return ReplaySchedule(intendedNanoseconds: times,
                              intervalAfterTraceNanoseconds: trace.intervalAfterTrace.map(Schedules.nanoseconds))
    }
}

/// `composite-rate`: sub-schedules one after another, each for its weight's share of the round.
struct CompositeSchedule: RateSchedule {
    private var parts: [any RateSchedule]
    /// Where each part ends: a cumulative transaction count or time since the round's start.
    private let ends: [UInt64]
    private let byTransactions: Bool
    private var current = 0
    private var partStartReleased = 0
    private var partStartNanoseconds: UInt64 = 0

    /// - Parameter makePart: builds the part for `index` with its own budget.
    public init(weights: [Double], budget: ScheduleBudget, makePart: (Int, ScheduleBudget) throws -> any RateSchedule) rethrows {
        let total = weights.reduce(0, +)
        var cumulative = 0.0
        var ends: [UInt64] = []
        var parts: [any RateSchedule] = []
        var previousEnd: UInt64 = 0
        for (index, weight) in weights.enumerated() {
            cumulative += weight / total
            let end: UInt64
            switch budget {
            case .transactions(let count): end = UInt64((cumulative * Double(count)).rounded())
            case .nanoseconds(let nanoseconds): end = UInt64((cumulative * Double(nanoseconds)).rounded())
            }
            let share: ScheduleBudget
            switch budget {
            case .transactions: share = .transactions(Int(end - previousEnd))
            case .nanoseconds: share = .nanoseconds(end - previousEnd)
            }
            parts.append(try makePart(index, share))
            ends.append(end)
            previousEnd = end
        }
        self.parts = parts
        self.ends = ends
        if case .transactions = budget { byTransactions = true } else { byTransactions = false }
    }

    /// The index of the part now in charge.
    public var currentPart: Int { current }

    public mutating func next(_ observation: ScheduleObservation) -> ScheduleDecision {
        while current < parts.count {
            let position = byTransactions ? UInt64(observation.released) : observation.nowNanoseconds
            if position >= ends[current] {
                current += 1
                partStartReleased = observation.released
                partStartNanoseconds = byTransactions ? observation.nowNanoseconds : ends[current - 1]
                continue
            }
            var local = observation
            local.released -= partStartReleased
            local.nowNanoseconds -= min(observation.nowNanoseconds, partStartNanoseconds)
            switch parts[current].next(local) {
            case .at(let nanoseconds):
                let intended = partStartNanoseconds + nanoseconds
                if !byTransactions, intended >= ends[current] {
                    // This part's time is up before its next release: hand over at its end.
                    current += 1
                    partStartReleased = observation.released
                    partStartNanoseconds = ends[current - 1]
                    continue
                }
                return .at(nanoseconds: intended)
            case .afterNextFinish:
                return .afterNextFinish
            case .finished:
                if byTransactions { return .finished }
                current += 1
                partStartReleased = observation.released
                partStartNanoseconds = ends[current - 1]
            }
        }
        return .finished
    }
}

/// Why a schedule could not be built.
public enum ScheduleError: Error, Hashable, CustomStringConvertible {
    case unreadable(path: String)
    case badLine(path: String, line: Int, text: String, expected: String)
    /// Times must not decrease: `line` is the line, or for binary files the record's position.
    case notInOrder(path: String, line: Int)
    case empty(path: String)
    case badBinary(path: String, reason: String)
    case tooLong(path: String, limit: Int)
    case unwritable(path: String, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path): "replay-rate: cannot read \(path)"
        case .badLine(let path, let line, let text, let expected): "\(path):\(line): not \(expected): \(text)"
        case .notInOrder(let path, let line): "\(path):\(line): times must not decrease"
        case .empty(let path): "\(path): no intended times"
        case .badBinary(let path, let reason): "\(path): not a binary file of send times: \(reason)"
        case .tooLong(let path, let limit): "\(path): more than \(limit) times"
        case .unwritable(let path, let reason): "record-rate: cannot write \(path): \(reason)"
        }
    }
}

public enum Schedules {
    public static func nanoseconds(seconds: Double) -> UInt64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return UInt64(min(seconds * 1e9, 1.8e19).rounded())
    }

    public static func nanoseconds(_ duration: Duration) -> UInt64 {
        duration.nonNegativeNanoseconds
    }
}

extension RateControl {
    /// The schedule of this controller for a round of `length`; relative replay paths are resolved
    /// against `baseDirectory`.
    public func makeSchedule(length: RoundLength, baseDirectory: String) throws -> any RateSchedule {
        let budget: ScheduleBudget
        switch length {
        case .transactions(let count): budget = .transactions(count)
        case .duration(let duration): budget = .nanoseconds(Schedules.nanoseconds(duration))
        }
        return try makeSchedule(budget: budget, baseDirectory: baseDirectory)
    }

    func makeSchedule(budget: ScheduleBudget, baseDirectory: String) throws -> any RateSchedule {
        switch self {
        case .fixedRate(let tps): return FixedRateSchedule(tps: tps)
        case .fixedLoad(let startTps, let load): return FixedLoadSchedule(startTps: startTps, transactionLoad: load)
        case .linearRate(let start, let finish): return LinearRateSchedule(startingTps: start, finishingTps: finish, budget: budget)
        case .maximumRate(let tps, let step, let interval, let includeFailed, _):
            return MaximumRateSchedule(tps: tps, step: step, sampleInterval: interval, includeFailed: includeFailed)
        case .fixedFeedbackRate(let tps, let load): return FixedFeedbackRateSchedule(tps: tps, transactionLoad: load)
        case .composite(let weights, let controllers):
            return try CompositeSchedule(weights: weights, budget: budget) { index, share in
                try controllers[index].makeSchedule(budget: share, baseDirectory: baseDirectory)
            }
        case .zeroRate: return ZeroRateSchedule()
        case .replayRate(let trace):
            return try ReplaySchedule.load(trace, baseDirectory: baseDirectory)
        case .recordRate(_, let controller):
            // The schedule is the recorded controller's; the round's runner writes the send times.
            return try controller.makeSchedule(budget: budget, baseDirectory: baseDirectory)
        }
    }
}
